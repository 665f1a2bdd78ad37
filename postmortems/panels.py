"""The review's panel on the incident page (registered with web.panels in PostmortemsConfig.ready())."""

from accounts.models import Role, User
from fragments.kept import VersionName
from incidents.access import can_edit_incident
from postmortems.models import Review, meeting_due_by, review_required


def _is_facilitator(user, incident) -> bool:
    return user.is_org_admin or user.has_role(Role.FACILITATOR, incident.team_id)


def review_panel_kept_by(context, incident) -> list:
    """Shared by everyone who may do the same with it: start the review or not, as a facilitator or not."""
    user = context["request"].user
    return [
        VersionName(f"incident:{incident.pk}"),
        VersionName("people"),
        can_edit_incident(user, incident),
        _is_facilitator(user, incident),
    ]


def review_panel(context, incident):
    """The incident page's way into its review: its state, or how to start one."""
    user = context["request"].user
    # Only what the panel shows: the review's state and meeting, and its facilitator's name.
    shown = ("status", "meeting_at", *(f"facilitator__{name}" for name in User.NAME_FIELDS))
    review = Review.objects.filter(incident=incident).select_related("facilitator").only(*shown).first()
    is_facilitator = _is_facilitator(user, incident)
    return {
        "incident": incident,
        "review": review,
        "required": review_required(incident),
        "due_by": meeting_due_by(incident),
        "can_start": review is None and can_edit_incident(user, incident),
        "is_facilitator": is_facilitator,
    }
