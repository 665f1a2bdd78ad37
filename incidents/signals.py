"""Signals the incidents app sends; other apps (notifications) act on them."""

from django.dispatch import Signal

# Sent when someone thanks a near miss that has a named reporter (never for anonymous ones).
# Arguments: near_miss, thanked_by.
near_miss_thanked = Signal()

# Sent after timeline entries are created together (``bulk_create`` sends no ``post_save``), so that
# whatever follows the timeline (the review's meeting, a published review's amendments) hears of them.
# Arguments: incident, entries.
timeline_entries_imported = Signal()

# Sent after the hourly release has made the anonymous reports filed since the last one visible at once
# (one ``update``, so no ``post_save``): what counts reports counts them now. No arguments.
near_misses_released = Signal()
