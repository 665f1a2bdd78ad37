"""The action items in a review's export: what we committed to change, its state, who owns it (by role) and links."""

from django.db.models import Q

from accounts.models import Membership, Role
from actions.models import ActionItem, ActionStatus
from actions.notify import absolute_url
from postmortems.exports import ExportSection


def owner_role(item: ActionItem, roles: dict[tuple[int, int], str], any_role: dict[int, str]) -> str:
    """The owner as a role in the item's team ("an engineer in Payments"), never by name."""
    if item.owner_id is None:
        return "no owner yet"
    role = roles.get((item.owner_id, item.team_id)) or any_role.get(item.owner_id) or Role.ENGINEER
    label = Role(role).label.lower()
    article = "an" if label[0] in "aeiou" else "a"
    return f"{article} {label} in {item.team.name}"


def action_items_section(review, moment) -> list[ExportSection]:
    """Every action item of the review and of its incident, with its state now, its owner's role and links."""
    subject = Q(review=review) | (Q(incident_id=review.incident_id) if review.incident_id else Q(pk__in=[]))
    items = list(
        ActionItem.objects.filter(subject)
        .select_related("team")
        .prefetch_related("addresses__category")
        .order_by("created_at", "pk")
    )
    owners = {item.owner_id for item in items if item.owner_id}
    roles, any_role = {}, {}
    for user_id, team_id, role in Membership.objects.filter(user_id__in=owners).values_list(
        "user_id", "team_id", "role"
    ):
        roles[(user_id, team_id)] = role
        any_role.setdefault(user_id, role)
    lines = []
    for item in items:
        details = [
            item.get_kind_display().lower(),
            item.get_status_display().lower(),
            f"owner: {owner_role(item, roles, any_role)}",
        ]
        if item.due_on:
            details.append(f"due {item.due_on:%-d %b %Y}")
        lines.append(f"- **{item.title}** ({'; '.join(details)})")
        if item.status == ActionStatus.WONT_DO and item.wont_do_reason:
            lines.append(f"  - Why we won't do it: {item.wont_do_reason}")
        if item.change_url:
            lines.append(f"  - The change: {item.change_url}")
        lines.append(f"  - The item: {absolute_url(item.get_absolute_url())}")
        addressed = [factor.category.name for factor in item.addresses.all()]
        if addressed:
            lines.append(f"  - Addresses: {', '.join(addressed)}")
    return [ExportSection("Action items", lines or ["(none recorded)"])]
