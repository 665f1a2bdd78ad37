"""Data for the dashboard's tests: incidents with known times, action items, reviews and their factors."""

import datetime as dt

import factory
from django.utils import timezone

from actions.models import ActionItem, ActionKind, FixObligation, ObligationState
from incidents.models import Incident, NearMiss, Service
from postmortems.models import ContributingFactor, FactorCategory, Perspective, Review, ReviewFeedback, ReviewStatus
from tests.factories import TeamFactory, UserFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"service-{n}")


class IncidentFactory(factory.django.DjangoModelFactory):
    """An incident whose impact began ``impact_started_at``; detection and mitigation follow when given."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Checkout errors {n}")
    team = factory.SubFactory(TeamFactory)
    impact_started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))

    @factory.post_generation
    def responders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.responders.set(extracted)


def incident_with_times(team, started, detect_minutes=None, mitigate_minutes=None, **fields) -> Incident:
    return IncidentFactory(
        team=team,
        impact_started_at=started,
        detected_at=started + dt.timedelta(minutes=detect_minutes) if detect_minutes is not None else None,
        mitigated_at=started + dt.timedelta(minutes=mitigate_minutes) if mitigate_minutes is not None else None,
        **fields,
    )


class NearMissFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NearMiss

    what_almost_happened = "A migration almost ran against production."
    how_caught = "review"
    team = factory.SubFactory(TeamFactory)
    filed_on = factory.LazyFunction(lambda: timezone.localdate())


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"Add a contract test for the payment gateway {n}")
    kind = ActionKind.TEST
    owner = factory.SubFactory(UserFactory)
    incident = factory.SubFactory(IncidentFactory)
    team = factory.LazyAttribute(lambda item: item.incident.team)
    change_url = "https://git.example.com/payments/pull/42"


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


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    incident = factory.SubFactory(IncidentFactory)
    title = factory.LazyAttribute(lambda review: review.incident.title)
    team = factory.LazyAttribute(lambda review: review.incident.team)
    status = ReviewStatus.PUBLISHED
    summary = "The payment gateway returned errors after a configuration change."


def category(slug: str) -> FactorCategory:
    return FactorCategory.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})[0]


class FactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributingFactor

    review = factory.SubFactory(ReviewFactory)
    description = "The deploy pipeline let a configuration change reach every region at once."
    category = factory.LazyFunction(lambda: category("deploy-safety"))


class PerspectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perspective

    review = factory.SubFactory(ReviewFactory)
    author = factory.SubFactory(UserFactory)
    saw = "The error rate climbing on the dashboard."


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewFeedback

    review = factory.SubFactory(ReviewFactory)
    author = factory.SubFactory(UserFactory)
    blameless = 5
    useful = 4
