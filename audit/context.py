"""Who is acting right now: the signed-in person of a request, or nobody ("the system")."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

# A callable rather than the user itself, so a request whose user is never needed never loads it.
_actor: ContextVar[Callable[[], object] | None] = ContextVar("audit_actor", default=None)
_unit: ContextVar["UnitOfWork | None"] = ContextVar("audit_unit", default=None)


@dataclass
class UnitOfWork:
    """One request's events by object, so several saves of one object in one request make one event."""

    events: dict[tuple[int, int], object] = field(default_factory=dict)


def current_actor():
    """The person acting now, or None for the worker, commands and other system changes."""
    getter = _actor.get()
    if getter is None:
        return None
    user = getter()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_unit() -> UnitOfWork | None:
    return _unit.get()


def begin_acting(getter: Callable[[], object]) -> tuple[Token, Token]:
    """From now on, changes are recorded as made by ``getter()``; ``end_acting`` with what this returns undoes it.

    ``acting_as`` in two calls, for the request path: a generator-based context manager costs every request
    several times as much."""
    return _actor.set(getter), _unit.set(UnitOfWork())


def end_acting(tokens: tuple[Token, Token]) -> None:
    actor_token, unit_token = tokens
    _unit.reset(unit_token)
    _actor.reset(actor_token)


@contextmanager
def acting_as(user_or_getter) -> Iterator[None]:
    """Record changes made inside the block as made by this person (or by the system for None)."""
    tokens = begin_acting(user_or_getter if callable(user_or_getter) else (lambda: user_or_getter))
    try:
        yield
    finally:
        end_acting(tokens)
