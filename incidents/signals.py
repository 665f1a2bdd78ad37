"""Signals the incidents app sends; other apps (notifications) act on them."""

from django.dispatch import Signal

# Sent when someone thanks a near miss that has a named reporter (never for anonymous ones).
# Arguments: near_miss, thanked_by.
near_miss_thanked = Signal()
