"""Did the fix hold? A landed fix is flagged "may not have held" when the weakness it addressed comes back.

The weakness is a contributing factor's category *in* its service. When a later incident's or
near miss's review gets a factor of the same category and service as one an earlier landed fix
addressed, the fix is flagged on both reviews and its team is told. The facilitator decides:
confirmed (it did not hold, and a new systemic fix is owed on a fresh clock) or dismissed with a
reason everyone can read.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from actions.models import (
    ActionItem,
    FixObligation,
    NotificationKind,
    ObligationState,
    RecurrenceFlag,
    RecurrenceState,
)
from actions.notify import notify_many, notify_team_chats
from actions.obligations import evaluate_obligation, first_check, fix_window, incident_url, responders_and_facilitator
from actions.reminders.context import may_see
from postmortems.models import ContributingFactor


def flag_recurrences(factor: ContributingFactor, now: datetime | None = None) -> list[RecurrenceFlag]:
    """Flag every earlier landed fix for this factor's weakness (once per fix and factor); returns the new flags."""
    now = now or timezone.now()
    if factor.service_id is None or factor.deleted_at is not None:
        return []
    review = factor.review
    later_incident_id = review.incident_id
    fixes = (
        ActionItem.objects.filter(
            landed_at__isnull=False,
            landed_at__lt=factor.created_at or now,
            addresses__category_id=factor.category_id,
            addresses__service_id=factor.service_id,
            addresses__deleted_at__isnull=True,
        )
        .exclude(addresses__review_id=review.pk)
        .select_related("incident", "team", "owner")
        .distinct()
    )
    if later_incident_id:
        fixes = fixes.exclude(incident_id=later_incident_id)
    flags = []
    for fix in fixes:
        earlier = fix.addresses.filter(category_id=factor.category_id, service_id=factor.service_id).first()
        try:
            with transaction.atomic():
                flag = RecurrenceFlag.objects.create(
                    fix=fix, earlier_factor=earlier, later_factor=factor, created_at=now
                )
        except IntegrityError:
            continue
        flags.append(flag)
        tell_fix_team(flag, now)
    return flags


def later_subject(flag: RecurrenceFlag) -> str:
    """The later incident or near miss in words; a restricted incident is never named outside itself."""
    review = flag.later_factor.review
    if review.incident_id:
        incident = review.incident
        return "a later restricted incident" if incident.restricted else f"the later incident “{incident.title}”"
    return "a later near miss"


def weakness(flag: RecurrenceFlag) -> str:
    factor = flag.later_factor
    return f"{factor.category.name} in {factor.service.name}"


def tell_fix_team(flag: RecurrenceFlag, now: datetime) -> None:
    fix = flag.fix
    people = {person.pk: person for person in User.objects.filter(is_active=True, memberships__team_id=fix.team_id)}
    if fix.owner_id and fix.owner.is_active:
        people.setdefault(fix.owner_id, fix.owner)
    if fix.incident and fix.incident.restricted:
        # A restricted incident's fix is news only to those who may see the incident.
        people = {pk: person for pk, person in people.items() if may_see(person, fix.incident)}
    title = f"The fix “{fix.title}” may not have held"
    body = (
        f"It landed {fix.landed_at:%-d %b %Y} and addressed {weakness(flag)}; {later_subject(flag)} has a contributing "
        "factor of the same category in the same service. The facilitator will confirm whether it held or "
        "dismiss this with a reason."
    )
    url = fix.get_absolute_url()
    notify_many(sorted(people.values(), key=lambda p: p.pk), NotificationKind.FIX_MAY_NOT_HAVE_HELD, title, body, url,
                fix.incident, now=now)  # fmt: skip
    if not (fix.incident and fix.incident.restricted):
        notify_team_chats([fix.team], title, url, now=now, incident=fix.incident)


def may_decide(user, flag: RecurrenceFlag) -> bool:
    """The facilitator of either review or incident, a facilitator of the fix's team, or an admin."""
    if not user.is_authenticated:
        return False
    if user.is_org_admin or user.has_role(Role.FACILITATOR, flag.fix.team_id):
        return True
    later_review = flag.later_factor.review
    facilitators = {
        later_review.facilitator_id,
        getattr(later_review.incident, "facilitator_id", None),
        getattr(flag.fix.review, "facilitator_id", None),
        getattr(flag.fix.incident, "facilitator_id", None),
    }
    return user.pk in facilitators


def confirm(flag: RecurrenceFlag, user, now: datetime | None = None) -> FixObligation | None:
    """The fix did not hold: its incident owes a new systemic fix, within the usual hours from now."""
    now = now or timezone.now()
    with transaction.atomic():
        flag.state, flag.decided_by, flag.decided_at, flag.reason = RecurrenceState.CONFIRMED, user, now, flag.reason
        flag.save()
        obligation = FixObligation.objects.select_for_update().filter(incident_id=flag.fix.incident_id).first()
        if obligation is None or obligation.met_by_id != flag.fix_id:
            return obligation
        obligation.state, obligation.reopened_at = ObligationState.PENDING, now
        obligation.starts_at, obligation.deadline = now, now + fix_window()
        obligation.met_by, obligation.met_at, obligation.breached_at = None, None, None
        obligation.landed_at, obligation.landing_due_at = None, None
        obligation.next_check_at = first_check(obligation)
        obligation.save()
        incident = obligation.incident
        notify_many(
            responders_and_facilitator(incident),
            NotificationKind.FIX_MAY_NOT_HAVE_HELD,
            f"The fix for “{incident.title}” did not hold: a new systemic fix is owed",
            f"“{flag.fix.title}” landed, but {weakness(flag)} came back. The facilitator confirmed it. "
            f"A new concrete change is due by {timezone.localtime(obligation.deadline):%a %-d %b %H:%M}.",
            incident_url(incident),
            incident,
            now=now,
        )
        evaluate_obligation(obligation, now)
    return obligation


def dismiss(flag: RecurrenceFlag, user, reason: str, now: datetime | None = None) -> None:
    flag.state, flag.reason, flag.decided_by, flag.decided_at = (
        RecurrenceState.DISMISSED,
        reason,
        user,
        now or timezone.now(),
    )
    flag.save()


def _concern(review):
    """Flags that concern this review: its own fixes that may not have held, and earlier fixes its factors question."""
    from django.db.models import Q

    concern = Q(later_factor__review=review.pk)
    if review.incident_id:
        concern |= Q(fix__incident_id=review.incident_id)
    else:
        concern |= Q(fix__review=review.pk)
    return concern


def flag_ids_for_review(review) -> list[int]:
    """The ids of the flags ``flags_for_review`` lists: a light query (most reviews have none)."""
    return list(RecurrenceFlag.objects.filter(_concern(review)).order_by().values_list("pk", flat=True))


def flags_for_review(review, ids: list[int] | None = None) -> list[RecurrenceFlag]:
    """Flags that concern this review (or those of ``ids``, read earlier with ``flag_ids_for_review``)."""
    if ids is not None and not ids:
        return []
    flags = RecurrenceFlag.objects.filter(_concern(review) if ids is None else Q(pk__in=ids))
    return list(
        flags.select_related(
            "fix__incident",
            "fix__team",
            "later_factor__category",
            "later_factor__service",
            "later_factor__review__incident",
        ).order_by("-created_at", "-pk")
    )
