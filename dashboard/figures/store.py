"""Figures kept in the cache in parts, merged per viewer, each part refreshed in the background after a change.

The figures come in parts about disjoint sets of incidents (``dashboard.figures.parts``): the public
part, shared by everyone; the part of every restricted incident, shared by admins; and the part of the few
restricted incidents some people are on, shared by everyone on the same ones (their viewer class). The
shared parts cost a full pass over the data, a class's own part a few small queries.

A viewer's figures are kept under the parts they were merged from (when each was computed), current or
not. After a change every part is out of date: viewers get the figures of the last parts (those kept before
it), said to be so with the time they were computed, while one background task per part computes it again
(at most once per ``DASHBOARD_REFRESH_SECONDS`` while people keep writing); when a part is new, the figures
are merged again. So no viewer waits for a full computation: a new viewer class computes only its own small
part, and the shared parts are computed in a request only the first time ever, or when no
worker has answered for ``WORKER_SILENT_AFTER``.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from accounts.models import Team, User
from dashboard.figures import finish
from dashboard.figures.common import CACHE_SECONDS, Filters, make_filters
from dashboard.figures.parts import EVERY_RESTRICTED, PUBLIC, Scope, part
from dashboard.figures.sums import merge
from dashboard.freshness import VERSION, data_version, figures_refreshed
from fragments.kept import kept_or_made, kept_values
from fragments.versions import current
from incidents.access import restricted_incidents_on, visibility_class

logger = logging.getLogger(__name__)

# A refresh that has not finished by then (its worker died) may be started again; a viewer who finds a refresh
# queued this long ago and never done computes the part in the request (no worker is answering).
RECOMPUTE_LOCK_SECONDS = 60
# How long a first viewer waits for another's computation of a shared part (a few seconds at full size).
FIRST_PART_WAIT_SECONDS = 5
WORKER_SILENT_AFTER = timedelta(seconds=RECOMPUTE_LOCK_SECONDS)
# The last parts are kept this long, for serving while new ones are computed. A part is current while the
# data has not changed since it was computed, for as long as figures are cached (some figures depend on the
# time: what is overdue, what is breached).
LAST_PART_SECONDS = 24 * 60 * 60
SHARED_PARTS = {PUBLIC: Scope.public, EVERY_RESTRICTED: Scope.every_restricted}
# What a part says about itself, beside its figures: not merged.
ABOUT_A_PART = ("computed_at", "version", "viewers")


def filters_key(filters: Filters) -> str:
    team = filters.team.pk if filters.team else "all"
    return f"{team}:{filters.period}:{filters.today.isoformat()}"


def last_part_key(name: str, filters: Filters) -> str:
    """Where the latest part for these filters is kept, whatever the data version and the day (after midnight
    yesterday's part is served, said to be so, while today's is computed)."""
    team = filters.team.pk if filters.team else "all"
    return f"dashboard:part:{name}:{team}:{filters.period}"


def stamp_key(name: str, filters: Filters) -> str:
    """When the latest part was computed, and from which data version: names it without reading it."""
    return last_part_key(name, filters) + ":stamp"


def recompute_lock(name: str, filters: Filters) -> str:
    return last_part_key(name, filters) + ":computing"


def queued_key(name: str, filters: Filters) -> str:
    """When a refresh of the part was queued and not yet done."""
    return last_part_key(name, filters) + ":queued"


def part_names(visibility: str) -> list[str]:
    """The parts a viewer class's figures are merged from."""
    if visibility == "all":
        return [PUBLIC, EVERY_RESTRICTED]
    if visibility == "public":
        return [PUBLIC]
    return [PUBLIC, visibility]


def _stamp(data: dict) -> tuple[float, int]:
    return data["computed_at"].timestamp(), data["version"]


