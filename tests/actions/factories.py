import datetime as dt
import hashlib
import hmac
import json
import uuid

import factory
from django.utils import timezone

from actions.models import ActionItem, ActionKind, FixObligation, TeamChatHook
from incidents.models import Incident
from tests.factories import TeamFactory, UserFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Checkout errors {n}")
    team = factory.SubFactory(TeamFactory)
    impact_started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))

    @factory.post_generation
    def responders(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.responders.set(extracted)


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


def merged_pull_request(url: str, merged_at: dt.datetime, action: str = "closed", merged: bool = True) -> dict:
    """The parts of GitHub's ``pull_request`` event payload the web hook reads (and a few it does not)."""
    return {
        "action": action,
        "number": int(url.rstrip("/").rsplit("/", 1)[1]),
        "pull_request": {
            "html_url": url,
            "title": "Canary the gateway deploy",
            "state": "closed",
            "merged": merged,
            "merged_at": merged_at.isoformat().replace("+00:00", "Z") if merged else None,
        },
        "repository": {"full_name": "acme/payments"},
    }


def github_delivery(secret: str, payload: dict, delivery: str | None = None, event: str = "pull_request"):
    """A body and the headers GitHub sends with it, signed with ``secret`` the way GitHub signs (HMAC-SHA256)."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }
    return body, headers


def merged_merge_request(url: str, merged_at: dt.datetime) -> dict:
    """The parts of GitLab's merge request event payload the web hook reads."""
    return {
        "object_kind": "merge_request",
        "event_type": "merge_request",
        "object_attributes": {
            "url": url,
            "action": "merge",
            "state": "merged",
            "updated_at": merged_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        },
    }
