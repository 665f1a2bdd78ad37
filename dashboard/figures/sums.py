"""Figures kept in a form that adds up: what one set of incidents contributes, merged with another's.

A part of the figures (``dashboard.figures.parts``) holds counts, sorted values (for medians and
percentiles), sets of people (for the fewest-people rule), earliest moments and the first few rows of a
list. Two parts about disjoint sets of incidents merge into the part about both, exactly: the median of
the merged sorted values is the median over both sets, a team's people are the union of both sets'.
"""

import bisect
import math
from datetime import UTC, datetime, timedelta


class Sorted(list):
    """Values kept in order, so that any percentile of them, and of them merged with others, is exact."""

    def add(self, values) -> "Sorted":
        if len(values) * 8 < len(self):
            for value in values:
                bisect.insort(self, value)
        else:
            self.extend(values)
            self.sort()  # two sorted runs: merged in one linear pass
        return self


class Earliest(dict):
    """The earliest moment per key (the first fix of each weakness)."""

    def add(self, other: dict) -> "Earliest":
        for key, moment in other.items():
            if key not in self or moment < self[key]:
                self[key] = moment
        return self


class First(list):
    """The first ``size`` rows of a list in their natural order (tuples whose first items sort them)."""

    def __init__(self, rows=(), size: int = 10, reverse: bool = False):
        super().__init__(sorted(rows, reverse=reverse)[:size])
        self.size, self.reverse = size, reverse

    def add(self, other) -> "First":
        self[:] = sorted([*self, *other], reverse=self.reverse)[: self.size]
        return self


def merge(into, other):
    """Add ``other`` to ``into`` (changing ``into``, which is returned): counts add up, sorted values and
    lists of facts join, sets of people unite, earliest moments and first rows keep the first."""
    if isinstance(into, dict) and not isinstance(into, Earliest):
        for key, value in other.items():
            into[key] = merge(into[key], value) if key in into else value
        return into
    if isinstance(into, Sorted | Earliest | First):
        return into.add(other)
    if isinstance(into, set):
        return into | other
    if isinstance(into, list):
        return into + other
    if isinstance(into, int | float) and not isinstance(into, bool):
        return into + other
    return other if into is None else into  # a name: the same in both parts, when both know it


def percentile(values: list, fraction: float):
    """``percentile_cont`` of sorted values: linear interpolation between the closest ranks (None if empty)."""
    if not values:
        return None
    position = (len(values) - 1) * fraction
    lower, upper = math.floor(position), math.ceil(position)
    if lower == upper:
        return values[lower]
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


# Moments and durations are kept as whole microseconds: exact, and quick to keep and read back.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micro(value: datetime | timedelta) -> int:
    return (value - EPOCH if isinstance(value, datetime) else value) // MICROSECOND


def duration(microseconds: float | None) -> timedelta | None:
    """A duration kept in microseconds (or a percentile of such) as a duration again."""
    return None if microseconds is None else timedelta(microseconds=microseconds)
