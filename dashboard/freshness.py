"""One version number for everything the dashboard summarises.

Cached aggregates carry the version in their key; a change to the underlying data raises it
(``dashboard.signals``), so the next request computes afresh and old entries simply expire.
"""

from versioning import VersionCounter

VERSION_KEY = "dashboard:version"

_counter = VersionCounter(VERSION_KEY)


def data_version() -> int:
    return _counter.current()


def bump_version() -> None:
    """Mark every cached aggregate stale."""
    _counter.bump()
