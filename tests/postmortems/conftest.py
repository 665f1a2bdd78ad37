import pytest

from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory


@pytest.fixture
def review(incident, facilitator, engineer, teammate):
    """The incident's review, facilitated by Sam, with Priya and Jonas taking part; the timeline has two entries."""
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    TimelineEntryFactory(incident=incident, text="We rolled back the connection pool change.")
    return ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer, teammate])


@pytest.fixture
def restricted_review(restricted_incident, facilitator, engineer):
    return ReviewFactory(incident=restricted_incident, facilitator=facilitator, participants=[facilitator, engineer])
