import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    ActionItem,
    ActionKind,
    Notification,
    NotificationKind,
    NotificationPreference,
    ObligationState,
    TeamChatHook,
)
from incidents.models import NearMiss
from incidents.signals import near_miss_thanked
from postmortems.models import ContributingFactor, FactorCategory, Review
from tests.actions.factories import ActionItemFactory, mitigated_incident, obligation_of
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def item_data(title: str, kind: str, owner, **more) -> dict:
    """What an action-item form posts: a title, a kind and an owner, and any other field given."""
    return {"title": title, "kind": kind, "owner": owner.pk, **more}


@pytest.fixture
def incident(payments, engineer, teammate, facilitator):
    return mitigated_incident(
        payments, responders=[engineer, teammate], facilitator=facilitator, title="Checkout errors"
    )


@pytest.fixture
def restricted(payments, engineer):
    return mitigated_incident(payments, responders=[engineer], title="Leaked token", restricted=True)


def test_list_shows_open_items_and_hides_restricted_ones_from_others(client, incident, restricted, engineer, outsider):
    ActionItemFactory(incident=incident, title="Add a canary for checkout")
    ActionItemFactory(incident=restricted, title="Rotate tokens automatically")

    client.force_login(engineer)
    page = client.get(reverse("action_list")).text
    assert "Add a canary for checkout" in page and "Rotate tokens automatically" in page

    client.force_login(outsider)
    page = client.get(reverse("action_list")).text
    assert "Add a canary for checkout" in page
    assert "Rotate tokens automatically" not in page
    assert b"Rotate tokens" not in b"".join(client.get(reverse("action_export")).streaming_content)
    secret = ActionItem.objects.get(title="Rotate tokens automatically")
    assert client.get(reverse("action_detail", args=[secret.pk])).status_code == 404


def test_filters_live_in_the_url(client, incident, engineer, platform):
    today = timezone.localdate()
    ActionItemFactory(
        incident=incident, title="Overdue guardrail", kind=ActionKind.GUARDRAIL, due_on=today - dt.timedelta(days=2)
    )
    ActionItemFactory(incident=incident, title="Soon test", due_on=today + dt.timedelta(days=3))
    ActionItemFactory(incident=incident, title="Done docs", kind=ActionKind.DOCUMENTATION, status="done")
    ActionItemFactory(
        incident=IncidentFactory(team=platform), team=platform, title="Platform tooling", kind=ActionKind.TOOLING
    )
    client.force_login(engineer)

    def titles(**params):
        text = client.get(reverse("action_list"), params).text
        return {t for t in ["Overdue guardrail", "Soon test", "Done docs", "Platform tooling"] if t in text}

    assert titles() == {"Overdue guardrail", "Soon test", "Platform tooling"}
    assert titles(due="overdue") == {"Overdue guardrail"}
    assert titles(due="week") == {"Soon test"}
    assert titles(kind="guardrail") == {"Overdue guardrail"}
    assert titles(team="platform") == {"Platform tooling"}
    assert titles(status="done") == {"Done docs"}
    assert titles(status="all") == {"Overdue guardrail", "Soon test", "Done docs", "Platform tooling"}
    assert titles(q="soon") == {"Soon test"}
    assert titles(due="nonsense", sort="drop table") == titles(), "a malformed filter is ignored, never a 500"

    text = client.get(reverse("action_list"), {"sort": "-due"}).text
    assert text.index("Soon test") < text.index("Overdue guardrail")
    text = client.get(reverse("action_list"), {"sort": "due"}).text
    assert text.index("Overdue guardrail") < text.index("Soon test")

    partial = client.get(reverse("action_list"), {"kind": "guardrail"}, **HTMX)
    assert partial.text.lstrip().startswith('<section id="action-results"')


