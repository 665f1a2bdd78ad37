import pytest

from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory


@pytest.fixture
def entry(incident):
    """One fact on the incident's timeline."""
    return TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")


@pytest.fixture
def review(incident, facilitator, engineer):
    return ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])


@pytest.fixture
def factor(review):
    return ContributingFactorFactory(review=review, description="Nothing checked the pool size against the limit.")


@pytest.fixture
def action_item(incident, engineer):
    return ActionItemFactory(incident=incident, owner=engineer, title="Add a pool-size check to the deploy pipeline")


@pytest.fixture
def site_admin(org_admin):
    """Alex, the organisation's admin, with access to the Django admin."""
    org_admin.is_staff = org_admin.is_superuser = True
    org_admin.save()
    return org_admin
