"""Rules other apps add to editing an incident, without this app knowing them.

A higher app registers a check from its ``AppConfig.ready``; the edit form asks every check
whether moving the mitigation time needs a reason, and says why.
"""

from collections.abc import Callable

from incidents.models import Incident

_mitigation_guards: list[Callable[[Incident], str | None]] = []


def register_mitigation_guard(check: Callable[[Incident], str | None]) -> None:
    """``check(incident)`` returns why a reason is needed to move its mitigation time, or None."""
    if check not in _mitigation_guards:
        _mitigation_guards.append(check)


def why_moving_mitigation_needs_a_reason(incident: Incident) -> str | None:
    for check in _mitigation_guards:
        message = check(incident)
        if message:
            return message
    return None
