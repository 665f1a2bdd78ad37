"""Dashboard test data: the apps' factories, plus incidents with known times and obligations in a known state."""

import datetime as dt

import factory

from actions.models import FixObligation, ObligationState
from incidents.models import Incident
from postmortems.models import Review, ReviewFeedback, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.factories import UserFactory
from tests.incidents.factories import IncidentFactory, NearMissFactory, ServiceFactory
from tests.postmortems.factories import ContributingFactorFactory, PerspectiveFactory, ReviewFactory, category

__all__ = [
    "ActionItemFactory",
    "ContributingFactorFactory",
    "FeedbackFactory",
    "IncidentFactory",
    "NearMissFactory",
    "PerspectiveFactory",
    "ServiceFactory",
    "category",
    "incident_with_times",
    "published_review",
    "set_obligation",
]


def incident_with_times(team, started, detect_minutes=None, mitigate_minutes=None, **fields) -> Incident:
    """An incident whose impact began ``started``; detection and mitigation follow when given."""
    return IncidentFactory(
        team=team,
        impact_started_at=started,
        detected_at=started + dt.timedelta(minutes=detect_minutes) if detect_minutes is not None else None,
        mitigated_at=started + dt.timedelta(minutes=mitigate_minutes) if mitigate_minutes is not None else None,
        **fields,
    )


def published_review(**fields) -> Review:
    """The dashboard counts published reviews; unless told otherwise, this one is."""
    fields.setdefault("status", ReviewStatus.PUBLISHED)
    fields.setdefault("summary", "The payment gateway returned errors after a configuration change.")
    if "incident" not in fields:
        fields["incident"] = IncidentFactory(detected_at=None)
    return ReviewFactory(**fields)


def set_obligation(incident, state, deadline, met_at=None, starts_at=None) -> FixObligation:
    """Give the incident's obligation a known state, whatever the actions app made of it on save."""
    values = {
        "state": state,
        "deadline": deadline,
        "starts_at": starts_at or deadline - dt.timedelta(hours=48),
        "met_at": met_at,
        "breached_at": deadline if state == ObligationState.BREACHED else None,
    }
    obligation, _ = FixObligation.objects.update_or_create(incident=incident, defaults=values)
    return obligation


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewFeedback

    review = factory.LazyFunction(published_review)
    author = factory.SubFactory(UserFactory)
    blameless = 5
    useful = 4
