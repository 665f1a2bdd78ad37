"""Rules for changing incidents, timelines and near misses, kept out of the views."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.privacy import leaving_no_trace
from audit.registry import record_created
from fragments.versions import bump
from incidents.models import EntryKind, Incident, IncidentLink, NearMiss, NearMissThanks, TimelineEntry
from incidents.signals import near_miss_thanked


def create_incident(*, created_by, **fields) -> Incident:
    """Open an incident; whoever opens it is its first responder (so a restricted one stays visible to them)."""
    with transaction.atomic():
        incident = Incident.objects.create(created_by=created_by, **fields)
        incident.responders.add(created_by)
    return incident


class TimelineEditConflict(Exception):
    """The entry changed since the editor opened it."""

    def __init__(self, current: TimelineEntry):
        super().__init__("The entry changed since it was opened.")
        self.current = current


def update_timeline_entry(entry: TimelineEntry, changes: dict, *, expected_version: int | None) -> TimelineEntry:
    """Apply an edit unless someone else saved the entry since ``expected_version`` was read.

    The row is locked while comparing versions, so two editors cannot both win; ``save`` raises the version.
    """
    with transaction.atomic():
        current = TimelineEntry.objects.select_for_update().get(pk=entry.pk)
        if expected_version is not None and current.version != expected_version:
            raise TimelineEditConflict(current)
        for name, value in changes.items():
            setattr(current, name, value)
        if current.kind != EntryKind.DECISION:
            current.known_then = current.missing_then = ""
        current.save()
    return current


@dataclass(frozen=True)
class ImportedRow:
    occurred_at: datetime
    kind: str
    text: str


def import_timeline_entries(incident: Incident, rows: Iterable[ImportedRow], *, author) -> list[TimelineEntry]:
    """Create the entries a person kept from a transcript preview, in one transaction."""
    entries = [
        TimelineEntry(incident=incident, occurred_at=row.occurred_at, kind=row.kind, text=row.text, author=author)
        for row in rows
    ]
    created = TimelineEntry.objects.bulk_create(entries)
    record_created(created)  # bulk_create sends no signals; the audit trail still hears of them
    bump(f"incident:{incident.pk}", f"timeline:{incident.pk}")
    return created


class LinkRefused(Exception):
    pass


def link_incidents(incident: Incident, other: Incident, *, note: str = "") -> IncidentLink:
    """Record "same class of failure" between two incidents.

    Links always point from the later incident to the earlier one, so a pair is stored once whichever
    page it was made from.
    """
    if incident.pk == other.pk:
        raise LinkRefused("An incident cannot be related to itself.")
    later, earlier = sorted([incident, other], key=lambda i: (i.impact_started_at, i.pk), reverse=True)
    if IncidentLink.objects.filter(from_incident=later, to_incident=earlier).exists():
        raise LinkRefused("These incidents are already linked.")
    return IncidentLink.objects.create(from_incident=later, to_incident=earlier, note=note)


# Anonymous reports are numbered at random from here (below 2**53, so any JSON reader keeps them exact);
# named ones take the next number of the sequence, far below.
ANONYMOUS_NUMBERS_FROM = 2**52


def file_near_miss(near_miss: NearMiss, *, reporter=None) -> NearMiss:
    """Save a near-miss report. With no ``reporter`` nothing about who filed it is kept: only the day,
    and the report waits for the next hourly release (``release_anonymous_near_misses``)."""
    near_miss.reporter = reporter
    near_miss.filed_on = timezone.now().date()  # the UTC day: the filer's own zone would be a trace
    near_miss.thanks_count = 0
    near_miss.awaiting_release = reporter is None
    if reporter is None:
        # A number drawn at random, not the next in sequence: the next one would tell which named
        # reports were filed just before and just after it.
        near_miss.pk = ANONYMOUS_NUMBERS_FROM + secrets.randbelow(ANONYMOUS_NUMBERS_FROM)
        with leaving_no_trace():
            near_miss.save(force_insert=True)
    else:
        near_miss.save()
    return near_miss


def release_anonymous_near_misses() -> None:
    """Make every anonymous report filed since the last release visible, all at once (hourly).

    Returns nothing and logs nothing: how many went out at which moment is itself a trace.
    """
    NearMiss.all_objects.filter(awaiting_release=True).update(awaiting_release=False)
    bump("near-misses", "dashboard")  # the near-miss pages and the dashboard's figures count them now


def thank_near_miss(near_miss: NearMiss, user) -> bool:
    """Thank a report once per person; True when this is a new thanks.

    A named reporter hears about it through the ``near_miss_thanked`` signal; their own thanks does not count.
    """
    if near_miss.reporter_id == user.pk:
        return False
    try:
        with transaction.atomic():
            NearMissThanks.objects.create(near_miss=near_miss, user=user)
            NearMiss.objects.filter(pk=near_miss.pk).update(thanks_count=F("thanks_count") + 1)
            bump("near-misses")
    except IntegrityError:
        return False
    near_miss.refresh_from_db(fields=["thanks_count"])
    if near_miss.reporter_id is not None:
        transaction.on_commit(
            lambda: near_miss_thanked.send(sender=NearMiss, near_miss=near_miss, thanked_by=user), robust=True
        )
    return True
