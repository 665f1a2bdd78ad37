"""Fixtures that several follow-through test modules share without imposing them on the whole folder."""

import pytest
import time_machine

from tests.actions.factories import mitigated_incident


@pytest.fixture(name="incident")
def incident_mitigated_at_t0(t0, payments, engineer, teammate, facilitator, manager):
    """Payments' incident mitigated at ``t0``, so its 48-hour clock starts then: Priya and Jonas responded,
    Sam facilitates, and Maya manages the team (she hears of escalations). Import it to use it as ``incident``."""
    with time_machine.travel(t0, tick=False):
        return mitigated_incident(payments, responders=[engineer, teammate], facilitator=facilitator, mitigated_at=t0)
