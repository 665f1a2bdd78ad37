import pytest

from tests.incidents.factories import IncidentFactory


@pytest.fixture
def incident(payments, engineer):
    """A Payments incident with Priya as responder."""
    return IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])


@pytest.fixture
def restricted_incident(payments, engineer, facilitator):
    """A security incident only Priya (responder), Sam (facilitator) and admins may see."""
    return IncidentFactory(
        title="Leaked signing key in build logs", team=payments, restricted=True, responders=[engineer],
        facilitator=facilitator,
    )  # fmt: skip
