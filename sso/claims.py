"""Team memberships and roles that follow a claim from the identity provider (``OIDC_GROUPS_CLAIM``).

``OIDC_GROUP_MAP`` maps a group named in the claim to the teams it gives and the role in each:
``{"payments-oncall": {"payments": "engineer"}, "payments-leads": {"payments": "manager"}}``.
Only the teams named in the map are managed this way: at each sign-in the person's memberships in
those teams are made to match the claim, and memberships in other teams (added by an admin) stay.
When the claim is missing from the provider's answer nothing is changed.
"""

import logging

from django.conf import settings
from django.db import transaction

from accounts.models import Membership, Role, Team

logger = logging.getLogger("sso")

# The stronger role wins when two groups give the same team.
ROLE_STRENGTH = [Role.ENGINEER, Role.FACILITATOR, Role.MANAGER, Role.ADMIN]


def managed_team_slugs() -> set[str]:
    return {slug for teams in settings.OIDC_GROUP_MAP.values() for slug in teams}


def roles_from_claims(claims: dict) -> dict[str, str] | None:
    """{team slug: role} the claim gives, or None when the claim is absent (nothing is to change)."""
    claim_name = settings.OIDC_GROUPS_CLAIM
    if not claim_name or claim_name not in claims:
        return None
    groups = claims[claim_name]
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return None
    wanted: dict[str, str] = {}
    for group in groups:
        for slug, role in settings.OIDC_GROUP_MAP.get(str(group), {}).items():
            if slug not in wanted or ROLE_STRENGTH.index(role) > ROLE_STRENGTH.index(wanted[slug]):
                wanted[slug] = role
    return wanted


@transaction.atomic
def sync_memberships(user, wanted: dict[str, str]) -> None:
    teams = {team.slug: team for team in Team.objects.filter(slug__in=managed_team_slugs())}
    missing = set(wanted) - set(teams)
    if missing:
        logger.warning("OIDC_GROUP_MAP names teams that do not exist: %s", ", ".join(sorted(missing)))
    current = {
        m.team.slug: m for m in Membership.objects.filter(user=user, team__in=teams.values()).select_related("team")
    }
    for slug, team in teams.items():
        membership = current.get(slug)
        if slug in wanted:
            if membership is None:
                Membership.objects.create(user=user, team=team, role=wanted[slug])
            elif membership.role != wanted[slug]:
                membership.role = wanted[slug]
                membership.save(update_fields=["role"])
        elif membership is not None:
            membership.delete()
    user.__dict__.pop("memberships_by_team", None)
