"""The review's panel on the incident page (registered with web.panels in PostmortemsConfig.ready())."""

from django.db import connection

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


def _review_shown(incident) -> Review | None:
    """Only what the panel shows of the incident's review: its state and meeting, and its facilitator's name. One
    statement written out by hand: the ORM query cost more to build than PostgreSQL took to answer it."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{name}" for name in User.NAME_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.status, r.meeting_at, r.facilitator_id, {columns} FROM {quote(Review._meta.db_table)} r"  # noqa: S608
            f" LEFT JOIN {quote(User._meta.db_table)} u ON u.id = r.facilitator_id WHERE r.incident_id = %s",
            [incident.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, status, meeting_at, facilitator_id, *names = row
    facilitator = User(id=facilitator_id, **dict(zip(User.NAME_FIELDS, names, strict=True))) if facilitator_id else None
    return Review(id=pk, incident_id=incident.pk, status=status, meeting_at=meeting_at, facilitator=facilitator)


def review_panel(context, incident):
    """The incident page's way into its review: its state, or how to start one."""
    user = context["request"].user
    review = _review_shown(incident)
    is_facilitator = _is_facilitator(user, incident)
    return {
        "incident": incident,
        "review": review,
        "required": review_required(incident),
        "due_by": meeting_due_by(incident),
        "can_start": review is None and can_edit_incident(user, incident),
        "is_facilitator": is_facilitator,
    }
