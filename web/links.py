"""Addresses of objects on pages that list many: ``link("review_detail", 42)`` without a ``reverse`` each.

``reverse`` walks the URL patterns on every call (about 25 µs); a page of rows asked it dozens of times. The
address of a named pattern is reversed once per process (and script prefix) with placeholders, and each
row's values are put in their place. Only plain values (ids, slugs) are filled in this way, and only for
the values its pattern accepts (a slug where the pattern wants a number is the caller's mistake, not
caught here); anything else is reversed as usual.
"""

import re
from collections.abc import Callable
from functools import cache

from django.urls import NoReverseMatch, get_script_prefix, reverse

PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "918273640"  # digits and a slug alike; the argument's position is appended


@cache
def _pattern(name: str, arity: int, prefix: str) -> tuple[str, ...]:
    placeholders = [f"{PLACEHOLDER}{n}" for n in range(arity)]
    address = reverse(name, args=placeholders)
    parts = []
    for placeholder in placeholders:
        before, found, address = address.partition(placeholder)
        if not found:
            raise ValueError(f"{name} does not place its arguments in order")
        parts.append(before)
    return (*parts, address)


def link(name: str, *args) -> str:
    """``reverse(name, args=args)``, from a pattern kept per process when every argument is plain."""
    return _address(name, args, get_script_prefix())


def links_to(name: str) -> Callable[..., str]:
    """``link(name, …)`` for the many rows of one page: the script prefix is looked up once, not per row."""
    prefix = get_script_prefix()
    return lambda *args: _address(name, args, prefix)


def _address(name: str, args: tuple, prefix: str) -> str:
    values = []
    for arg in args:
        value = str(arg)
        # Numbers, the usual arguments, are plain without asking the expression.
        if type(arg) is not int and not PLAIN.fullmatch(value):
            return reverse(name, args=args)
        values.append(value)
    try:
        parts = _pattern(name, len(values), prefix)
    except (ValueError, NoReverseMatch):  # a pattern that takes no placeholder: reversed every time
        return reverse(name, args=args)
    # The header's links take no argument and most rows' one: spelled out, as these run dozens of times a page.
    if not values:
        return parts[0]
    if len(values) == 1:
        return parts[0] + values[0] + parts[1]
    return "".join([part + value for part, value in zip(parts, values, strict=False)]) + parts[-1]
