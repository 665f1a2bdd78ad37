"""Every list and detail page asks the database the same number of questions at 5 and at 200 rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from incidents.models import Incident, IncidentLink, NearMiss, NearMissThanks, Service, TimelineEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_page_rendered")]


def queries_for(client, url) -> int:
    client.get(url)  # as for anyone who has been signed in a while: the session and the person are kept
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def people(n, offset=0):
    return User.objects.bulk_create(
        User(username=f"p{offset + i}", display_name=f"Person {offset + i}") for i in range(n)
    )


def incidents(n, team, offset=0, **fields):
    start = timezone.now() - timedelta(days=1)
    return Incident.objects.bulk_create(
        Incident(title=f"Incident {offset + i}", team=team, impact_started_at=start - timedelta(hours=offset + i),
                 detected_at=start, restricted=(i % 3 == 0), **fields)
        for i in range(n)
    )  # fmt: skip


def grow_incident(incident, n, team, offset):
    others = incidents(n, team, offset=offset)
    IncidentLink.objects.bulk_create(IncidentLink(from_incident=incident, to_incident=o) for o in others[: n // 2])
    IncidentLink.objects.bulk_create(IncidentLink(from_incident=o, to_incident=incident) for o in others[n // 2 :])
    TimelineEntry.objects.bulk_create(
        TimelineEntry(incident=incident, occurred_at=incident.impact_started_at + timedelta(minutes=i), text=f"fact {i}",
                      kind="decision" if i % 2 else "observation", known_then="k", missing_then="m")
        for i in range(offset, offset + n)
    )  # fmt: skip
    incident.responders.add(*people(n, offset))
    incident.services.add(*Service.objects.bulk_create(Service(name=f"svc-{offset + i}") for i in range(n)))
    incident.involved_teams.add(team)


def test_incident_list(client, engineer, payments, platform, django_assert_num_queries):
    incidents(5, payments)
    client.force_login(engineer)
    for params in ["", "?team=payments&severity=sev2&q=Incident&sort=ttd&period=30d"]:
        url = reverse("incident_list") + params
        small = queries_for(client, url)
        incidents(195, payments, offset=1000 + len(params))
        with django_assert_num_queries(small):
            client.get(url)


def test_incident_detail(client, engineer, incident, payments):
    grow_incident(incident, 5, payments, offset=0)
    client.force_login(engineer)
    small = queries_for(client, incident.get_absolute_url())
    # Adding responders raises the incidents' version, and with it who sees which incidents is asked again
    # once: both counts are of a repeat view.
    grow_incident(incident, 195, payments, offset=100)
    assert queries_for(client, incident.get_absolute_url()) == small
    assert client.get(incident.get_absolute_url()).text.count('class="timeline-entry') == 200


def test_near_miss_list_and_detail(client, engineer, teammate, payments, django_assert_num_queries):
    reporters = people(200, offset=500)
    service = Service.objects.create(name="orders-db")

    def file(n, offset):
        return NearMiss.objects.bulk_create(
            NearMiss(what_almost_happened=f"almost {offset + i}", how_caught="luck", team=payments, service=service,
                     reporter=reporters[offset + i] if i % 2 else None, filed_on=timezone.now().date())
            for i in range(n)
        )  # fmt: skip

    first = file(5, 0)[1]
    NearMissThanks.objects.bulk_create(NearMissThanks(near_miss=first, user=u) for u in reporters[100:105])
    client.force_login(teammate)
    list_url, detail_url = reverse("near_miss_list"), first.get_absolute_url()
    small_list, small_detail = queries_for(client, list_url), queries_for(client, detail_url)
    file(195, 5)
    NearMissThanks.objects.bulk_create(NearMissThanks(near_miss=first, user=u) for u in reporters[:100])
    with django_assert_num_queries(small_list):
        client.get(list_url)
    with django_assert_num_queries(small_detail):
        client.get(detail_url)
