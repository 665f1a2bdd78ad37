"""Pieces of the few statements written out by hand (where building the ORM query cost more than answering it).

On PostgreSQL such a statement is prepared once per connection and run by name (``rows_of``): planning one of
them cost twice what running it did, on every request. For that its text must be the same whoever asks: a list
of values is one array parameter (``among``), and what is fixed in the code (a status, a limit) is written into
the text, so that the one plan made for every value of the parameters is as good as one made for each (the
connections ask PostgreSQL for that one plan: ``plan_cache_mode`` in ``config.settings.data``).
"""

import hashlib
import re
import weakref
from datetime import UTC, datetime
from functools import cache

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

_PARAMETER = re.compile(r"%\((\w+)\)s")
# The statements prepared on each of PostgreSQL's connections (a pool's connections serve many requests).
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def among(name: str, values: list) -> tuple[str, dict]:
    """``column {among}``: one of ``values``. On PostgreSQL ``= ANY(%(name)s)`` with the list as one array;
    elsewhere ``IN (%(name_0)s, …)`` with a placeholder for each (``IN (NULL)``, matching nothing, for none)."""
    if connection.vendor == "postgresql":
        return f"= ANY(%({name})s)", {name: list(values)}
    if not values:
        return "IN (NULL)", {}
    in_list = ", ".join(f"%({name}_{n})s" for n in range(len(values)))
    return f"IN ({in_list})", {f"{name}_{n}": value for n, value in enumerate(values)}


def rows_of(name: str, sql: str, params: dict) -> list[tuple]:
    """The rows of ``sql`` (named ``%(parameters)s``). On PostgreSQL the statement is prepared on the connection
    the first time, under ``name`` and its text's digest, and run by name from then on."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        statement, parameters, prepare = _prepared_form(name, sql)
        prepared = _prepared.setdefault(connection.connection, set())
        if statement not in prepared:
            cursor.execute(prepare)
            prepared.add(statement)
        cursor.execute(f"EXECUTE {statement}({', '.join(['%s'] * len(parameters))})", [params[p] for p in parameters])
        return cursor.fetchall()


@cache
def _prepared_form(name: str, sql: str) -> tuple[str, list[str], str]:
    """The statement's name, its parameters in order, and ``PREPARE`` with them numbered."""
    parameters = list(dict.fromkeys(_PARAMETER.findall(sql)))
    statement = f"{name}_{hashlib.sha256(sql.encode()).hexdigest()[:12]}"
    numbered = _PARAMETER.sub(lambda match: f"${parameters.index(match[1]) + 1}", sql)
    return statement, parameters, f"PREPARE {statement} AS {numbered}"


def as_moment(value) -> datetime | None:
    """A time read by such a statement: SQLite (``make run``) answers them as text, PostgreSQL as aware datetimes."""
    if isinstance(value, str):
        value = parse_datetime(value)
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, UTC)
    return value