@dataclass(frozen=True)
class State:
    """Which parts a viewer's figures come from now, and whether each is current."""

    visibility: str
    filters: Filters
    version: int
    stamps: dict  # part name: (computed at, data version), None when there is none yet

    def is_current(self, stamp) -> bool:
        computed_at, version = stamp
        age = self.filters.now.timestamp() - computed_at
        same_day = datetime.fromtimestamp(computed_at, UTC).date() == self.filters.today
        return version == self.version and age < CACHE_SECONDS and same_day

    @property
    def missing(self) -> list[str]:
        return [name for name, stamp in self.stamps.items() if stamp is None]

    @property
    def stale(self) -> list[str]:
        return [name for name, stamp in self.stamps.items() if stamp is not None and not self.is_current(stamp)]

    @property
    def key(self) -> str | None:
        """Where the figures merged from exactly these parts are kept, current or not (None while a part is
        missing): after a change, the figures of the last parts are those kept before it."""
        if self.missing:
            return None
        parts = "+".join("{1}@{0:.6f}".format(*self.stamps[name]) for name in self.stamps)
        return f"dashboard:figures:{self.visibility}:{filters_key(self.filters)}:{parts}"

    @property
    def current_until(self) -> float | None:
        """Until when (a timestamp) figures from these parts are current, if they are now (otherwise None)."""
        if self.missing or self.stale:
            return None
        return min(computed_at for computed_at, _ in self.stamps.values()) + CACHE_SECONDS

    @property
    def computed_at(self) -> datetime | None:
        """When the oldest of these parts was computed: what the figures merged from them say of themselves."""
        if self.missing:
            return None
        return datetime.fromtimestamp(min(computed_at for computed_at, _ in self.stamps.values()), UTC)


def state_of(user, filters: Filters, request=None) -> State:
    """With the ``request``, from the versions its page read and what it read with them (``fragments.remembered``)."""
    versions = getattr(request, "versions", None) or {}
    version = versions[VERSION] if VERSION in versions else data_version()
    # The figures depend on the person only through the incidents they may see (every part starts from the
    # incidents): people who see the same ones share them.
    visibility = visibility_class(user, versions)
    names = part_names(visibility)
    found = kept_values([stamp_key(name, filters) for name in names], request)
    return State(visibility, filters, version, {name: found.get(stamp_key(name, filters)) for name in names})


def current_state(user, filters: Filters, request=None) -> State:
    """The state of this viewer's parts, after queueing a refresh of those out of date (one per part and pause)."""
    state = state_of(user, filters, request)
    if state.stale and refresh_stale(state, user):
        state = state_of(user, filters)  # a refresh may have run already (in this process): read it anew
    return state


def refresh_stale(state: State, user) -> bool:
    """Queue one background refresh of each part out of date, unless one was started within the pause; compute
    it here only when an earlier refresh has not been done for ``WORKER_SILENT_AFTER``. True if any started."""
    filters, started = state.filters, False
    queued = cache.get_many([queued_key(name, filters) for name in state.stale])
    for name in state.stale:
        queued_at = queued.get(queued_key(name, filters))
        worker_silent = (
            queued_at is not None and filters.now.timestamp() - queued_at > WORKER_SILENT_AFTER.total_seconds()
        )
        if worker_silent and cache.add(f"{queued_key(name, filters)}:in-request", 1, RECOMPUTE_LOCK_SECONDS):
            # One viewer computes it; the others meanwhile get the last figures.
            logger.warning("No worker refreshed the dashboard's %s part; computing it in the request.", name)
            refresh(name, filters, user)
            started = True
        elif cache.add(recompute_lock(name, filters), 1, RECOMPUTE_LOCK_SECONDS):
            cache.add(queued_key(name, filters), filters.now.timestamp(), LAST_PART_SECONDS)
            owner = None if name in SHARED_PARTS else user.pk
            try:
                recompute_figures.delay(name, filters.team.pk if filters.team else None, filters.period, owner)
            except Exception:  # noqa: BLE001 - no broker to hand it to: this viewer computes it instead
                logger.warning("Could not queue the dashboard's refresh; computing it in the request.", exc_info=True)
                refresh(name, filters, user)
            started = True
    return started


