import datetime as dt

import factory
from django.utils import timezone

from actions.models import ActionItem, ActionKind, FixObligation, TeamChatHook
from incidents.models import Incident
from tests.factories import TeamFactory, UserFactory
from tests.incidents.factories import IncidentFactory


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"Add a contract test for the payment gateway {n}")
    kind = ActionKind.TEST
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda item: item.incident.team)
    incident = factory.SubFactory(IncidentFactory)
    change_url = "https://git.example.com/payments/pull/42"


class TeamChatHookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamChatHook

    team = factory.SubFactory(TeamFactory)
    url = "http://127.0.0.1:9/hook"


def mitigated_incident(team, responders=(), facilitator=None, mitigated_at=None, **fields) -> Incident:
    """An incident recorded before it was mitigated, so the clock starts at ``mitigated_at``."""
    mitigated_at = mitigated_at or timezone.now()
    incident = IncidentFactory(
        team=team, facilitator=facilitator, impact_started_at=mitigated_at - dt.timedelta(hours=1), **fields
    )
    Incident.objects.filter(pk=incident.pk).update(created_at=mitigated_at - dt.timedelta(minutes=50))
    incident.refresh_from_db()
    incident.responders.set(responders)
    incident.mitigated_at = mitigated_at
    incident.status = "mitigated"
    incident.save()
    return incident


def obligation_of(incident) -> FixObligation:
    return FixObligation.objects.get(incident=incident)
