"""Places on a lower app's page where a higher app shows its part, registered by that app.

The incident page has the slot ``"incident"``; the review and meeting pages have ``"review"``; every page's
header has ``"header"``. A higher app registers its panel in ``AppConfig.ready()`` (``register_panel("incident",
"actions/panel.html", obligation_panel)``) and the page renders whatever is registered with
``{% load panels %}{% panels "incident" incident %}`` (``fragments/templatetags/panels.py``), so it never
loads a higher app's template tags. A panel's context function takes the page's template context, the
object and the tag's options.

A panel that many people see alike says so with ``kept_by(page_context, obj, **options)``: the values its
output depends on (the versions of what it shows, what kind of viewer), or None for a viewer who gets their
own. It is then kept as a shared fragment, and its context function runs only when it is rendered afresh.
``personal(page_context, obj, **options)`` maps text of its output to this viewer's own (their name chosen in a
form every editor shares), as the CSRF token is.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable[..., dict]
    kept_by: Callable[..., list | None] | None = None
    personal: Callable[..., dict] | None = None


_slots: dict[str, list[Panel]] = defaultdict(list)


def register_panel(
    slot: str,
    template_name: str,
    context: Callable[..., dict],
    kept_by: Callable[..., list | None] | None = None,
    personal: Callable[..., dict] | None = None,
) -> None:
    """Show ``template_name`` in ``slot``, with the context ``context(page_context, obj, **options)`` gives."""
    panel = Panel(template_name, context, kept_by, personal)
    if panel not in _slots[slot]:
        _slots[slot].append(panel)


def registered(slot: str) -> list[Panel]:
    """The panels of ``slot``, in the order the apps registered them."""
    return list(_slots[slot])
