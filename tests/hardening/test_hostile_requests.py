"""Oversized input and malformed addresses on the feature pages: a clear refusal or a normal page, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, NearMiss, TimelineEntry
from postmortems.models import Review
from tests.incidents.factories import IncidentFactory, NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
FIVE_MB = "x" * (5 * MB)


@pytest.fixture
def incident(payments, engineer, facilitator):
    return IncidentFactory(team=payments, responders=[engineer], facilitator=facilitator)


@pytest.fixture
def review(incident, facilitator, engineer):
    return ReviewFactory(incident=incident, facilitator=facilitator, participants=[engineer])


def assert_refused_as_too_large(response):
    assert response.status_code == 413
    assert "more than the 2.5 MB we accept at once" in response.text
    assert "Nothing was saved" in response.text


@pytest.mark.parametrize("htmx", [False, True])
def test_five_megabytes_into_the_incident_form_is_refused_and_nothing_is_stored(client, engineer, payments, htmx):
    client.force_login(engineer)
    before = Incident.objects.count()
    response = client.post(
        reverse("incident_new"),
        {"title": FIVE_MB, "severity": "sev2", "team": payments.pk, "impact_started_at": "2026-01-05T10:00"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert_refused_as_too_large(response)
    assert Incident.objects.count() == before


def test_five_megabytes_into_a_timeline_entry_is_refused(client, engineer, incident):
    client.force_login(engineer)
    response = client.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"occurred_at": "2026-01-05T10:00", "kind": "observation", "text": FIVE_MB},
        headers={"HX-Request": "true"},
    )
    assert_refused_as_too_large(response)
    assert not TimelineEntry.objects.filter(incident=incident).exists()


def test_five_megabytes_into_editing_a_timeline_entry_keeps_the_stored_text(client, engineer, incident):
    entry = TimelineEntryFactory(incident=incident, text="Error rate rose to 4%")
    client.force_login(engineer)
    response = client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-01-05T10:00", "kind": "observation", "text": FIVE_MB, "version": entry.version},
    )
    assert_refused_as_too_large(response)
    entry.refresh_from_db()
    assert entry.text == "Error rate rose to 4%"


def test_five_megabytes_into_a_review_section_is_refused(client, facilitator, review):
    client.force_login(facilitator)
    original = review.summary
    response = client.post(
        reverse("review_section", args=[review.pk, "summary"]),
        {"summary-text": FIVE_MB, "summary-version": 1},
        headers={"HX-Request": "true"},
    )
    assert_refused_as_too_large(response)
    assert Review.objects.get(pk=review.pk).summary == original


def test_five_megabytes_into_the_near_miss_form_is_refused(client, engineer, payments):
    client.force_login(engineer)
    response = client.post(
        reverse("near_miss_new"),
        {"what_almost_happened": FIVE_MB, "how_caught": "review", "team": payments.pk},
    )
    assert_refused_as_too_large(response)
    assert not NearMiss.objects.exists()


def test_text_just_under_the_limit_is_stored_whole_or_refused_by_the_form_never_cut(client, engineer, incident):
    client.force_login(engineer)
    long_title = "t" * 5000
    response = client.post(
        reverse("incident_edit", args=[incident.pk]),
        {"title": long_title, "severity": incident.severity, "team": incident.team_id, "status": incident.status},
    )
    assert response.status_code in {200, 400, 422}
    assert "Ensure this value has at most 200 characters" in response.text
    incident.refresh_from_db()
    assert incident.title != long_title[:200]

    text = "Two megabytes of log lines. " * (2 * MB // 28)
    response = client.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "kind": "observation", "text": text},
    )
    assert response.status_code < 500
    stored = TimelineEntry.objects.filter(incident=incident).values_list("text", flat=True)
    assert list(stored) in ([], [text.strip()]), "the text is stored whole or not at all"


LIST_QUERIES = [
    "?page=abc",
    "?page=-1",
    "?page=99999999999999999999999999",
    "?page=1.5",
    "?period=2026-13-45",
    "?period=%00",
    "?sort=;drop table incidents_incident;--",
    "?sort=-id,title",
    "?team=%27%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    "?team=99999999999999999999999",
    "?severity=sev9&status=%ff%fe",
    "?q=" + "%25" * 2000,
    "?q=%00",
    "?q=a&q=b&team=1&team=2",
    "?due=yesterday&kind=%00&priority=-1",
    "?service=abc&how_caught=%3Cb%3E",
    "?edit=../../etc/passwd&edit_factor=abc",
    "?part=%3Cscript%3E",
    "?recent=%00",
    "?" + "a=b&" * 500,
]

LIST_PAGES = [
    "/incidents/",
    "/near-misses/",
    "/reviews/",
    "/actions/",
    "/actions/mine/",
    "/actions/export.csv",
    "/dashboard/",
    "/dashboard/export/incidents.csv",
    "/notifications/",
    "/",
]


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_malformed_query_strings_on_the_list_pages_never_500(client, engineer, incident, review, query):
    NearMissFactory(team=incident.team)
    client.force_login(engineer)
    for path in [*LIST_PAGES, f"/reviews/{review.pk}/", f"/reviews/{review.pk}/meeting/"]:
        response = client.get(path + query)
        assert response.status_code in {200, 400, 403, 404}, (path + query, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/999999999999999999999/",
        "/incidents/9223372036854775808/",
        "/incidents/9223372036854775808/edit/",
        "/incidents/9223372036854775808/timeline/",
        "/incidents/1/timeline/9223372036854775808/edit/",
        "/incidents/-1/",
        "/incidents/abc/",
        "/incidents/%00/",
        "/near-misses/999999999999999999999/",
        "/reviews/999999999999999999999/",
        "/reviews/999999999999999999999/meeting/",
        "/reviews/1/sections/%3Cscript%3E/",
        "/reviews/999999999999999999999/export.md",
        "/actions/999999999999999999999/",
        "/notifications/999999999999999999999/open/",
        "/history/incidents.incident/999999999999999999999/",
        "/history/no.such.model/1/",
        "/history/%00/1/",
        "/reviews/start/incident/999999999999999999999/",
        "/dashboard/export/%3Cscript%3E.csv",
        "/dashboard/export/no-such-export.csv",
    ],
)
def test_malformed_ids_are_404_or_refused_never_500(client, engineer, incident, path):
    client.force_login(engineer)
    assert client.get(path).status_code in {400, 403, 404, 405}
    assert client.post(path, {"text": "x"}).status_code in {400, 403, 404, 405}


def test_malformed_dates_in_forms_are_form_errors(client, engineer, incident, payments):
    client.force_login(engineer)
    response = client.post(
        reverse("incident_new"),
        {"title": "Checkout errors", "severity": "sev2", "team": payments.pk, "impact_started_at": "2026-13-45T25:61"},
    )
    assert response.status_code in {200, 400, 422}
    assert not Incident.objects.filter(title="Checkout errors").exists()

    response = client.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"occurred_at": "99999-01-01T00:00", "kind": "nonsense", "text": "Error rate rose"},
    )
    assert response.status_code in {200, 400, 422}
    assert not TimelineEntry.objects.filter(incident=incident).exists()

    review = ReviewFactory(incident=incident)
    response = client.post(
        reverse("review_schedule", args=[review.pk]), {"meeting_at": "0000-00-00T00:00", "meeting_place": "Room"}
    )
    assert response.status_code in {200, 302, 400, 403, 422}
