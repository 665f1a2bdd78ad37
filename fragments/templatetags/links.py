"""``{% link "incident_list" %}``: ``{% url %}`` for the addresses every page shows, without a reverse each;
``{% asset "css/app.css" %}``: ``{% static %}`` for the stylesheet and scripts every page links.

Every page's header names about a dozen addresses; ``{% url %}`` walks the URL patterns for each of them
on every request. ``web.links.link`` reverses each named pattern once per process (see there). Like
``{% url ... as name %}``, ``{% link ... as name %}`` gives an empty string for a name no pattern has.
"""

from functools import cache

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

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
