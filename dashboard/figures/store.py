"""Figures kept in the cache, shared by everyone who sees the same incidents, refreshed in the background."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from accounts.models import Team, User
from accounts.privacy import enough_people
from dashboard.figures.action_items import action_item_figures, obligation_figures
from dashboard.figures.common import CACHE_SECONDS, Filters, make_filters
from dashboard.figures.factors import factor_figures, recurrences_after_fix
from dashboard.figures.learning import near_miss_figures, review_quality
from dashboard.figures.response import response_times
from dashboard.freshness import data_version
from dashboard.small_groups import people_behind_team
from incidents.access import visibility_class
from incidents.models import Incident

logger = logging.getLogger(__name__)

# Figures older than this are not served while they are recomputed: the viewer waits for new ones (no worker
# has answered for that long).
STALE_AT_MOST = timedelta(minutes=5)
# A refresh that has not finished by then (its worker died) may be started again.
RECOMPUTE_LOCK_SECONDS = 60


def cache_key(user, filters: Filters) -> str:
    team = filters.team.pk if filters.team else "all"
    version = data_version()
    # The figures depend on the person only through the incidents they may see (every figure starts from
    # ``visible_to``): people who see the same ones share them.
    visibility = visibility_class(user)
    return f"dashboard:{version}:{visibility}:{team}:{filters.period}:{filters.today.isoformat()}"


def last_key(key: str) -> str:
    """Where the latest figures for the same people and filters are kept, whatever the data version."""
    return "dashboard:last:" + key.split(":", 2)[2]


def recompute_lock(key: str) -> str:
    return last_key(key) + ":computing"


def dashboard_data(user, filters: Filters, key: str | None = None) -> tuple[dict, bool]:
    """Everything the dashboard shows for these filters, and whether it is fresh.

    After a change the viewer gets the last figures (marked not fresh, with the time they were computed)
    and one background task computes the new ones; every viewer meanwhile gets the same last figures.
    Only when there are none, or they are older than ``STALE_AT_MOST``, does a viewer wait for them.
    """
    key = key or cache_key(user, filters)
    found = cache.get_many([key, last_key(key)])
    if key in found:
        return found[key], True
    last = found.get(last_key(key))
    if last is not None and filters.now - last["computed_at"] < STALE_AT_MOST:
        if cache.add(recompute_lock(key), 1, RECOMPUTE_LOCK_SECONDS):
            try:
                recompute_figures.delay(user.pk, filters.team.pk if filters.team else None, filters.period)
            except Exception:  # noqa: BLE001 - no broker to hand it to: this viewer computes them instead
                logger.warning("Could not queue the dashboard's refresh; computing it in the request.", exc_info=True)
                return refresh(user, filters, key), True
            data = cache.get(key)  # already there when the task ran in this process
            if data is not None:
                return data, True
        return last, False
    return refresh(user, filters, key), True


def refresh(user, filters: Filters, key: str | None = None) -> dict:
    """Compute the figures and keep them under the data version read before computing: a change made
    meanwhile leaves them stale, and the next viewer starts another refresh."""
    key = key or cache_key(user, filters)
    try:
        data = compute(user, filters)
        cache.set_many({key: data, last_key(key): data}, CACHE_SECONDS)
    finally:
        # While people keep writing, one refresh per pause for these filters, not one per write.
        pause = settings.DASHBOARD_REFRESH_SECONDS
        if pause:
            cache.set(recompute_lock(key), 1, pause)
        else:
            cache.delete(recompute_lock(key))
    return data


def compute(user, filters: Filters) -> dict:
    """The aggregates, straight from the database (a fixed number of queries, whatever the data size)."""
    if filters.team and not enough_people(people_behind_team(user, filters)):
        # The whole page would speak about these few people: it says so instead (dashboard.small_groups).
        return {"computed_at": filters.now, "withheld": True}
    visible = Incident.objects.visible_to(user)
    return {
        "computed_at": filters.now,
        "withheld": False,
        "actions": action_item_figures(user, filters),
        "obligations": obligation_figures(visible, filters),
        "response": response_times(visible, filters),
        "factors": factor_figures(visible, filters),
        "near_misses": near_miss_figures(filters),
        "quality": review_quality(visible, filters),
        "recurrences": recurrences_after_fix(visible, filters),
    }


@shared_task(name="dashboard.tasks.recompute_figures")
def recompute_figures(user_id: int, team_id: int | None, period: str) -> None:
    """Bring one set of dashboard figures up to date after a change, while viewers get the last ones."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    refresh(user, make_filters(team, period))
