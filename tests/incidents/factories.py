from datetime import timedelta

import factory
from django.utils import timezone

from incidents.models import EntryKind, HowCaught, Incident, IncidentLink, NearMiss, Service, Severity, TimelineEntry
from tests.factories import TeamFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"service-{n}")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Checkout errors, round {n}")
    severity = Severity.SEV2
    team = factory.SubFactory(TeamFactory)
    impact_started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=3))
    detected_at = factory.LazyAttribute(lambda o: o.impact_started_at + timedelta(minutes=12))

    @factory.post_generation
    def responders(self, create, extracted, **kwargs):
        if create and extracted:
            self.responders.add(*extracted)


class TimelineEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEntry

    incident = factory.SubFactory(IncidentFactory)
    occurred_at = factory.LazyAttribute(lambda o: o.incident.impact_started_at + timedelta(minutes=5))
    kind = EntryKind.OBSERVATION
    text = factory.Sequence(lambda n: f"Error rate on checkout rose to {n}%")


class IncidentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentLink

    from_incident = factory.SubFactory(IncidentFactory)
    to_incident = factory.SubFactory(IncidentFactory)


class NearMissFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NearMiss

    what_almost_happened = factory.Sequence(lambda n: f"A migration almost locked the orders table ({n})")
    how_caught = HowCaught.REVIEW
    filed_on = factory.LazyFunction(lambda: timezone.now().date())
