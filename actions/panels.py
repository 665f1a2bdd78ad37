"""What the pieces of other apps' pages show: the obligation panel (incident), the action-item section (review)
and the inbox link in every page's header.

The template tags include them in those pages; the views in ``actions.views.panels`` answer their htmx requests.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from actions.forms import QuickActionItemForm
from actions.models import ActionItem, FixObligation, Notification
from actions.recurrence import flag_ids_for_review, flags_for_review, may_decide
from fragments.conditional import inbox_version, person_fact
from fragments.kept import VersionName, fragment_key, kept_value
from fragments.lazy import once
from fragments.versions import kept_under
from incidents.access import can_edit_incident
from postmortems.access import get_review_for_user
from postmortems.models import ContributingFactor


def obligation_status(incident) -> dict:
    """Owed (countdown or breached since when), committed, landed, held or did not hold: what the status shows.

    What turns with the clock alone (the countdown, the deadline passing, landing overdue, held after so many days)
    is given as the moments it turns at, so that a kept panel is right whenever it is served (``fragments.times``)."""
    obligation = (
        FixObligation.objects.filter(incident=incident)
        .select_related("met_by__owner")
        .prefetch_related("met_by__recurrence_flags")
        .first()
    )
    now = timezone.now()
    return {
        "incident": incident,
        "obligation": obligation,
        "stage": obligation.stage(now) if obligation else None,
        "breached_from": obligation.breached_from(now) if obligation else None,
        "held_from": obligation.held_from(now) if obligation else None,
        "poll_seconds": settings.OBLIGATION_POLL_SECONDS,
        "late_by": obligation.met_at - obligation.deadline if obligation and obligation.met_at else None,
        "fix_hours": settings.SYSTEMIC_FIX_HOURS,
        "held_days": settings.FIX_HELD_AFTER_DAYS,
    }


# The panels are kept for every editor alike: their quick form chooses nobody (no such person) as its owner, and
# each editor gets their own name chosen when the panel is served (``owner_chosen``).
NOBODY = 0


def owner_chosen(context, obj, **options) -> dict:
    """This editor chosen as the owner in a kept quick form (``web.panels``' ``personal``)."""
    user = context["request"].user
    # The option with the person's name too: a team's option may carry the same number.
    option = f'<option value="{user.pk}">{escape(user.name)}</option>'
    return {option: option.replace(">", " selected>", 1)}


def status_items(incident) -> list:
    """The incident's action items as the obligation panel lists them."""
    return list(
        ActionItem.objects.filter(incident=incident).only("title", "kind", "status").order_by("created_at", "pk")[:20]
    )


def obligation_context(incident, user, can_edit: bool, form=None, owner=None) -> dict:
    """The incident page's panel: the obligation's status, the incident's action items and a quick form."""
    items = status_items(incident)
    if can_edit and form is None:
        owner = user.pk if owner is None else owner
        form = QuickActionItemForm(
            instance=ActionItem.new_for_incident(incident), incident=incident, initial={"owner": owner}
        )
        form.fields.pop("addresses", None)
    return {
        **obligation_status(incident),
        "with_items": True,
        "items": items,
        "review": once(getattr, incident, "review", None),  # read only if a template asks
        "can_edit": can_edit,
        "fix_form": form if can_edit else None,
    }


# What the review's list of action items shows of each item: its row, its owner's name and its team's.
LISTED_COLUMNS = ("title", "kind", "status", "due_on", *(f"owner__{name}" for name in User.NAME_FIELDS), "team__name")


def review_items_context(review, user, can_edit: bool, form=None, owner=None, flags=None) -> dict:
    items = list(
        ActionItem.objects.filter(Q(review=review) | (Q(incident_id=review.incident_id) & Q(incident__isnull=False)))
        .select_related("owner", "team")
        .only(*LISTED_COLUMNS)
        .prefetch_related(Prefetch("addresses", queryset=ContributingFactor.objects.only("description")))
        .order_by("created_at", "pk")
    )
    if can_edit and form is None:
        form = QuickActionItemForm(
            instance=ActionItem.new_for_review(review),
            review=review,
            incident=review.incident if review.incident_id else None,
            initial={"owner": user.pk if owner is None else owner},
        )
    context = {
        "review": review,
        "items": items,
        "can_edit": can_edit,
        "item_form": form if can_edit else None,
        "heading": True,
    }
    if review.incident_id:
        context.update(obligation_status(review.incident))
    context["flags"] = flags_for_review(review) if flags is None else flags
    for flag in context["flags"]:
        flag.can_decide = may_decide(user, flag)
    return context


# --- registered with web.panels in ActionsConfig.ready() -------------------------------------------


def obligation_panel(context, incident) -> dict:
    """The systemic-fix obligation on the incident page: countdown, met by which item, or breached since when."""
    user = context["request"].user
    return obligation_context(incident, user, can_edit_incident(user, incident), owner=NOBODY)


def obligation_panel_kept_by(context, incident) -> list:
    """Shared by readers, and by editors with their quick form, until the incident, its items or its obligation
    change: what the clock changes in it is decided when it is served (``obligation_status``)."""
    can_edit = can_edit_incident(context["request"].user, incident)
    return [VersionName(f"incident:{incident.pk}"), VersionName("people"), can_edit]


def _kept_flags(review, versions: list, request) -> list:
    """The review's recurrence flags, kept under the versions of what they concern (a flag raises them).

    Which flags concern the review at all is kept under ``actions``, which every flag's change raises and
    which a change to the review leaves: most reviews have none, and then nothing more is read."""
    read = request.__dict__.setdefault("_kept_flags", {})  # the panel's kept_by and its context read them once
    seconds = settings.FRAGMENT_CACHE_SECONDS
    ids_key = fragment_key("review-flag-ids", [VersionName("actions"), review.pk, review.incident_id], request)
    if ids_key not in read:
        ids = kept_value(ids_key, request) if seconds > 0 else None
        if ids is None:
            ids = flag_ids_for_review(review)
            if seconds > 0:
                cache.set(ids_key, ids, seconds)
        read[ids_key] = ids
    if not read[ids_key]:
        return []
    key = fragment_key("review-flags", [*versions, tuple(read[ids_key])], request)
    if key in read:
        return read[key]
    flags = kept_value(key, request) if seconds > 0 else None
    if flags is None:
        flags = flags_for_review(review, read[ids_key])
        for flag in flags:  # reads the rows ``may_decide`` asks about, so that they are kept with the flag
            may_decide(request.user, flag)
        if seconds > 0:
            cache.set(key, flags, seconds)
    read[key] = flags
    return flags


def review_items_panel_kept_by(context, review, can_edit=None, heading=True) -> list:
    """Shared by everyone who may do the same with it: readers, or editors with their quick form, and who may
    decide the same recurrence flags. What the clock changes in it (the fix's countdown) is decided when it is
    served (``obligation_status``).

    Kept under what it shows: the review's action items (``review-actions``), its factors (what an item
    addresses), the incident's items and obligation, and people's names; a change elsewhere in the review
    (a section, a perspective, a step of the meeting) leaves it kept. With recurrence flags, under the
    review's own version too, as the flags are."""
    request = context["request"]
    if can_edit is None:
        can_edit = get_review_for_user(request.user, review.pk).can_edit
    versions = _flag_versions(review)
    flags = _kept_flags(review, versions, request)
    decides = tuple(may_decide(request.user, flag) for flag in flags)
    shown = [VersionName(f"review-actions:{review.pk}"), VersionName(f"review-factors:{review.pk}"), *versions[1:]]
    if flags:
        shown.append(versions[0])
    return [*shown, review.team_id, heading, decides, can_edit]


def _flag_versions(review) -> list:
    versions = [VersionName(f"review:{review.pk}"), VersionName("people")]
    if review.incident_id:
        versions.append(VersionName(f"incident:{review.incident_id}"))
    return versions


def review_items_panel(context, review, can_edit=None, heading=True) -> dict:
    """The action-item section of the review and meeting pages."""
    user = context["request"].user
    if can_edit is None:
        can_edit = get_review_for_user(user, review.pk).can_edit
    flags = _kept_flags(review, _flag_versions(review), context["request"])  # as its kept_by read them
    return review_items_context(review, user, can_edit, owner=NOBODY, flags=flags) | {"heading": heading}


# A count is kept under its inbox's version, which every new notification and every reading raises.
UNREAD_SECONDS = 60 * 60


def unread_count(user, known_versions: dict | None = None) -> int:
    """``user``'s unread notifications; ``known_versions`` are the versions the page already read for its ETag
    (in the same round trip as the kept count: then this asks nothing more)."""
    return kept_under(
        inbox_version(user),
        person_fact(user, "unread"),
        UNREAD_SECONDS,
        lambda: Notification.objects.filter(recipient=user).unread().count(),
        known_versions,
    )


def inbox_badge_panel(context, user) -> dict:
    """The inbox link beside the signed-in person's name, with their unread count."""
    if not user.is_authenticated:
        return {"unread": 0}
    return {"unread": unread_count(user, getattr(context.get("request"), "versions", None))}
