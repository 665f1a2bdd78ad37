"""``{% shared_fragment %}``: a piece of a page rendered once and served to every viewer.

    {% load fragments %}
    {% shared_fragment "incident-timeline" incident|version:"timeline" can_edit %}
      … the timeline …
    {% end_shared_fragment %}

The fragment is kept (``fragments.kept``) under its name, the current numbers of the versions it names
(``incident|version:"timeline"`` is the ``timeline:<pk>`` version, see ``fragments.versions``), the
other values given (what kind of viewer: one who may edit or one who reads) and the viewer's day (what is
due or overdue). Times inside are kept as instants and shown in each viewer's zone (``fragments.times``):
``when`` does so by itself; a ``<time datetime>`` takes ``|instant``, never ``|date``, which is local.
``unless EXPR`` at the end renders it afresh, unkept, while EXPR is true (a form open inside it).
A change raises the version and the next viewer renders it afresh; fragments of other objects stay.

Per-person bits stay out of it: a ``{% csrf_token %}`` inside is kept as a placeholder and each viewer
gets their own token when the fragment is served.
"""

from django import template

from fragments.kept import VersionName, kept
from web.tag_syntax import tag_arguments

register = template.Library()


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


class SharedFragmentNode(template.Node):
    def __init__(self, name, values, nodelist, unless=None):
        self.name = name
        self.values = values
        self.nodelist = nodelist
        self.unless = unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)

        def render(csrf_token):
            with context.push(csrf_token=csrf_token):
                return self.nodelist.render(context)

        values = [value.resolve(context) for value in self.values]
        return kept(self.name.resolve(context), values, context.get("request"), context.get("csrf_token", ""), render)


@register.tag("shared_fragment")
def do_shared_fragment(parser, token):
    name, values, unless = tag_arguments(
        parser, token, "unless", "shared_fragment needs a name, then the versions and values it depends on."
    )
    nodelist = parser.parse(("end_shared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(name, values, nodelist, None if unless is None else parser.compile_filter(unless))
