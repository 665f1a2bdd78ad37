"""What every figure shares: the filters, the percentile aggregate and the limits on what is shown."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import (
    Aggregate,
    BigIntegerField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
)
from django.utils import timezone

from accounts.models import Team
from dashboard.forms import PERIODS

CACHE_SECONDS = 10 * 60
RECURRENCE_WINDOW_DAYS = 90
RECURRENCE_THRESHOLD = 3
OLDEST_OVERDUE_SHOWN = 10
OBLIGATIONS_SHOWN = 15


class Percentile(Aggregate):
    """``percentile_cont``: the continuous percentile of the group (an interval stays an interval)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # dashboard.sqlite registers percentile_cont(value, fraction) on SQLite connections.
        clone = self.copy()
        clone.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return super(Percentile, clone).as_sql(compiler, connection, **extra_context)


def interval(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


class Microseconds(Func):
    """A moment (since the epoch) or a duration as whole microseconds, as ``sums.micro`` keeps them: computed
    by the database, as reading a moment back into Python costs more than anything done with it here."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # A difference of moments is in microseconds there already; a moment is read back as written.
        return compiler.compile(self.source_expressions[0])

    def get_db_converters(self, connection):
        # Without the int() every integer expression applies to each value: the database's is one already.
        converters = self.output_field.get_db_converters(connection)
        return [*converters, _microseconds_on_sqlite] if connection.vendor == "sqlite" else converters


def _microseconds_on_sqlite(value, expression, connection):
    from dashboard.figures.sums import micro

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):  # a column's moment, as written (in UTC) or read back by the driver
        return micro(value if value.tzinfo else value.replace(tzinfo=UTC))
    return value


def microseconds_between(end: str, start: str) -> Microseconds:
    return Microseconds(interval(end, start))


@dataclass(frozen=True)
class Filters:
    team: Team | None
    period: str
    severity: str
    today: date
    now: datetime

    @property
    def months(self) -> int:
        return PERIODS[self.period][1]

    @property
    def period_label(self) -> str:
        return PERIODS[self.period][0]

    @property
    def month_starts(self) -> list[date]:
        """The first day of every month in the period, oldest first (the current month last)."""
        year, month = self.today.year, self.today.month
        months = []
        for _ in range(self.months):
            months.append(date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months[::-1]

    @property
    def start(self) -> datetime:
        first = self.month_starts[0]
        return datetime(first.year, first.month, 1, tzinfo=UTC)

    @property
    def week_starts(self) -> list[date]:
        monday = self.start.date() - timedelta(days=self.start.weekday())
        this_monday = self.today - timedelta(days=self.today.weekday())
        weeks = []
        while monday <= this_monday:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks


def make_filters(team: Team | None, period: str, severity: str = "", now: datetime | None = None) -> Filters:
    now = now or timezone.now()
    return Filters(team=team, period=period, severity=severity, today=now.astimezone(UTC).date(), now=now)


def month_of(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def sql_of(queryset) -> tuple[str, tuple]:
    """A queryset as SQL to embed in our own; without its default ordering, which would only cost a sort."""
    queryset = queryset.order_by()
    return queryset.query.get_compiler(using=queryset.db).as_sql()
