import datetime as dt

import pytest
import time_machine

# A Wednesday in June; "this week" runs from Monday 15 to Sunday 21 June.
NOW = dt.datetime(2026, 6, 17, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def at():
    """``at(days_ago, hours=0)``: a moment before the frozen now."""

    def moment(days_ago: float = 0, hours: float = 0) -> dt.datetime:
        return NOW - dt.timedelta(days=days_ago, hours=hours)

    return moment


@pytest.fixture(autouse=True)
def _figures_refreshed_in_process():
    """The background refresh of the figures runs at once, in the test's process and transaction."""
    from celery import current_app

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = eager
