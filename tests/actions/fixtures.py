"""What several follow-through test modules share, without imposing it on the whole folder: steps of the
frozen clock, a sweep at a moment, and the incident mitigated at ``t0``."""

import datetime as dt

import pytest
import time_machine

from actions.reminders import run_sweep
from tests.actions.factories import mitigated_incident

SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def sweep_at(moment):
    """The reminder sweep as the worker would run it at ``moment``."""
    with time_machine.travel(moment, tick=False):
        return run_sweep()


@pytest.fixture(name="incident")
def incident_mitigated_at_t0(t0, payments, engineer, teammate, facilitator, manager):
    """Payments' incident mitigated at ``t0``, so its 48-hour clock starts then: Priya and Jonas responded,
    Sam facilitates, and Maya manages the team (she hears of escalations). Import it to use it as ``incident``."""
    with time_machine.travel(t0, tick=False):
        return mitigated_incident(payments, responders=[engineer, teammate], facilitator=facilitator, mitigated_at=t0)