def test_pagination_and_empty_states(client, incident, engineer):
    client.force_login(engineer)
    assert "No open action items" in client.get(reverse("action_list")).text
    assert "No action items match" in client.get(reverse("action_list"), {"kind": "test"}).text
    for n in range(30):
        ActionItemFactory(incident=incident, title=f"Item {n:02d}", due_on=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    first = client.get(reverse("action_list")).text
    assert "30 action items, page 1 of 2" in first
    assert "Item 24" in first and "Item 25" not in first
    second = client.get(reverse("action_list"), {"page": 2, "kind": "test"}).text
    assert "Item 29" in second
    assert 'href="?page=1&amp;kind=test"' in second


def test_list_query_count_does_not_grow_with_items(
    client, incident, engineer, django_assert_num_queries, every_page_rendered
):
    client.force_login(engineer)
    ActionItemFactory.create_batch(5, incident=incident)
    client.get(reverse("action_list"))  # warm up the session
    # The same number of queries for 5 items as for 25: nothing is fetched per row.
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("action_list"))
    small = len(small.captured_queries)
    ActionItemFactory.create_batch(20, incident=incident)
    client.get(reverse("action_list"))  # new people (the owners) make the kept copy of the viewer stale once
    with django_assert_num_queries(small):
        client.get(reverse("action_list"))
    assert small <= 10


