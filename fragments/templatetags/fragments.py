"""``{% shared_fragment %}``: a piece of a page rendered once and served to every viewer.

    {% load fragments %}
    {% shared_fragment "incident-timeline" incident|version:"timeline" can_edit %}
      … the timeline …
    {% end_shared_fragment %}

The fragment is kept under its name, the current numbers of the versions it names
(``incident|version:"timeline"`` is the ``timeline:<pk>`` version, see ``fragments.versions``), the
other values given (what kind of viewer: one who may edit or one who reads) and the viewer's time zone.
The day is part of the key too (what is due or overdue).
``unless EXPR`` at the end renders it afresh, unkept, while EXPR is true (a form open inside it).
A change raises the version and the next viewer renders it afresh; fragments of other objects stay.

Per-person bits stay out of it: a ``{% csrf_token %}`` inside is kept as a placeholder and each viewer
gets their own token when the fragment is served.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from fragments.release import release
from fragments.versions import current

register = template.Library()

CSRF_PLACEHOLDER = "shared-fragment-csrf-token"


class VersionName(str):
    """A version's name, told apart from plain values given to the tag."""


@register.filter
def version(obj, kind: str) -> VersionName:
    """``incident|version:"timeline"`` → the ``timeline:<incident pk>`` version."""
    return VersionName(f"{kind}:{obj.pk}")


@register.filter
def named_version(name: str) -> VersionName:
    """``"incidents"|named_version`` → the ``incidents`` version (any incident on a list)."""
    return VersionName(name)


@register.filter
def pks(objects) -> str:
    """The primary keys of a list of rows: a fragment of a list page is kept for exactly these rows."""
    return ",".join(str(obj.pk) for obj in objects)


def fragment_key(name: str, values: list, request=None) -> str:
    names = [value for value in values if isinstance(value, VersionName)]
    known = getattr(request, "versions", {}) if request is not None else {}
    unknown = [n for n in names if n not in known]
    numbers = {**known, **(current(unknown) if unknown else {})}
    parts = [
        release(),
        name,
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),  # what is due or overdue
        translation.get_language() or "",
        *(f"{value}={numbers[value]}" if isinstance(value, VersionName) else repr(value) for value in values),
    ]
    return "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class SharedFragmentNode(template.Node):
    def __init__(self, name, values, nodelist, unless=None):
        self.name = name
        self.values = values
        self.nodelist = nodelist
        self.unless = unless

    def render(self, context):
        seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
        if seconds <= 0 or (self.unless is not None and self.unless.resolve(context)):
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        values = [value.resolve(context) for value in self.values]
        key = fragment_key(name, values, context.get("request"))
        html = cache.get(key)
        if html is None:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            cache.set(key, html, seconds)
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
        return mark_safe(html)  # noqa: S308 - the output of our own template, escaped when it was rendered


@register.tag("shared_fragment")
def do_shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name, then the versions and values it depends on.")
    unless = None
    if len(bits) > 3 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    nodelist = parser.parse(("end_shared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist, unless
    )
