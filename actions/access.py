"""The one way views reach an action item: it exists for this person, and whether they may change it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.models import ActionItem
from incidents.access import can_edit_incident


@dataclass(frozen=True)
class ActionItemAccess:
    item: ActionItem
    can_edit: bool

    def for_editing(self) -> "ActionItemAccess":
        """This access, for someone about to change the item; 403 for someone who may only read it."""
        if not self.can_edit:
            raise PermissionDenied("Only the owner, the team and the incident's responders change this item.")
        return self


def can_edit_action_item(user, item: ActionItem) -> bool:
    """Its owner, members of its team, those who may edit its incident, and admins."""
    if user.is_org_admin or item.owner_id == user.pk or item.team_id in user.team_ids:
        return True
    if item.incident_id:
        return can_edit_incident(user, item.incident)
    return False


def get_action_item_for_user(user, pk) -> ActionItemAccess:
    """The item if this person may see its incident, else 404 (restricted incidents stay invisible)."""
    try:
        item = (
            ActionItem.objects.visible_to(user)
            .select_related("owner", "team", "incident", "incident__team", "review", "created_by")
            .get(pk=pk)
        )
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action item") from None
    return ActionItemAccess(item=item, can_edit=can_edit_action_item(user, item))
