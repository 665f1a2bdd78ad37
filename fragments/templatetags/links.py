"""``{% link "incident_list" %}``: ``{% url %}`` for the addresses every page shows, without a reverse each;
``{% asset "css/app.css" %}``: ``{% static %}`` for the stylesheet and scripts every page links;
``{% htmx_scripts %}``: django-htmx's ``{% htmx_script %}``, worked out once per process;
``{% site_nav %}``: the header's links to each part of the site, the one the page is in marked.

Every page's header names about a dozen addresses; ``{% url %}`` walks the URL patterns for each of them
on every request. ``web.links.link`` reverses each named pattern once per process (see there). Like
``{% url ... as name %}``, ``{% link ... as name %}`` gives an empty string for a name no pattern has.
"""

from functools import cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script

from web.links import link as address
from web.tag_syntax import tag_arguments

register = template.Library()


class LinkNode(template.Node):
    def __init__(self, name, args, target):
        self.name, self.args, self.target = name, args, target

    def render(self, context):
        name = self.name.resolve(context)
        args = [arg.resolve(context) for arg in self.args]
        try:
            url = address(name, *args)
        except NoReverseMatch:
            if self.target is None:
                raise
            url = ""
        if self.target is not None:
            context[self.target] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag("link")
def do_link(parser, token):
    name, args, target = tag_arguments(parser, token, "as", "link needs the name of a URL pattern.")
    return LinkNode(name, args, target)


@register.simple_tag
def asset(path: str) -> str:
    """The address of a static file: worked out once per process (a file's hashed name does not change while the
    process runs), not by the storage on every page."""
    return _asset_address(path)


@cache
def _asset_address(path: str) -> str:
    return static(path)


@register.simple_tag
def htmx_scripts() -> SafeString:
    """htmx's script tags as django-htmx writes them (with its debugging script in DEBUG): the same on every
    page, as our pages use no nonces, but looked up in the static files' manifest on every render."""
    return _htmx_scripts(settings.DEBUG)


@cache
def _htmx_scripts(debug: bool) -> SafeString:
    return htmx_script()


# The header's parts of the site: the pattern, its label, and what the addresses in it start with (home is
# only "/" itself). A part whose pattern no URL configuration has is left out.
SITE_PARTS = (
    ("home", "My work", None),
    ("incident_list", "Incidents", "/incidents/"),
    ("near_miss_list", "Near misses", "/near-misses/"),
    ("review_library", "Reviews", "/reviews/"),
    ("action_list", "Action items", "/actions/"),
    ("dashboard", "Dashboard", "/dashboard/"),
    ("team_list", "Teams", "/teams/"),
)


@register.simple_tag(takes_context=True)
def site_nav(context) -> SafeString:
    """The same for everyone but for the part marked current: written once per process for each part, as the
    template's dozen look-ups, filters and comparisons cost a fifth of a light page."""
    request = context.get("request")
    path = request.path if request is not None else ""
    current = next(
        (name for name, _, starts in SITE_PARTS if (path.startswith(starts) if starts else path == "/")), None
    )
    return _site_nav(get_script_prefix(), current)


@cache
def _site_nav(script_prefix: str, current: str | None) -> SafeString:
    items = []
    for name, label, _ in SITE_PARTS:
        try:
            url = address(name)
        except NoReverseMatch:
            continue
        marked = ' aria-current="page"' if name == current else ""
        items.append(f'<li><a href="{conditional_escape(url)}"{marked}>{label}</a></li>')
    return mark_safe(f'<ul class="nav-links">{"".join(items)}</ul>')  # noqa: S308 - our addresses, escaped