def dashboard_data(user, filters: Filters) -> tuple[dict, bool]:
    """Everything the dashboard shows for these filters and this viewer, and whether it is of the current data."""
    data, fresh, _ = figures_of(user, current_state(user, filters))
    return data, fresh


def figures_of(user, state: State) -> tuple[dict, bool, str | None]:
    """The figures of the parts in this state (merged once for everyone of the viewer's class), whether they
    are current, and the key they are kept under (None when they are not kept)."""
    if state.key:
        found = cache.get(state.key)
        if found is not None:
            return found, not state.stale, state.key
    filters = state.filters
    names = list(state.stamps)
    found = cache.get_many([last_part_key(name, filters) for name in names])
    parts = {name: found.get(last_part_key(name, filters)) or first_part(name, filters, user) for name in names}
    stamps = {name: _stamp(data) for name, data in parts.items()}
    merged: dict = {}
    for data in parts.values():
        merge(merged, {key: value for key, value in data.items() if key not in ABOUT_A_PART})
    kept = State(state.visibility, filters, state.version, stamps)
    fresh = not kept.stale
    computed_at = min(data["computed_at"] for data in parts.values())
    figures = finish.figures(merged, filters) | {"computed_at": computed_at}
    if any(data.get("viewers") != name for name, data in parts.items()):
        return figures, fresh, None  # the person changed class meanwhile: these figures are theirs alone
    cache.set(kept.key, figures, CACHE_SECONDS)
    return figures, fresh, kept.key


def first_part(name: str, filters: Filters, user) -> dict:
    """A part there is none of yet, computed now; when another request is computing a shared part already
    (many people opening the dashboard on a fresh cache), its result is awaited for a few seconds instead of
    computed again."""
    compute_it = lambda: refresh(name, filters, user, replacing=False)  # noqa: E731
    if name not in SHARED_PARTS:
        return compute_it()
    return kept_or_made(
        last_part_key(name, filters), LAST_PART_SECONDS, compute_it, wait_seconds=FIRST_PART_WAIT_SECONDS
    )


def refresh(name: str, filters: Filters, user=None, replacing: bool = True) -> dict:
    """Compute a part and keep it with the data version read before computing: a change made meanwhile leaves
    it out of date, and the next viewer starts another refresh. Pages showing figures from the part it
    replaces are then stale (there are none when there was no part yet)."""
    version = data_version()
    keep = True
    try:
        if name in SHARED_PARTS:
            scope, viewers = SHARED_PARTS[name](), name
        else:  # a viewer class's own part: the restricted incidents its people are on, read once for both
            versions = current(["incidents"])
            scope = Scope.restricted(restricted_incidents_on(user, versions))
            viewers = visibility_class(user, versions)
            keep = viewers == name  # unless the person has just changed class: then it is theirs alone
        data = part(scope, filters) | {"computed_at": filters.now, "version": version, "viewers": viewers}
        if keep:
            cache.set_many(
                {last_part_key(name, filters): data, stamp_key(name, filters): _stamp(data)}, LAST_PART_SECONDS
            )
            cache.delete(queued_key(name, filters))
            if replacing:
                figures_refreshed(name)
    finally:
        # While people keep writing, one refresh per pause for these filters, not one per write.
        pause = settings.DASHBOARD_REFRESH_SECONDS
        if pause:
            cache.set(recompute_lock(name, filters), 1, pause)
        else:
            cache.delete(recompute_lock(name, filters))
    return data


@shared_task(name="dashboard.tasks.recompute_figures")
def recompute_figures(name: str, team_id: int | None, period: str, user_id: int | None = None) -> None:
    """Bring one part of the dashboard's figures up to date after a change, while viewers get the last one
    (a viewer class's own part is computed for one of its people, ``user_id``)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if name not in SHARED_PARTS and user is None:
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    refresh(name, make_filters(team, period), user)
