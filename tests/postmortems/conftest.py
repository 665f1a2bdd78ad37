import pytest

from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory


@pytest.fixture
def incident(payments, engineer):
    """A Payments SEV2 incident with Priya as responder and two timeline entries."""
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    TimelineEntryFactory(incident=incident, text="We rolled back the connection pool change.")
    return incident


@pytest.fixture
def review(incident, facilitator, engineer, teammate):
    """The incident's review, facilitated by Sam, with Priya and Jonas taking part."""
    return ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer, teammate])


@pytest.fixture
def restricted_review(payments, engineer, facilitator):
    incident = IncidentFactory(
        title="Leaked signing key in build logs", team=payments, restricted=True, responders=[engineer],
        facilitator=facilitator,
    )  # fmt: skip
    return ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])
