"""Figures kept in the cache in parts shared by everyone, merged per viewer, refreshed in the background.

The figures come in parts about disjoint sets of incidents (``dashboard.figures.parts``): the public
part, shared by everyone; the part of every restricted incident, shared by admins; and the part of the few
restricted incidents one person is on, shared by everyone on the same ones. The shared parts cost a full
pass over the data: after a change the viewers get the last ones (marked not fresh, with the time they
were computed) while one background task computes them again. A person's own part covers only their
restricted incidents and is computed when asked for, in a fixed number of queries. So no viewer ever waits
for a full computation once the shared parts exist, however many viewer classes there are.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from accounts.models import Team
from accounts.privacy import enough_people
from dashboard.figures import finish
from dashboard.figures.action_items import action_item_figures, obligation_figures
from dashboard.figures.common import CACHE_SECONDS, Filters, make_filters
from dashboard.figures.factors import factor_figures, recurrences_after_fix
from dashboard.figures.learning import near_miss_figures, review_quality
from dashboard.figures.parts import EVERY_RESTRICTED, PUBLIC, Scope, part
from dashboard.figures.response import response_times
from dashboard.figures.sums import merge
from dashboard.follow_through import follow_through_figures
from dashboard.freshness import data_version
from dashboard.small_groups import people_behind_team
from incidents.access import restricted_incidents_on, visibility_class
from incidents.models import Incident

logger = logging.getLogger(__name__)

# A refresh that has not finished by then (its worker died) may be started again; a viewer who finds a refresh
# queued this long ago and never done computes the part in the request (no worker is answering).
RECOMPUTE_LOCK_SECONDS = 60
WORKER_SILENT_AFTER = timedelta(seconds=RECOMPUTE_LOCK_SECONDS)
# The last shared parts are kept this long, for serving while new ones are computed; one is fresh while the
# data has not changed since it was computed, for as long as figures are cached.
LAST_PART_SECONDS = 24 * 60 * 60
KEPT_FRESH = timedelta(seconds=CACHE_SECONDS)
SHARED_PARTS = {PUBLIC: Scope.public, EVERY_RESTRICTED: Scope.every_restricted}


def _filters_key(filters: Filters) -> str:
    team = filters.team.pk if filters.team else "all"
    return f"{team}:{filters.period}:{filters.today.isoformat()}"


def part_key(name: str, filters: Filters, version: int) -> str:
    return f"dashboard:{version}:part:{name}:{_filters_key(filters)}"


def last_part_key(name: str, filters: Filters) -> str:
    """Where the latest shared part for these filters is kept, whatever the data version."""
    return f"dashboard:last:part:{name}:{_filters_key(filters)}"


def stamp_key(name: str, filters: Filters) -> str:
    """When the latest shared part was computed: names the figures merged from it, without reading it."""
    return last_part_key(name, filters) + ":stamp"


def recompute_lock(name: str, filters: Filters) -> str:
    return last_part_key(name, filters) + ":computing"


def queued_key(name: str, filters: Filters) -> str:
    """When a refresh of the shared part was queued and not yet done."""
    return last_part_key(name, filters) + ":queued"


def kept_for(fresh: bool) -> int:
    """Seconds to keep figures (and their page): fresh ones until they expire; those from a shared part being
    recomputed for one pause between refreshes (within it no refresh would start anyway), so that the new
    ones replace them soon after they exist."""
    return CACHE_SECONDS if fresh else min(CACHE_SECONDS, settings.DASHBOARD_REFRESH_SECONDS)


def _shared_parts_of(visibility: str) -> list[str]:
    return [PUBLIC, EVERY_RESTRICTED] if visibility == "all" else [PUBLIC]


def cache_key(user, filters: Filters) -> str:
    """The key of this viewer's figures: the data version, who sees what, the filters and which shared parts
    they were merged from (a refreshed shared part makes new figures, even at the same data version)."""
    version = data_version()
    # The figures depend on the person only through the incidents they may see (every part starts from the
    # incidents): people who see the same ones share them.
    visibility = visibility_class(user)
    names = _shared_parts_of(visibility)
    stamps = cache.get_many([stamp_key(name, filters) for name in names])
    parts = "+".join(str(stamps.get(stamp_key(name, filters), "none")) for name in names)
    return f"dashboard:{version}:{visibility}:{_filters_key(filters)}:{parts}"


def dashboard_data(user, filters: Filters, key: str | None = None) -> tuple[dict, bool]:
    """Everything the dashboard shows for these filters and this viewer, and whether it is fresh.

    Fresh figures are kept for everyone who sees the same incidents; figures from shared parts being
    recomputed are kept only for a moment, so that the new ones replace them soon after they exist.
    """
    key = key or cache_key(user, filters)
    found = cache.get(key)
    if found is not None:
        return found
    data, fresh = merged_figures(user, filters)
    if kept_for(fresh):
        cache.set(key, (data, fresh), kept_for(fresh))
    return data, fresh


def merged_figures(user, filters: Filters) -> tuple[dict, bool]:
    """The viewer's figures from the shared parts (the last ones, while they are recomputed) and their own
    part, and whether every part is of the current data."""
    visibility = visibility_class(user)
    merged, fresh = None, True
    computed_at = filters.now
    for name in _shared_parts_of(visibility):
        shared, shared_fresh = shared_part(name, filters)
        fresh &= shared_fresh
        computed_at = min(computed_at, shared["computed_at"])
        merged = shared if merged is None else merge(merged, shared)
    if visibility not in {"all", "public"}:
        merge(merged, own_part(user, visibility, filters))
    return finish.figures(merged, filters) | {"computed_at": computed_at}, fresh


def own_part(user, visibility: str, filters: Filters) -> dict:
    """The part of the few restricted incidents this person is on, kept for everyone on the same ones."""
    key = part_key(visibility, filters, data_version())
    found = cache.get(key)
    if found is None:
        found = part(Scope.restricted(restricted_incidents_on(user)), filters)
        cache.set(key, found, CACHE_SECONDS)
    return found


def shared_part(name: str, filters: Filters) -> tuple[dict, bool]:
    """A shared part, and whether it is of the current data.

    After a change the viewer gets the last one (not fresh) and one background task computes the new one;
    every viewer meanwhile gets the same last one. Only when there is none, or a refresh queued
    ``WORKER_SILENT_AFTER`` ago has not been done, does a viewer wait for it.
    """
    last_key, queued = last_part_key(name, filters), queued_key(name, filters)
    found = cache.get_many([last_key, queued])
    last, queued_at = found.get(last_key), found.get(queued)
    if last is not None and last["version"] == data_version() and filters.now - last["computed_at"] < KEPT_FRESH:
        return last, True
    worker_silent = queued_at is not None and filters.now.timestamp() - queued_at > WORKER_SILENT_AFTER.total_seconds()
    if last is not None and not worker_silent:
        if cache.add(recompute_lock(name, filters), 1, RECOMPUTE_LOCK_SECONDS):
            cache.add(queued, filters.now.timestamp(), LAST_PART_SECONDS)
            try:
                recompute_figures.delay(name, filters.team.pk if filters.team else None, filters.period)
            except Exception:  # noqa: BLE001 - no broker to hand it to: this viewer computes it instead
                logger.warning("Could not queue the dashboard's refresh; computing it in the request.", exc_info=True)
                return refresh(name, filters), True
            data = cache.get(last_key)  # already there when the task ran in this process
            if data is not None and data["version"] == data_version():
                return data, True
        return last, False
    return refresh(name, filters), True


def refresh(name: str, filters: Filters) -> dict:
    """Compute a shared part and keep it with the data version read before computing: a change made
    meanwhile leaves it stale, and the next viewer starts another refresh."""
    version = data_version()
    try:
        data = part(SHARED_PARTS[name](), filters) | {"computed_at": filters.now, "version": version}
        cache.set_many(
            {last_part_key(name, filters): data, stamp_key(name, filters): filters.now.timestamp()}, LAST_PART_SECONDS
        )
        cache.delete(queued_key(name, filters))
    finally:
        # While people keep writing, one refresh per pause for these filters, not one per write.
        pause = settings.DASHBOARD_REFRESH_SECONDS
        if pause:
            cache.set(recompute_lock(name, filters), 1, pause)
        else:
            cache.delete(recompute_lock(name, filters))
    return data


def compute(user, filters: Filters) -> dict:
    """This viewer's figures from parts computed now (nothing kept): what the dashboard shows when every part
    is fresh."""
    visibility = visibility_class(user)
    merged = part(Scope.public(), filters)
    if visibility == "all":
        merge(merged, part(Scope.every_restricted(), filters))
    elif visibility != "public":
        merge(merged, part(Scope.restricted(restricted_incidents_on(user)), filters))
    return finish.figures(merged, filters) | {"computed_at": filters.now}


def compute_directly(user, filters: Filters) -> dict:
    """The same figures computed in full from every incident the viewer may see (aggregates in the database):
    the reference the merged figures are tested against."""
    if filters.team and not enough_people(people_behind_team(user, filters)):
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
        "follow_through": follow_through_figures(user, filters),
    }


@shared_task(name="dashboard.tasks.recompute_figures")
def recompute_figures(name: str, team_id: int | None, period: str) -> None:
    """Bring one shared part of the dashboard's figures up to date after a change, while viewers get the last."""
    if name not in SHARED_PARTS:
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    refresh(name, make_filters(team, period))
