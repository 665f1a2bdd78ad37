"""Near misses: filing (named or truly anonymous), thanks, the list and its counts."""

from datetime import date

import pytest
from django.urls import reverse

from incidents.models import HowCaught, NearMiss, NearMissThanks, Service
from incidents.signals import near_miss_thanked
from tests.incidents.factories import NearMissFactory

pytestmark = pytest.mark.django_db

# An address that appears nowhere else, so finding it anywhere means it leaked.
REPORTER_ADDRESS = "203.0.113.77"


def filing(payments, **changes):
    data = {
        "what_almost_happened": "A migration nearly dropped the refunds index in production",
        "how_caught": HowCaught.REVIEW,
        "what_could_have_happened": "Refund lookups timing out for every customer",
        "team": payments.pk,
    }
    data.update(changes)
    return data


def test_form_explains_anonymity_at_the_checkbox(client, engineer):
    client.force_login(engineer)
    page = client.get(reverse("near_miss_new")).text
    checkbox = page.index('name="anonymous"')
    explanation = page.index("We then store no trace of you")
    assert 0 < explanation - checkbox < 400
    assert "only the day" in page


def test_named_filing_keeps_the_reporter(client, engineer, payments):
    client.force_login(engineer)
    response = client.post(reverse("near_miss_new"), filing(payments))
    near_miss = NearMiss.objects.get()
    assert response.url == near_miss.get_absolute_url()
    assert near_miss.reporter == engineer and near_miss.team == payments
    page = client.get(response.url).text
    assert "by Priya Raman" in page
    assert "Thank you for reporting this" in page
    assert "This is your report" in page


def test_anonymous_reports_never_notify_on_thanks(client, teammate, payments, django_capture_on_commit_callbacks):
    near_miss = NearMissFactory(team=payments)
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    near_miss_thanked.connect(receiver)
    try:
        client.force_login(teammate)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("near_miss_thank", args=[near_miss.pk]))
    finally:
        near_miss_thanked.disconnect(receiver)
    assert heard == []
    near_miss.refresh_from_db()
    assert near_miss.thanks_count == 1


def test_thanks_count_once_per_person_and_notify_a_named_reporter(
    client, engineer, teammate, manager, payments, django_capture_on_commit_callbacks
):
    near_miss = NearMissFactory(team=payments, reporter=engineer)
    heard = []

    def receiver(sender, near_miss, thanked_by, **kwargs):
        heard.append((near_miss.pk, thanked_by))

    near_miss_thanked.connect(receiver)
    try:
        client.force_login(teammate)
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(reverse("near_miss_thank", args=[near_miss.pk]), HTTP_HX_REQUEST="true")
            again = client.post(reverse("near_miss_thank", args=[near_miss.pk]), HTTP_HX_REQUEST="true")
        client.force_login(manager)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("near_miss_thank", args=[near_miss.pk]))
    finally:
        near_miss_thanked.disconnect(receiver)
    assert first.text.strip().startswith('<section id="thanks"')
    assert "1 thank</strong>" in first.text and "You thanked this report" in again.text
    near_miss.refresh_from_db()
    assert near_miss.thanks_count == 2 == NearMissThanks.objects.count()
    assert heard == [(near_miss.pk, teammate), (near_miss.pk, manager)]
    assert "2 thanks" in client.get(reverse("near_miss_list")).text
    assert "2 thanks" in client.get(near_miss.get_absolute_url()).text


def test_reporter_cannot_thank_their_own_report(client, engineer, payments):
    near_miss = NearMissFactory(team=payments, reporter=engineer)
    client.force_login(engineer)
    assert client.post(reverse("near_miss_thank", args=[near_miss.pk])).status_code == 403
    assert client.get(reverse("near_miss_thank", args=[near_miss.pk])).status_code == 405
    near_miss.refresh_from_db()
    assert near_miss.thanks_count == 0


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"what_almost_happened": ""}, "what_almost_happened", "This field is required."),
        ({"how_caught": ""}, "how_caught", "This field is required."),
        ({"how_caught": "blame"}, "how_caught", "Select a valid choice."),
        ({"team": "999999"}, "team", "Select a valid choice."),
    ],
)
def test_filing_errors_keep_what_was_typed(client, engineer, payments, changes, field, message):
    client.force_login(engineer)
    response = client.post(
        reverse("near_miss_new"), filing(payments, what_could_have_happened="typed by me", **changes)
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert "typed by me" in response.text
    assert not NearMiss.objects.exists()


def test_list_filters_and_empty_state(client, engineer, payments, platform):
    client.force_login(engineer)
    empty = client.get(reverse("near_miss_list")).text
    assert "No near misses reported yet" in empty and "Report the first near miss" in empty
    db = Service.objects.create(name="orders-db")
    NearMissFactory(what_almost_happened="Payments one", team=payments, how_caught=HowCaught.ALERT, service=db)
    NearMissFactory(what_almost_happened="Platform one", team=platform, how_caught=HowCaught.LUCK)
    NearMissFactory(what_almost_happened="Old one", team=platform, filed_on=date(2020, 1, 1))

    def shown(**params):
        return [n.what_almost_happened for n in client.get(reverse("near_miss_list"), params).context["near_misses"]]

    assert shown(team="payments") == ["Payments one"]
    assert shown(how_caught="luck") == ["Platform one"]
    assert shown(service=db.pk) == ["Payments one"]
    assert sorted(shown(period="30d")) == ["Payments one", "Platform one"]
    assert "No near misses match" in client.get(reverse("near_miss_list"), {"how_caught": "person_noticed"}).text


def test_counts_per_team_and_month_come_from_one_query(payments, platform, django_assert_num_queries):
    for filed_on, team in [
        (date(2026, 1, 3), payments), (date(2026, 1, 20), payments), (date(2026, 1, 5), platform),
        (date(2026, 2, 1), payments), (date(2026, 2, 2), None),
    ]:  # fmt: skip
        NearMissFactory(filed_on=filed_on, team=team)
    with django_assert_num_queries(1):
        rows = list(NearMiss.objects.counts_by_team_and_month())
    assert [(r["month"], r["team__name"], r["count"]) for r in rows] == [
        (date(2026, 1, 1), "Payments", 2),
        (date(2026, 1, 1), "Platform", 1),
        (date(2026, 2, 1), "Payments", 1),
        (date(2026, 2, 1), None, 1),
    ]


def test_unknown_near_miss_is_404(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("near_miss_detail", args=[424242])).status_code == 404
