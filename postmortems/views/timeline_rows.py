"""The review page's timeline entries, written out here rather than in ``detail.html``'s loop.

The timeline is the longest list on the page (twenty entries and more), and each entry cost the template engine a
dozen variable look-ups, filters, escapes and a partial: rendering it afresh took longer than reading it. Each entry
is one ``format_html`` here, its values escaped as the template escaped them; an entry with language notes shows
them through the notes' own template, as everywhere else.
"""

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fragments import times

NOTES_TEMPLATE = "postmortems/includes/language_notes.html"


def timeline_rows(entries) -> SafeString:
    """The ``<li>`` of each entry (``timeline_with_flags``), in order."""
    return format_html_join("\n", "{}", ((_row(entry),) for entry in entries))


def _row(entry) -> SafeString:
    known = (
        format_html('<p class="help"><strong>Known then:</strong> {}</p>', entry.known_then) if entry.known_then else ""
    )
    missing = (
        format_html('<p class="help"><strong>Missing then:</strong> {}</p>', entry.missing_then)
        if entry.missing_then
        else ""
    )
    flags = getattr(entry, "flags", None)
    notes = render_to_string(NOTES_TEMPLATE, {"flags": flags}) if flags else ""
    return format_html(
        '<li id="entry-{}" class="with-notes">\n<div class="note-subject">\n'
        '<p><time datetime="{}">{}</time> <span class="badge">{}</span></p>\n<p>{}</p>\n{}{}</div>\n'
        '<aside class="notes">{}</aside>\n</li>',
        entry.pk,
        entry.occurred_at.isoformat(),
        times.shown(entry.occurred_at),
        entry.kind_label,
        entry.text,
        known,
        missing,
        notes,
    )
