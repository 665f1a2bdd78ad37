"""``{% kept_entry entry of entries %}…{% end_kept_entry %}``: a timeline entry rendered once for every viewer of
its kind (editor or reader) until the entry changes.

The timeline's shared fragment is kept under the timeline's version, which any entry added, changed or removed
raises; the entries that did not change are then served as they were kept, under their own row's ``version``
(raised on every save), and only the changed one is rendered. Kept only while the timeline is rendered to be kept
for everyone (its times placeholders, its forms' CSRF token the placeholder); an entry being edited, or a timeline
rendered for one viewer, is rendered as usual.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe

from fragments import times
from fragments.kept import CSRF_PLACEHOLDER, kept_values
from fragments.release import release
from web.tag_syntax import tag_arguments

register = template.Library()


class KeptEntryNode(template.Node):
    def __init__(self, entry, entries, nodelist):
        self.entry, self.entries, self.nodelist = entry, entries, nodelist

    def render(self, context):
        seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
        if seconds <= 0 or not times.is_keeping() or context.get("csrf_token") != CSRF_PLACEHOLDER:
            return self.nodelist.render(context)
        entry = self.entry.resolve(context)
        if context.get("editing") == entry.pk:
            return self.nodelist.render(context)
        timeline = context.render_context.get(self)
        if timeline is None:
            timeline = context.render_context[self] = self._read_kept(context)
        keys, kept, made = timeline
        key = keys[entry.pk]
        html = kept.get(key)
        if html is None:
            html = made[key] = self.nodelist.render(context)
        if len(kept) + len(made) == len(keys) and made:  # the last entry: keep what was rendered, in one round trip
            cache.set_many(made, seconds)
            kept.update(made)
            made.clear()
        return mark_safe(html)  # noqa: S308 - our own template's output, escaped as it rendered

    def _read_kept(self, context) -> tuple[dict, dict, dict]:
        """Every entry's key, and what is kept under them (one round trip, read early from the next request on)."""
        common = "\x1f".join(
            [release(), "timeline-entry", translation.get_language() or "", repr(bool(context.get("can_edit")))]
        )
        keys = {
            entry.pk: "entry:"
            + hashlib.sha256(f"{common}\x1f{entry.incident_id}:{entry.pk}:{entry.version}".encode()).hexdigest()
            for entry in self.entries.resolve(context)
        }
        return keys, kept_values(list(keys.values()), context.get("request")), {}


@register.tag("kept_entry")
def do_kept_entry(parser, token):
    entry, values, entries = tag_arguments(parser, token, "of", "kept_entry needs the entry, then of and the entries.")
    if values or entries is None:
        raise template.TemplateSyntaxError("kept_entry takes: {% kept_entry entry of entries %}.")
    nodelist = parser.parse(("end_kept_entry",))
    parser.delete_first_token()
    return KeptEntryNode(entry, parser.compile_filter(entries), nodelist)
