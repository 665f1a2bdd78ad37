"""Pieces of the few statements written out by hand (where building the ORM query cost more than answering it)."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def placeholders(name: str, values: list) -> tuple[str, dict]:
    """``%(name_0)s, %(name_1)s`` and their values; ``NULL`` (matching nothing) for no values."""
    if not values:
        return "NULL", {}
    return ", ".join(f"%({name}_{n})s" for n in range(len(values))), {f"{name}_{n}": v for n, v in enumerate(values)}


def as_moment(value) -> datetime | None:
    """A time read by such a statement: SQLite (``make run``) answers them as text, PostgreSQL as aware datetimes."""
    if isinstance(value, str):
        value = parse_datetime(value)
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, UTC)
    return value
