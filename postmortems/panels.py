"""The review's panel on the incident page (registered with web.panels in PostmortemsConfig.ready())."""

from accounts.models import Role
from incidents.access import can_edit_incident
from postmortems.models import Review, meeting_due_by, review_required


def review_panel(context, incident):
    """The incident page's way into its review: its state, or how to start one."""
    user = context["request"].user
    review = Review.objects.filter(incident=incident).select_related("facilitator").first()
    is_facilitator = user.is_org_admin or user.has_role(Role.FACILITATOR, incident.team_id)
    return {
        "incident": incident,
        "review": review,
        "required": review_required(incident),
        "due_by": meeting_due_by(incident),
        "can_start": review is None and can_edit_incident(user, incident),
        "is_facilitator": is_facilitator,
    }
