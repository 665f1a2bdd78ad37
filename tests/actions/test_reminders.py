"""Every reminder rule at its boundaries: just before, at, and just after each threshold."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from actions.models import (
    ActionKind,
    Delivery,
    DeliveryState,
    FixObligation,
    Notification,
    NotificationKind,
    NotificationPreference,
    ObligationState,
    SentReminder,
)
from actions.notify import deliver_due
from actions.reminders import reconcile_obligations
from incidents.models import Disposition, Incident
from tests.actions.factories import ActionItemFactory, TeamChatHookFactory, mitigated_incident, obligation_of
from tests.actions.fixtures import (
    DAY,
    HOUR,
    SECOND,
    incident_mitigated_at_t0,  # noqa: F401 - the ``incident`` of these tests
    sweep_at,
)

pytestmark = pytest.mark.django_db


def inbox(kind, person=None):
    notes = Notification.objects.filter(kind=kind)
    if person is not None:
        notes = notes.filter(recipient=person)
    return list(notes)


def test_obligation_starts_at_mitigation_and_is_due_48_hours_later(incident, t0):
    obligation = obligation_of(incident)
    assert obligation.starts_at == t0
    assert obligation.deadline == t0 + 48 * HOUR
    assert obligation.state == ObligationState.PENDING


def test_an_incident_recorded_after_mitigation_starts_the_clock_at_recording(payments, t0):
    with time_machine.travel(t0, tick=False):
        incident = Incident.objects.create(
            title="Stale cache after failover",
            team=payments,
            impact_started_at=t0 - 10 * HOUR,
            mitigated_at=t0 - 6 * HOUR,
            status="mitigated",
        )
    assert obligation_of(incident).starts_at == t0
    assert obligation_of(incident).deadline == t0 + 48 * HOUR


def test_no_obligation_before_mitigation(payments, t0):
    with time_machine.travel(t0, tick=False):
        incident = Incident.objects.create(title="Slow search", team=payments, impact_started_at=t0)
    assert not FixObligation.objects.filter(incident=incident).exists()


@pytest.mark.parametrize("hours_before", [24, 4])
def test_reminder_before_the_deadline_at_its_boundaries(
    incident, t0, hours_before, engineer, teammate, facilitator, manager
):
    threshold = t0 + 48 * HOUR - hours_before * HOUR
    # A sweep just before the earlier reminder leaves nothing; for the 4 h one, the 24 h one went out already.
    sweep_at(threshold - SECOND)
    before = Notification.objects.filter(kind=NotificationKind.FIX_DUE_SOON).count()
    assert before == (0 if hours_before == 24 else 3)

    sweep_at(threshold)
    sweep_at(threshold + SECOND)

    notes = inbox(NotificationKind.FIX_DUE_SOON)[: 3 if hours_before == 24 else None]
    new = Notification.objects.filter(kind=NotificationKind.FIX_DUE_SOON).count() - before
    assert new == 3, "responders and the facilitator, once each"
    assert {n.recipient for n in inbox(NotificationKind.FIX_DUE_SOON)} == {engineer, teammate, facilitator}
    latest = Notification.objects.filter(kind=NotificationKind.FIX_DUE_SOON).first()
    assert latest.title == f"The systemic fix for “{incident.title}” is due in {hours_before} hours"
    assert "you" not in latest.title.lower()
    assert notes
    assert SentReminder.objects.filter(key=f"obligation:{obligation_of(incident).pk}:due-{hours_before}h").count() == 1


def test_escalation_at_the_deadline_goes_to_facilitator_and_managers(
    incident, t0, facilitator, manager, platform_manager
):
    incident.involved_teams.add(platform_manager.teams.get())
    deadline = t0 + 48 * HOUR
    sweep_at(deadline - SECOND)
    assert inbox(NotificationKind.FIX_ESCALATION) == []
    assert obligation_of(incident).display_state(deadline - SECOND) == ObligationState.PENDING

    sweep_at(deadline)
    sweep_at(deadline + SECOND)
    escalations = inbox(NotificationKind.FIX_ESCALATION)
    assert sorted(n.recipient.username for n in escalations) == ["maya", "pia", "sam"]
    assert escalations[0].title == f"The systemic fix for “{incident.title}” has passed its 48-hour deadline"
    obligation = obligation_of(incident)
    assert obligation.state == ObligationState.BREACHED
    assert obligation.breached_at == deadline


def test_daily_reminder_after_the_deadline_until_the_fix_lands_even_when_closed(incident, t0, engineer, payments):
    deadline = t0 + 48 * HOUR
    sweep_at(deadline)
    Incident.objects.filter(pk=incident.pk).update(status="resolved", resolved_at=deadline)

    sweep_at(deadline + DAY - SECOND)
    assert inbox(NotificationKind.FIX_STILL_OPEN) == []
    sweep_at(deadline + DAY)
    sweep_at(deadline + DAY + SECOND)
    assert len(inbox(NotificationKind.FIX_STILL_OPEN, engineer)) == 1
    assert "still open, 1 day after its deadline" in inbox(NotificationKind.FIX_STILL_OPEN, engineer)[0].title

    sweep_at(deadline + 2 * DAY - SECOND)
    assert len(inbox(NotificationKind.FIX_STILL_OPEN, engineer)) == 1
    sweep_at(deadline + 2 * DAY)
    assert len(inbox(NotificationKind.FIX_STILL_OPEN, engineer)) == 2

    # The fix lands: met (late), and the reminders stop.
    with time_machine.travel(deadline + 2 * DAY + HOUR, tick=False):
        item = ActionItemFactory(incident=incident, owner=engineer, kind=ActionKind.GUARDRAIL)
    obligation = obligation_of(incident)
    assert (obligation.state, obligation.met_by, obligation.met_on_time) == (ObligationState.MET, item, False)
    sweep_at(deadline + 3 * DAY)
    assert len(inbox(NotificationKind.FIX_STILL_OPEN, engineer)) == 2


def test_missed_moments_are_superseded_not_sent_late(incident, t0):
    """A sweep that first runs 3 h before the deadline sends the 4 h reminder only."""
    sweep_at(t0 + 45 * HOUR)
    keys = set(SentReminder.objects.filter(key__startswith="obligation:").values_list("key", flat=True))
    assert keys == {f"obligation:{obligation_of(incident).pk}:due-4h"}
    assert "due in 3 hours" in inbox(NotificationKind.FIX_DUE_SOON)[0].title


def test_a_qualifying_action_item_commits_the_fix_and_stops_the_48_hour_reminders(incident, t0, engineer, teammate):
    with time_machine.travel(t0 + 5 * HOUR, tick=False):
        item = ActionItemFactory(incident=incident, owner=teammate, kind=ActionKind.OBSERVABILITY)
    obligation = obligation_of(incident)
    assert obligation.state == ObligationState.MET
    assert obligation.met_by == item
    assert obligation.met_at == t0 + 5 * HOUR
    assert obligation.met_on_time
    committed = inbox(NotificationKind.FIX_MET, engineer)
    assert committed and committed[0].title == f"The systemic fix for “{incident.title}” is committed: “{item.title}”"
    assert "has not landed yet" in committed[0].body
    assert not inbox(NotificationKind.FIX_LANDED), "nothing was merged: never “landed” early"
    for moment in (t0 + 24 * HOUR, t0 + 44 * HOUR, t0 + 48 * HOUR, t0 + 72 * HOUR):
        sweep_at(moment)
    assert not Notification.objects.filter(
        kind__in=[NotificationKind.FIX_DUE_SOON, NotificationKind.FIX_ESCALATION, NotificationKind.FIX_STILL_OPEN]
    ).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"kind": ActionKind.DOCUMENTATION},
        {"kind": ActionKind.PROCESS},
        {"owner": None},
        {"change_url": ""},
        {"status": "wont_do", "wont_do_reason": "Superseded by the new gateway."},
    ],
    ids=["documentation", "process", "no-owner", "no-link", "wont-do"],
)
def test_items_that_do_not_meet_the_obligation(incident, engineer, change):
    fields = {"incident": incident, "owner": engineer, "kind": ActionKind.TEST, **change}
    ActionItemFactory(**fields)
    assert obligation_of(incident).state == ObligationState.PENDING


def test_a_null_remedy_never_meets_the_obligation_even_if_saved_around_the_form(incident, engineer):
    ActionItemFactory(
        incident=incident,
        owner=engineer,
        kind=ActionKind.TOOLING,
        title="Remind people to double-check the config next time",
    )
    assert obligation_of(incident).state == ObligationState.PENDING


def test_met_goes_back_when_the_fix_is_dropped(incident, t0, engineer):
    with time_machine.travel(t0 + HOUR, tick=False):
        item = ActionItemFactory(incident=incident, owner=engineer)
    assert obligation_of(incident).state == ObligationState.MET
    with time_machine.travel(t0 + 50 * HOUR, tick=False):
        item.status, item.wont_do_reason = "wont_do", "The gateway is being replaced."
        item.save()
    obligation = obligation_of(incident)
    assert (obligation.state, obligation.met_by, obligation.breached_since()) == (
        ObligationState.BREACHED,
        None,
        t0 + 48 * HOUR,
    )


@pytest.mark.parametrize("disposition", [Disposition.FALSE_ALARM, Disposition.DUPLICATE])
def test_false_alarms_and_duplicates_cancel_the_obligation(incident, t0, disposition, payments):
    incident.disposition = disposition
    if disposition == Disposition.DUPLICATE:
        incident.duplicate_of = mitigated_incident(payments, mitigated_at=t0)
    incident.save()
    assert obligation_of(incident).state == ObligationState.CANCELLED
    sweep_at(t0 + 48 * HOUR)
    assert not Notification.objects.filter(incident=incident).exists()


def test_the_sweep_cancels_when_the_signal_never_saw_the_change(incident, t0):
    Incident.objects.filter(pk=incident.pk).update(disposition=Disposition.FALSE_ALARM)
    sweep_at(t0 + 24 * HOUR)
    assert obligation_of(incident).state == ObligationState.CANCELLED
    assert not Notification.objects.exists()


def test_reconcile_creates_obligations_the_signal_missed(payments, t0):
    with time_machine.travel(t0, tick=False):
        incident = Incident.objects.create(title="Queue backlog", team=payments, impact_started_at=t0 - HOUR)
        Incident.objects.filter(pk=incident.pk).update(mitigated_at=t0)  # no signal
        assert reconcile_obligations() == 1
        assert reconcile_obligations() == 0
    assert obligation_of(incident).deadline == t0 + 48 * HOUR


def test_overdue_item_reminds_its_owner_at_most_once_a_day(payments, engineer, t0):
    with time_machine.travel(t0, tick=False):
        item = ActionItemFactory(team=payments, owner=engineer, due_on=dt.date(2026, 3, 10), incident__team=payments)
    passed = dt.datetime(2026, 3, 11, tzinfo=dt.UTC)

    sweep_at(passed - SECOND)
    assert inbox(NotificationKind.ACTION_OVERDUE) == []
    sweep_at(passed)
    sweep_at(passed + SECOND)
    sweep_at(passed + 23 * HOUR)
    overdue = inbox(NotificationKind.ACTION_OVERDUE)
    assert len(overdue) == 1
    assert overdue[0].recipient == engineer
    assert overdue[0].title == f"“{item.title}” (from “{item.incident.title}”) is past its due date"

    sweep_at(passed + DAY - SECOND)
    assert len(inbox(NotificationKind.ACTION_OVERDUE)) == 1
    sweep_at(passed + DAY)
    assert len(inbox(NotificationKind.ACTION_OVERDUE)) == 2

    item.status = "done"
    item.save()
    sweep_at(passed + 3 * DAY)
    assert len(inbox(NotificationKind.ACTION_OVERDUE)) == 2


def test_editing_an_overdue_item_does_not_repeat_todays_reminder(payments, engineer, t0):
    with time_machine.travel(t0, tick=False):
        item = ActionItemFactory(owner=engineer, due_on=dt.date(2026, 3, 1), incident__team=payments)
    sweep_at(t0)
    with time_machine.travel(t0 + HOUR, tick=False):
        item.description = "Now with a plan."
        item.save()
    sweep_at(t0 + 2 * HOUR)
    assert len(inbox(NotificationKind.ACTION_OVERDUE)) == 1


def test_weekly_digest_for_managers_at_its_boundaries(payments, engineer, manager, t0):
    with time_machine.travel(t0, tick=False):
        ActionItemFactory(
            owner=engineer, due_on=dt.date(2026, 3, 6), incident__team=payments, title="Rate-limit retries"
        )
        ActionItemFactory(
            owner=engineer, due_on=dt.date(2026, 3, 12), incident__team=payments, title="Alert on queue depth"
        )
    monday_eight = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    sweep_at(monday_eight - SECOND)
    assert inbox(NotificationKind.DIGEST) == []
    sweep_at(monday_eight)
    sweep_at(monday_eight + SECOND)
    sweep_at(monday_eight + 3 * DAY)
    digests = inbox(NotificationKind.DIGEST)
    assert len(digests) == 1
    assert digests[0].recipient == manager
    assert digests[0].title == "This week's action items for Payments: 2 open, 1 due soon, 1 overdue"
    assert "Rate-limit retries" in digests[0].body
    assert "Priya" not in digests[0].body, "a digest about items, never about people"
    sweep_at(monday_eight + 7 * DAY)
    assert len(inbox(NotificationKind.DIGEST)) == 2


def test_reminders_also_come_by_email_for_those_who_want_it(incident, t0, engineer, teammate):
    NotificationPreference.objects.create(user=teammate, email_reminders=False)
    sweep_at(t0 + 24 * HOUR)
    assert Delivery.objects.filter(channel="email").count() == 2  # priya and sam, not jonas
    sent = deliver_due(t0 + 24 * HOUR + 3 * dt.timedelta(minutes=1))
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["priya@example.com", "sam@example.com"]
    message = mail.outbox[0]
    assert message.subject == f"The systemic fix for “{incident.title}” is due in 24 hours"
    assert f"/incidents/{incident.pk}/" in message.body
    assert deliver_due(t0 + 25 * HOUR) == 0, "sent once"


def test_chat_hook_receives_slack_compatible_json(incident, t0, payments, chat_server):
    TeamChatHookFactory(team=payments, url=chat_server.url)
    sweep_at(t0 + 44 * HOUR)
    assert deliver_due(t0 + 44 * HOUR + 3 * dt.timedelta(minutes=1)) >= 1
    assert len(chat_server.requests) == 1
    request = chat_server.requests[0]
    assert request["path"] == "/hooks/payments"
    assert request["content_type"] == "application/json"
    assert request["json"]["text"].startswith(f"The systemic fix for “{incident.title}” is due in 4 hours")
    assert f"/incidents/{incident.pk}/|Open>" in request["json"]["text"]


def test_a_failing_delivery_is_pushed_back_then_given_up(incident, t0, payments, chat_server, settings):
    settings.ACTIONS_DELIVERY_MAX_ATTEMPTS = 3
    chat_server.status = 500
    TeamChatHookFactory(team=payments, url=chat_server.url)
    sweep_at(t0 + 24 * HOUR)
    delivery = Delivery.objects.get(channel="chat")
    moment = t0 + 24 * HOUR + 3 * dt.timedelta(minutes=1)
    waits = []
    for _ in range(3):
        deliver_due(moment)
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - moment)
        assert deliver_due(moment) == 0, "not retried at once"
        moment = delivery.next_attempt_at
    assert len(chat_server.requests) == 3
    assert waits[0] < waits[1] < waits[2]
    assert delivery.state == DeliveryState.FAILED
    assert "HTTPError" in delivery.last_error
    deliver_due(moment + DAY)
    assert len(chat_server.requests) == 3


def test_notifications_never_blame(incident, t0):
    for moment in (t0 + 24 * HOUR, t0 + 44 * HOUR, t0 + 48 * HOUR, t0 + 72 * HOUR):
        sweep_at(moment)
    for note in Notification.objects.all():
        text = f"{note.title} {note.body}".lower()
        for word in ("you caused", "your fault", "blame", "failed to"):
            assert word not in text


def test_timezone_is_utc_in_tests():
    assert timezone.get_default_timezone_name() == "UTC"


def test_the_management_command_runs_one_sweep(incident, t0):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(t0 + 24 * HOUR, tick=False):
        call_command("sweep_reminders", "--reconcile", stdout=out)
    assert "sent 1 obligation reminders" in out.getvalue()
    assert len(inbox(NotificationKind.FIX_DUE_SOON)) == 3


def test_a_restricted_incident_is_never_named_to_people_who_cannot_see_it(
    payments, engineer, facilitator, manager, t0, chat_server
):
    TeamChatHookFactory(team=payments, url=chat_server.url)
    with time_machine.travel(t0, tick=False):
        secret = mitigated_incident(
            payments,
            responders=[engineer],
            facilitator=facilitator,
            mitigated_at=t0,
            title="Leaked token",
            restricted=True,
        )
    for moment in (t0 + 24 * HOUR, t0 + 48 * HOUR):
        sweep_at(moment)
    deliver_due(t0 + 49 * HOUR)
    assert {n.recipient.username for n in Notification.objects.filter(incident=secret)} == {"priya", "sam"}
    assert not Notification.objects.filter(recipient=manager, incident=secret).exists()
    assert chat_server.requests == []
