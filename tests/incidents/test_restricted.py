"""Restricted incidents do not exist for people who may not see them: every URL 404s, no list shows them."""

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentLink
from tests.incidents.factories import IncidentFactory, IncidentLinkFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

TITLE = "Leaked signing key in build logs"


def every_url(incident, entry):
    pk = incident.pk
    return [
        ("get", reverse("incident_detail", args=[pk]), {}),
        ("get", reverse("incident_edit", args=[pk]), {}),
        ("post", reverse("incident_edit", args=[pk]), {"title": "x"}),
        ("post", reverse("incident_link_add", args=[pk]), {}),
        ("post", reverse("incident_link_remove", args=[pk, 1]), {}),
        ("get", reverse("timeline", args=[pk]), {}),
        ("post", reverse("timeline_entry_add", args=[pk]), {"new-text": "x"}),
        ("get", reverse("timeline_entry_edit", args=[pk, entry.pk]), {}),
        ("post", reverse("timeline_entry_edit", args=[pk, entry.pk]), {"text": "x"}),
        ("post", reverse("timeline_entry_delete", args=[pk, entry.pk]), {}),
        ("get", reverse("timeline_import", args=[pk]), {}),
        ("post", reverse("timeline_import", args=[pk]), {"step": "preview", "transcript": "[14:02] a: b"}),
    ]


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize("htmx", [False, True])
def test_every_url_is_404_and_never_names_it(client, request, restricted_incident, who, htmx):
    entry = TimelineEntryFactory(incident=restricted_incident, text="rotated the key")
    client.force_login(request.getfixturevalue(who))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for method, url, data in every_url(restricted_incident, entry):
        response = getattr(client, method)(url, data, **headers)
        assert response.status_code == 404, (method, url)
        assert TITLE not in response.text
        assert "rotated the key" not in response.text
    assert Incident.objects.get(pk=restricted_incident.pk).title == TITLE
    assert restricted_incident.timeline.count() == 1


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_absent_from_lists_search_and_counts(client, request, restricted_incident, incident, who):
    client.force_login(request.getfixturevalue(who))
    for params in [{}, {"q": "signing key"}, {"team": "payments"}, {"sort": "severity"}]:
        response = client.get(reverse("incident_list"), params)
        assert TITLE not in response.text
        assert restricted_incident not in response.context["incidents"]
    assert "1 incident." in client.get(reverse("incident_list")).text


def test_absent_from_related_incidents_and_link_choices(client, outsider, restricted_incident, incident):
    IncidentLinkFactory(from_incident=incident, to_incident=restricted_incident)
    client.force_login(outsider)
    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert TITLE not in page.text
    assert page.context["related"]() == []  # read when the related incidents are rendered


def test_duplicate_choices_leave_it_out(client, teammate, restricted_incident, incident):
    client.force_login(teammate)
    assert TITLE not in client.get(reverse("incident_edit", args=[incident.pk])).text


@pytest.mark.parametrize("who", ["engineer", "facilitator", "org_admin"])
def test_responders_facilitator_and_admins_see_it(client, request, restricted_incident, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(restricted_incident.get_absolute_url()).status_code == 200
    page = client.get(reverse("incident_list")).text
    assert TITLE in page
    assert "Restricted" in page


def test_opening_a_restricted_incident_keeps_it_visible_to_its_opener(client, teammate, payments, outsider):
    client.force_login(teammate)
    client.post(
        reverse("incident_new"),
        {"title": "Suspicious logins", "severity": "sev2", "team": payments.pk,
         "impact_started_at": "2026-03-01T10:00", "restricted": "on"},
    )  # fmt: skip
    incident = Incident.objects.get(title="Suspicious logins")
    assert incident.restricted
    assert client.get(incident.get_absolute_url()).status_code == 200
    client.force_login(outsider)
    assert client.get(incident.get_absolute_url()).status_code == 404


def test_unknown_and_malformed_ids_are_404(client, engineer):
    client.force_login(engineer)
    assert client.get("/incidents/999999/").status_code == 404
    assert client.get("/incidents/abc/").status_code == 404
    assert IncidentFactory.__name__  # factories import cleanly


def test_a_link_to_a_hidden_incident_cannot_be_removed_by_someone_who_cannot_see_it(
    client, teammate, restricted_incident, incident
):
    link = IncidentLinkFactory(from_incident=incident, to_incident=restricted_incident)
    client.force_login(teammate)
    client.post(reverse("incident_link_remove", args=[incident.pk, link.pk]))
    assert IncidentLink.objects.filter(pk=link.pk).exists()


def test_a_duplicate_of_a_restricted_incident_does_not_name_it(client, teammate, restricted_incident, incident):
    incident.disposition, incident.duplicate_of = "duplicate", restricted_incident
    incident.save()
    client.force_login(teammate)
    page = client.get(incident.get_absolute_url()).text
    assert "Duplicate of another incident" in page
    assert TITLE not in page and restricted_incident.get_absolute_url() not in page


def test_whoever_leaves_a_restricted_incident_no_longer_finds_it(client, engineer, restricted_incident):
    # The incident and who is on it are kept for the page under the incident's version: a change to its
    # responders must reach the next view at once.
    client.force_login(engineer)
    assert client.get(restricted_incident.get_absolute_url()).status_code == 200
    restricted_incident.responders.remove(engineer)
    assert client.get(restricted_incident.get_absolute_url()).status_code == 404
    restricted_incident.responders.add(engineer)
    assert client.get(restricted_incident.get_absolute_url()).status_code == 200


def test_restricting_an_incident_hides_it_from_the_next_view(client, teammate, incident):
    client.force_login(teammate)
    assert client.get(incident.get_absolute_url()).status_code == 200
    incident.restricted = True
    incident.save()
    assert client.get(incident.get_absolute_url()).status_code == 404
    incident.soft_delete()
    incident.restricted = False
    assert client.get(incident.get_absolute_url()).status_code == 404


def test_related_incidents_are_shared_by_everyone_who_sees_the_same_of_them(
    client, engineer, outsider, restricted_incident, incident, payments
):
    # Otto and Ines are each on a restricted incident of their own (each a viewer class of their own), yet the
    # related incidents of an ordinary incident are rendered once for both; only Priya also sees the restricted one.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    ines = UserFactory(username="ines", display_name="Ines Duarte")
    IncidentFactory(title="Otto's own", team=payments, restricted=True, responders=[outsider])
    IncidentFactory(title="Ines's own", team=payments, restricted=True, responders=[ines])
    earlier = IncidentFactory(title="Earlier pool exhaustion", team=payments)
    IncidentLinkFactory(from_incident=incident, to_incident=earlier)
    IncidentLinkFactory(from_incident=incident, to_incident=restricted_incident)

    def related_read(person):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(incident.get_absolute_url()).text
        listed = ('FROM "incidents_incidentlink"', '"incidents_incident"."title"')
        return page, any(all(part in q["sql"] for part in listed) for q in queries)

    page, read = related_read(outsider)
    assert read and "Earlier pool exhaustion" in page and TITLE not in page
    page, read = related_read(ines)
    assert not read and "Earlier pool exhaustion" in page and TITLE not in page
    page, read = related_read(engineer)
    assert read and "Earlier pool exhaustion" in page and TITLE in page
