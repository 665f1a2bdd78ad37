"""Checks that must pass before a review is published, which apps above this one may add.

Each check takes a review and returns a list of blocking messages (empty when it passes). The actions
app registers "at least one concrete change to the system" from its ``ready()``.
"""

from collections.abc import Callable

PublishCheck = Callable[[object], list[str]]

_checks: list[PublishCheck] = []


def register_publish_check(check: PublishCheck) -> None:
    """Add a check run by ``publish_blockers``; registering the same one twice is harmless."""
    if check not in _checks:
        _checks.append(check)


def publish_checks() -> tuple[PublishCheck, ...]:
    return tuple(_checks)