def test_csv_export_follows_the_filters_and_defuses_formulas(client, incident, engineer):
    ActionItemFactory(incident=incident, title='=HYPERLINK("http://evil")', kind=ActionKind.TOOLING)
    ActionItemFactory(incident=incident, title="Add an alert on queue depth", kind=ActionKind.OBSERVABILITY)
    client.force_login(engineer)
    response = client.get(reverse("action_export"), {"kind": "tooling"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "title", "kind"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][9] == "Checkout errors"


def test_my_action_items_shows_only_mine(client, incident, engineer, teammate):
    ActionItemFactory(incident=incident, owner=engineer, title="Mine overdue", due_on=dt.date(2020, 1, 1))
    ActionItemFactory(incident=incident, owner=teammate, title="Jonas's item")
    client.force_login(engineer)
    page = client.get(reverse("my_action_items")).text
    assert "Mine overdue" in page and "Past their due date" in page
    assert "Jonas's item" not in page
    client.force_login(teammate)
    assert "Mine overdue" not in client.get(reverse("my_action_items")).text


def test_a_null_remedy_is_refused_with_an_explanation_and_the_text_stays(client, incident, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("action_new", args=[incident.pk]),
        item_data("Be more careful when deploying", "process", engineer, team=incident.team_id, priority="medium"),
    )
    assert response.status_code == 422
    assert "is an appeal to attention, not a fix" in response.text
    assert "a guardrail" in response.text, "examples of system changes"
    assert 'value="Be more careful when deploying"' in response.text
    assert not ActionItem.objects.exists()


def test_adding_an_item_from_the_full_form(client, incident, engineer):
    client.force_login(engineer)
    assert client.get(reverse("action_new", args=[incident.pk])).status_code == 200
    response = client.post(
        reverse("action_new", args=[incident.pk]),
        item_data(
            "Block deploys while a migration runs",
            "guardrail",
            engineer,
            team=incident.team_id,
            priority="high",
            change_url="https://git.example.com/deploy/pull/7",
            description="The pipeline checks the *migration lock*.",
        ),
    )
    item = ActionItem.objects.get()
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert item.created_by == engineer
    assert item.description_html == "<p>The pipeline checks the <em>migration lock</em>.</p>"
    assert obligation_of(incident).state == ObligationState.MET


def test_only_people_who_may_edit_the_incident_add_items(client, incident, outsider):
    client.force_login(outsider)
    assert client.get(reverse("action_new", args=[incident.pk])).status_code == 403
    response = client.post(reverse("obligation_panel", args=[incident.pk]), {"title": "x"}, **HTMX)
    assert response.status_code == 403
    assert not ActionItem.objects.exists()


def test_restricted_incident_obligation_is_404_for_others(client, restricted, outsider):
    client.force_login(outsider)
    assert client.get(reverse("obligation_panel", args=[restricted.pk])).status_code == 404
    assert client.get(reverse("action_new", args=[restricted.pk])).status_code == 404


def test_quick_add_on_the_panel_turns_the_obligation_to_met(client, incident, engineer):
    client.force_login(engineer)
    pending = client.get(reverse("obligation_panel", args=[incident.pk]) + "?part=status", **HTMX)
    assert "Due in 47 h" in pending.text or "Due in 48 h" in pending.text
    bad = client.post(
        reverse("obligation_panel", args=[incident.pk]), {"title": "Retrain the team", "kind": "test"}, **HTMX
    )
    assert bad.status_code == 422
    assert 'value="Retrain the team"' in bad.text
    response = client.post(
        reverse("obligation_panel", args=[incident.pk]),
        item_data(
            "Alert when error rate doubles",
            "observability",
            engineer,
            change_url="https://git.example.com/alerts/pull/3",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Committed, not landed" in response.text and "Alert when error rate doubles" in response.text
    assert "Landed" not in response.text, "nothing was merged yet"
    assert 'id="fix-obligation"' in response.text


def test_the_incident_page_shows_the_obligation(client, incident, engineer):
    client.force_login(engineer)
    page = client.get(incident.get_absolute_url()).text
    assert 'id="fix-obligation"' in page
    assert "Due in" in page


def test_inline_edit_and_status_with_wont_do_reason(client, incident, engineer, outsider):
    item = ActionItemFactory(incident=incident, owner=engineer, title="Add a retry budget")
    client.force_login(engineer)
    form = client.get(item.get_absolute_url() + "?edit=1", **HTMX)
    assert f'hx-post="/actions/{item.pk}/edit/"' in form.text
    bad = client.post(
        reverse("action_edit", args=[item.pk]),
        {"title": "", "kind": "test", "team": item.team_id, "priority": "low"},
        **HTMX,
    )
    assert bad.status_code == 422 and "This field is required." in bad.text
    ok = client.post(
        reverse("action_edit", args=[item.pk]),
        item_data("Add a retry budget to the client", "test", engineer, team=item.team_id, priority="low"),
        **HTMX,
    )
    assert ok.status_code == 200 and "Add a retry budget to the client" in ok.text

    refused = client.post(
        reverse("action_status", args=[item.pk]), {"status": "wont_do", "wont_do_reason": " "}, **HTMX
    )
    assert refused.status_code == 422 and "Say why we won" in refused.text
    client.post(
        reverse("action_status", args=[item.pk]),
        {"status": "wont_do", "wont_do_reason": "The client is retired in May."},
    )
    item.refresh_from_db()
    assert item.status == "wont_do" and item.completed_at is not None

    client.force_login(outsider)
    page = client.get(item.get_absolute_url()).text
    assert "The client is retired in May." in page, "the reason is shown to everyone"
    assert client.post(reverse("action_status", args=[item.pk]), {"status": "open"}).status_code == 403
    assert client.get(reverse("action_status", args=[item.pk])).status_code == 405


def test_inbox_badge_and_marking_read(client, incident, engineer, teammate):
    note = Notification.objects.create(
        recipient=engineer,
        kind=NotificationKind.FIX_DUE_SOON,
        title="The systemic fix for “Checkout errors” is due in 4 hours",
        url=incident.get_absolute_url(),
    )
    Notification.objects.create(recipient=engineer, kind=NotificationKind.THANKS, title="Someone thanked you")
    client.force_login(engineer)
    home = client.get("/").text
    assert '<span class="visually-hidden">, 2 unread</span>' in home
    # A lower app's page shows it too: the header's slot renders what the actions app registered.
    assert '<span class="visually-hidden">, 2 unread</span>' in client.get(reverse("incident_list")).text
    badge = client.get(reverse("notifications_badge"), **HTMX)
    assert 'id="inbox-badge"' in badge.text and ">2<" in badge.text
    assert "due in 4 hours" in client.get(reverse("notifications")).text

    response = client.post(reverse("notification_open", args=[note.pk]))
    assert response.url == incident.get_absolute_url()
    assert ">1<" in client.get(reverse("notifications_badge")).text
    client.post(reverse("notifications_read_all"))
    assert "unread" not in client.get(reverse("notifications_badge")).text

    client.force_login(teammate)
    assert client.post(reverse("notification_open", args=[note.pk])).status_code == 404


def test_email_preference(client, engineer):
    client.force_login(engineer)
    assert NotificationPreference.wants_email(engineer)
    response = client.post(reverse("notification_settings"), {})
    assert response.status_code == 302
    assert not NotificationPreference.wants_email(engineer)


def test_chat_hook_is_set_by_managers_only(client, payments, manager, engineer):
    client.force_login(engineer)
    assert client.get(reverse("team_chat_hook", args=["payments"])).status_code == 403
    client.force_login(manager)
    assert "Payments" in client.get(reverse("notification_settings")).text
    bad = client.post(reverse("team_chat_hook", args=["payments"]), {"url": "not a url", "enabled": "on"})
    assert bad.status_code == 422
    client.post(
        reverse("team_chat_hook", args=["payments"]), {"url": "https://hooks.example.com/T1/B2", "enabled": "on"}
    )
    assert TeamChatHook.objects.get(team=payments).url == "https://hooks.example.com/T1/B2"
    client.post(reverse("team_chat_hook", args=["payments"]), {"remove": "1", "url": ""})
    assert not TeamChatHook.objects.exists()


def test_thanks_reach_a_named_reporter_and_nobody_for_anonymous_reports(engineer, teammate, payments):
    named = NearMiss.objects.create(
        what_almost_happened="The backup job pointed at the live bucket",
        how_caught="review",
        reporter=engineer,
        filed_on=dt.date(2026, 3, 1),
        team=payments,
    )
    anonymous = NearMiss.objects.create(
        what_almost_happened="A config flag nearly shipped on", how_caught="luck", filed_on=dt.date(2026, 3, 1)
    )
    near_miss_thanked.send(sender=NearMiss, near_miss=named, thanked_by=teammate)
    near_miss_thanked.send(sender=NearMiss, near_miss=anonymous, thanked_by=teammate)
    notes = list(Notification.objects.all())
    assert len(notes) == 1
    assert notes[0].recipient == engineer
    assert notes[0].title == "Someone thanked you for reporting “The backup job pointed at the live bucket”"
    assert "Jonas" not in notes[0].title + notes[0].body


def test_review_section_lists_items_and_adds_one_addressing_factors(client, incident, engineer, facilitator):
    review = Review.objects.create(
        incident=incident, title="Checkout errors", team=incident.team, facilitator=facilitator
    )
    factor = ContributingFactor.objects.create(
        review=review, description="Deploys can run during migrations", category=FactorCategory.objects.first()
    )
    client.force_login(facilitator)
    page = client.get(review.get_absolute_url()).text
    assert 'id="review-action-items"' in page
    assert "Systemic fix for the incident" in page and "Due in" in page
    response = client.post(
        reverse("review_action_items", args=[review.pk]),
        item_data(
            "Lock deploys during migrations",
            "guardrail",
            engineer,
            change_url="https://git.example.com/x/1",
            addresses=[factor.pk],
        ),
        **HTMX,
    )
    assert response.status_code == 200
    item = ActionItem.objects.get()
    assert (item.review, item.incident, list(item.addresses.all())) == (review, incident, [factor])
    assert "Lock deploys during migrations" in response.text
    assert "Committed, not landed" in response.text, (
        "the section's obligation status turns to committed in the same swap"
    )
    review.refresh_from_db()
    assert review.change_counter >= 1, "the live meeting notices"
    assert obligation_of(incident).state == ObligationState.MET


def test_the_meeting_page_has_the_action_item_section(client, incident, facilitator):
    review = Review.objects.create(
        incident=incident, title="Checkout errors", team=incident.team, facilitator=facilitator
    )
    client.force_login(facilitator)
    response = client.get(reverse("review_meeting", args=[review.pk]))
    assert response.status_code == 200


def test_thanking_a_near_miss_on_its_page_reaches_the_reporters_inbox(
    client, engineer, teammate, payments, django_capture_on_commit_callbacks
):
    named = NearMiss.objects.create(
        what_almost_happened="The cleanup job nearly ran against production",
        how_caught="review",
        reporter=engineer,
        filed_on=dt.date(2026, 3, 1),
        team=payments,
    )
    client.force_login(teammate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("near_miss_thank", args=[named.pk]))
    client.force_login(engineer)
    inbox = client.get(reverse("notifications")).text
    assert "Someone thanked you for reporting “The cleanup job nearly ran against production”" in inbox
    assert "Jonas" not in inbox


def test_review_section_query_count_does_not_grow_with_items(
    client, incident, engineer, facilitator, django_assert_num_queries
):
    review = Review.objects.create(
        incident=incident, title="Checkout errors", team=incident.team, facilitator=facilitator
    )
    factor = ContributingFactor.objects.create(
        review=review, description="Retries have no budget", category=FactorCategory.objects.first()
    )
    client.force_login(facilitator)
    url = reverse("review_action_items", args=[review.pk])

    def add_items(count):
        for _ in range(count):
            ActionItemFactory(incident=incident, review=review, owner=engineer).addresses.add(factor)

    add_items(2)
    client.get(url, **HTMX)
    with CaptureQueriesContext(connection) as small:
        client.get(url, **HTMX)
    add_items(10)
    with django_assert_num_queries(len(small.captured_queries)):
        # Twelve items name the factor, and so does its checkbox in the form.
        assert client.get(url, **HTMX).text.count("Retries have no budget") == 13


def test_a_new_owner_is_told_but_not_someone_who_took_it_themselves(client, incident, engineer, teammate):
    client.force_login(engineer)
    client.post(
        reverse("obligation_panel", args=[incident.pk]),
        item_data("Add a contract test for refunds", "test", teammate),
        **HTMX,
    )
    client.post(
        reverse("obligation_panel", args=[incident.pk]),
        item_data("Alert on refund latency", "observability", engineer),
        **HTMX,
    )
    told = Notification.objects.filter(kind=NotificationKind.ACTION_ASSIGNED)
    assert [(n.recipient, n.title) for n in told] == [
        (teammate, "An action item from “Checkout errors” is now yours: “Add a contract test for refunds”")
    ]
    item = ActionItem.objects.get(title="Alert on refund latency")
    client.post(
        reverse("action_edit", args=[item.pk]),
        item_data(item.title, "observability", teammate, team=item.team_id, priority="medium"),
    )
    assert told.filter(recipient=teammate).count() == 2


def test_demo_action_items_are_seeded_once(payments, engineer, teammate):
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import UserFactory

    out = StringIO()
    call_command("seed_demo_actions", stdout=out)
    assert "Run `manage.py seed_demo` first" in out.getvalue()
    demo = UserFactory(username="engineer")
    mitigated_incident(payments, responders=[demo], title="Gateway certificate expiry")
    mitigated_incident(payments, responders=[demo], title="Failover picked the wrong region")
    call_command("seed_demo_actions", stdout=out)
    assert ActionItem.objects.count() == 3
    assert set(ActionItem.objects.values_list("owner__username", flat=True)) == {"engineer"}
    assert ActionItem.objects.filter(due_on__lt=timezone.localdate()).count() == 1
    call_command("seed_demo_actions", stdout=out)
    assert ActionItem.objects.count() == 3
    fix = ActionItem.objects.get(kind="tooling")
    assert obligation_of(fix.incident).met_by == fix, "the demo shows a met obligation"
    assert obligation_of(ActionItem.objects.get(kind="documentation").incident).state == ObligationState.PENDING


def test_the_meetings_quick_capture_refuses_a_null_remedy_with_an_explanation(client, incident, engineer, facilitator):
    from tests.postmortems.factories import ReviewFactory

    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])
    client.force_login(facilitator)
    title = "Remind the on-call to check the disk alerts before the weekend"
    response = client.post(
        reverse("review_action_items", args=[review.pk]),
        item_data(title, "process", engineer),
        **HTMX,
    )
    assert response.status_code == 422
    assert "is an appeal to attention, not a fix" in response.text
    assert "Make the tooling check the disk alerts before the weekend" in response.text  # a system change instead
    assert f'value="{title}"' in response.text
    assert not ActionItem.objects.filter(review=review).exists()
    # The form shows the guide's notes while the title is typed, null remedies included.
    assert 'data-language-check="action"' in response.text
