"""Incident list, creation, editing and the detail page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, IncidentLink, Service, Severity, Status
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_log_in(client, incident):
    for url in [reverse("incident_list"), reverse("incident_new"), incident.get_absolute_url()]:
        assert client.get(url).url.startswith(reverse("login"))


# --- creating -------------------------------------------------------------------------------------


def test_short_form_shows_each_severity_meaning_and_names_the_zone(client, engineer):
    engineer.time_zone = "Europe/Berlin"
    engineer.save()
    client.force_login(engineer)
    page = client.get(reverse("incident_new")).text
    assert "SEV1 — Critical: most customers cannot use a core service" in page
    assert "SEV4 — Low: little or no customer impact" in page
    assert "In your time zone, Europe/Berlin." in page
    assert 'type="datetime-local"' in page


def test_opening_an_incident_stores_utc_and_makes_the_opener_a_responder(client, engineer, payments):
    engineer.time_zone = "Europe/Berlin"
    engineer.save()
    client.force_login(engineer)
    response = client.post(
        reverse("incident_new"),
        {
            "title": "Card payments fail",
            "severity": "sev2",
            "team": payments.pk,
            "impact_started_at": "2026-03-01T14:02",
        },
    )
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.impact_started_at == datetime(2026, 3, 1, 13, 2, tzinfo=UTC)
    assert list(incident.responders.all()) == [engineer]
    assert incident.created_by == engineer
    page = client.get(response.url).text
    assert "Sun 1 Mar 2026, 14:02 CET" in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"title": ""}, "title", "This field is required."),
        ({"severity": "sev9"}, "severity", "Select a valid choice."),
        ({"impact_started_at": "yesterday-ish"}, "impact_started_at", "Enter a valid date/time."),
        ({"impact_started_at": ""}, "impact_started_at", "This field is required."),
        ({"team": ""}, "team", "This field is required."),
    ],
)
def test_create_errors_name_the_field_and_keep_what_was_typed(client, engineer, payments, change, field, message):
    client.force_login(engineer)
    data = {"title": "Typed title", "severity": "sev3", "team": payments.pk, "impact_started_at": "2026-03-01T14:02"}
    data.update(change)
    response = client.post(reverse("incident_new"), data)
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert f'id="id_{field}_error"' in response.text
    if change.get("title") is None:
        assert 'value="Typed title"' in response.text
    assert not Incident.objects.exists()


def test_impact_in_the_future_is_refused(client, engineer, payments):
    client.force_login(engineer)
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("incident_new"),
        {
            "title": "Soon",
            "severity": "sev3",
            "team": payments.pk,
            "impact_started_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    assert "The impact started time is in the future" in response.text


def test_people_can_only_open_incidents_for_their_own_teams(client, engineer, platform):
    client.force_login(engineer)
    response = client.post(
        reverse("incident_new"),
        {"title": "Not mine", "severity": "sev3", "team": platform.pk, "impact_started_at": "2026-03-01T14:02"},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.text


def test_someone_without_a_team_is_told_what_to_do(client, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    client.force_login(loner)
    response = client.get(reverse("incident_new"))
    assert response.status_code == 403
    assert "needs a team" in response.text


# --- editing ------------------------------------------------------------------------------------------


def edit_data(incident, **changes):
    data = {
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "summary": "",
        "customer_impact": "",
        "impact_started_at": "2026-03-01T14:00",
        "detected_at": "2026-03-01T14:12",
        "mitigated_at": "2026-03-01T14:50",
        "resolved_at": "2026-03-01T16:00",
        "team": incident.team_id,
        "responders": [p.pk for p in incident.responders.all()],
        "disposition": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"detected_at": "2026-03-01T13:59"},
            "detected_at",
            "The detected time cannot be before the impact started time",
        ),
        ({"mitigated_at": "2026-03-01T14:05"}, "mitigated_at", "The mitigated time cannot be before the detected time"),
        ({"resolved_at": "2026-03-01T14:30"}, "resolved_at", "The resolved time cannot be before the mitigated time"),
        (
            {"detected_at": "", "mitigated_at": "2026-03-01T13:00"},
            "mitigated_at",
            "The mitigated time cannot be before the impact started time",
        ),
        ({"disposition": "duplicate"}, "duplicate_of", "Say which incident this one duplicates."),
        ({"resolved_at": "2999-01-01T00:00"}, "resolved_at", "The resolved time is in the future"),
        (
            {"status": "mitigated", "mitigated_at": ""},
            "mitigated_at",
            "The status is “mitigated”: add when it was mitigated.",
        ),
        (
            {"status": "reviewed", "resolved_at": ""},
            "resolved_at",
            "The status is “reviewed”: add when it was resolved.",
        ),
    ],
)
def test_impossible_order_is_refused_naming_the_field_and_keeping_input(
    client, engineer, incident, changes, field, message
):
    client.force_login(engineer)
    response = client.post(
        reverse("incident_edit", args=[incident.pk]), edit_data(incident, summary="Typed **facts**", **changes)
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert f'id="id_{field}_error"' in response.text
    assert "Typed **facts**" in response.text
    for value in changes.values():
        if value and "T" in value:
            assert f'value="{value}"' in response.text


def test_a_false_alarm_may_be_resolved_without_a_mitigation_time(client, engineer, incident):
    client.force_login(engineer)
    data = edit_data(incident, status="resolved", disposition="false_alarm", mitigated_at="", detected_at="")
    assert client.post(reverse("incident_edit", args=[incident.pk]), data).status_code == 302


def test_full_edit_saves_everything_and_detail_shows_it(client, engineer, teammate, facilitator, incident, platform):
    checkout = Service.objects.create(name="checkout-api")
    client.force_login(engineer)
    data = edit_data(
        incident,
        title="Checkout 502s",
        status=Status.MITIGATED,
        severity=Severity.SEV1,
        summary="We deployed **4f2a**. <script>alert(1)</script>",
        customer_impact="12% of card payments failed",
        involved_teams=[platform.pk],
        services=[checkout.pk],
        responders=[engineer.pk, teammate.pk],
        facilitator=facilitator.pk,
    )
    response = client.post(reverse("incident_edit", args=[incident.pk]), data)
    assert response.status_code == 302
    page = client.get(incident.get_absolute_url()).text
    for expected in [
        "Checkout 502s", "Mitigated", "SEV1: Critical", "<strong>4f2a</strong>", "12% of card payments failed",
        "Platform", "checkout-api", "Jonas Berg", "Sam Lindqvist", "12 min", "50 min",
    ]:  # fmt: skip
        assert expected in page, expected
    assert "<script>alert(1)</script>" not in page


def test_time_to_detect_and_mitigate_are_derived(payments):
    start = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    incident = IncidentFactory(
        team=payments, impact_started_at=start, detected_at=start + timedelta(minutes=38), mitigated_at=None
    )
    assert incident.time_to_detect == timedelta(minutes=38)
    assert incident.time_to_mitigate is None


def test_outsider_reads_but_cannot_change_an_open_incident(client, outsider, incident):
    client.force_login(outsider)
    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert "Edit the facts" not in page.text
    assert "Add to the timeline" not in page.text
    assert client.get(reverse("incident_edit", args=[incident.pk])).status_code == 403
    response = client.post(reverse("incident_edit", args=[incident.pk]), edit_data(incident, title="Changed"))
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.title != "Changed"


def test_teammate_in_the_leading_team_may_edit(client, teammate, incident):
    client.force_login(teammate)
    assert client.get(reverse("incident_edit", args=[incident.pk])).status_code == 200


# --- related incidents ---------------------------------------------------------------------------------


def test_linking_shows_both_ways_and_points_to_the_earlier_one(client, engineer, incident, payments):
    earlier = IncidentFactory(
        title="Checkout 502s last spring",
        team=payments,
        impact_started_at=incident.impact_started_at - timedelta(days=90),
    )
    client.force_login(engineer)
    # Made from the earlier incident's page, still stored from the later one to the earlier one.
    response = client.post(
        reverse("incident_link_add", args=[earlier.pk]), {"incident": incident.pk, "note": "same retry storm"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.text.strip().startswith('<section id="related"')
    link = IncidentLink.objects.get()
    assert (link.from_incident, link.to_incident) == (incident, earlier)
    assert "same retry storm" in client.get(incident.get_absolute_url()).text
    assert "Checkout returns 502 for card payments" in client.get(earlier.get_absolute_url()).text

    again = client.post(
        reverse("incident_link_add", args=[incident.pk]), {"incident": earlier.pk}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 422
    assert "already linked" in again.text
    assert IncidentLink.objects.count() == 1

    client.post(reverse("incident_link_remove", args=[incident.pk, link.pk]))
    assert not IncidentLink.objects.exists()


def test_linking_to_itself_is_refused(client, engineer, incident):
    client.force_login(engineer)
    response = client.post(reverse("incident_link_add", args=[incident.pk]), {"incident": incident.pk})
    assert response.status_code == 422
    assert "There is no other incident with that number that you can see." in response.text


# --- the list --------------------------------------------------------------------------------------------


def test_empty_list_says_what_to_do(client, engineer):
    client.force_login(engineer)
    page = client.get(reverse("incident_list")).text
    assert "No incidents recorded yet" in page
    assert "Open the first incident" in page


def test_filters_search_and_sort_live_in_the_url(client, engineer, payments, platform):
    now = timezone.now()
    a = IncidentFactory(
        title="Checkout timeouts", team=payments, severity="sev1", impact_started_at=now - timedelta(days=2)
    )
    b = IncidentFactory(
        title="Deploy pipeline stuck", team=platform, severity="sev3", status="resolved",
        impact_started_at=now - timedelta(days=40), summary="The runner pool ran dry", detected_at=None,
    )  # fmt: skip
    c = IncidentFactory(
        title="Ledger lag", team=platform, severity="sev2", impact_started_at=now - timedelta(days=400),
        detected_at=now - timedelta(days=399),
    )  # fmt: skip
    c.involved_teams.add(payments)
    client.force_login(engineer)

    def titles(**params):
        return [i.title for i in client.get(reverse("incident_list"), params).context["incidents"]]

    assert titles() == [a.title, b.title, c.title]
    assert titles(team="payments") == [a.title, c.title]
    assert titles(severity="sev3") == [b.title]
    assert titles(status="resolved") == [b.title]
    assert titles(period="30d") == [a.title]
    assert titles(period="90d") == [a.title, b.title]
    assert titles(q="runner pool") == [b.title]
    assert titles(q="LEDGER") == [c.title]
    assert titles(sort="oldest") == [c.title, b.title, a.title]
    assert titles(sort="severity") == [a.title, c.title, b.title]
    assert titles(sort="ttd") == [c.title, a.title, b.title]
    assert titles(severity="bogus") == [a.title, b.title, c.title]  # an invalid filter narrows nothing

    page = client.get(reverse("incident_list"), {"team": "payments", "q": "nothing like this"}).text
    assert "No incidents match these filters" in page


def test_list_htmx_answers_only_the_results(client, engineer, incident):
    client.force_login(engineer)
    response = client.get(reverse("incident_list"), {"q": "checkout"}, HTTP_HX_REQUEST="true")
    assert response.text.strip().startswith('<section id="results"')
    assert incident.title in response.text


def test_pagination_keeps_the_filters(client, engineer, payments):
    now = timezone.now()
    for n in range(30):
        IncidentFactory(title=f"Payments blip {n:02d}", team=payments, impact_started_at=now - timedelta(hours=n + 1))
    client.force_login(engineer)
    first = client.get(reverse("incident_list"), {"team": "payments"})
    assert len(first.context["incidents"]) == 25
    assert "?team=payments&amp;page=2" in first.text
    second = client.get(reverse("incident_list"), {"team": "payments", "page": 2})
    assert [i.title for i in second.context["incidents"]] == [f"Payments blip {n:02d}" for n in range(25, 30)]
    assert "30 incidents match these filters" in second.text


def test_the_facts_name_the_responders_other_teams_and_services_in_order(
    client, incident, engineer, teammate, facilitator, platform
):
    incident.responders.add(teammate, facilitator)
    incident.involved_teams.add(platform)
    incident.services.add(Service.objects.create(name="search"), Service.objects.create(name="checkout-api"))
    client.force_login(engineer)
    page = client.get(incident.get_absolute_url()).text
    names = sorted(person.name for person in incident.responders.all())
    assert f"<dt>Responders</dt><dd>{', '.join(names)}</dd>" in page
    assert f"<dt>Other teams</dt><dd>{platform.name}</dd>" in page
    assert "<dt>Services</dt><dd>checkout-api, search</dd>" in page

    incident.responders.clear()
    incident.services.clear()
    incident.involved_teams.clear()
    page = client.get(incident.get_absolute_url()).text
    assert "<dt>Responders</dt><dd>None recorded</dd>" in page and "<dt>Other teams</dt><dd>None</dd>" in page
