"""The embedded SQLite database (``make run`` without DATABASE_URL) lacks ``percentile_cont``.

This registers an equivalent aggregate on every SQLite connection, so the same ORM
queries give the same medians and 90th percentiles there. PostgreSQL needs nothing.
"""

import math


class PercentileCont:
    """``percentile_cont(value, fraction)``: linear interpolation between the closest ranks."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        if value is not None:
            self.values.append(value)
            self.fraction = fraction

    def finalize(self):
        if not self.values:
            return None
        ordered = sorted(self.values)
        position = (len(ordered) - 1) * self.fraction
        lower, upper = math.floor(position), math.ceil(position)
        return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def register_percentile(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, PercentileCont)
