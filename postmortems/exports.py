"""A published review as one Markdown document: whole, or anonymised for training material.

The document is built from the snapshot kept at publishing (so it shows what was published), with
the dated amendments made since and the follow-up that other apps add (the actions app adds the
action items with their state, owner role and links). File names carry the incident's number,
never its title, which may name people or customers.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from accounts.templatetags.timefmt import when
from postmortems.anonymising import Anonymiser, clock_times_relative_to, people_of, relative_time
from postmortems.models import Review
from postmortems.publishing import INCIDENT_FACTS, snapshot_of


@dataclass(frozen=True)
class ExportSection:
    """A part of the document another app adds: a heading and its Markdown lines."""

    heading: str
    lines: list[str]


# Each takes (review, moment) and returns ExportSections; ``moment`` formats a datetime for this export.
EXPORT_SECTIONS: list[Callable] = []


def register_export_section(provider: Callable) -> None:
    """Add a part every export of a review carries (the actions app adds the action items)."""
    if provider not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(provider)


def export_filename(review: Review, *, anonymised: bool = False) -> str:
    """``incident-42-review.md``: the number, never the title."""
    subject = f"incident-{review.incident_id}" if review.incident_id else f"near-miss-{review.near_miss_id}"
    return f"{subject}-review{'-anonymised' if anonymised else ''}.md"


def _detection(snapshot: dict):
    incident = snapshot.get("incident") or {}
    value = incident.get("detected_at") or incident.get("impact_started_at")
    return parse_datetime(value) if value else None


def export_markdown(review: Review, *, anonymised: bool = False) -> str:
    """The published review as Markdown; anonymised, people become roles and clock times "T+14 min"."""
    # Reviews published before snapshots were kept are exported as they stand.
    snapshot = review.published_snapshot or snapshot_of(review)
    reference = _detection(snapshot)
    if anonymised:

        def moment(value) -> str:
            value = parse_datetime(value) if isinstance(value, str) else value
            if not value:
                return ""
            return relative_time(value, reference) if reference else "[a time]"

        times = clock_times_relative_to(reference)
    else:

        def moment(value) -> str:
            value = parse_datetime(value) if isinstance(value, str) else value
            return when(value) if value else ""

        def times(text: str) -> str:
            return text

    lines = [f"# {snapshot.get('title', review.title)}", ""]
    incident = snapshot.get("incident")
    if incident:
        lines.append(f"- Incident: #{incident['number']}")
        lines.append(f"- Severity: {incident['severity_label']}")
        for name in ("impact_started_at", "detected_at", "mitigated_at", "resolved_at"):
            if incident.get(name):
                lines.append(f"- {INCIDENT_FACTS[name]}: {moment(incident[name])}")
    elif snapshot.get("near_miss"):
        near_miss = snapshot["near_miss"]
        lines.append(f"- A near miss (#{near_miss['number']}), filed {near_miss['filed_on']}")
    if snapshot.get("team"):
        lines.append(f"- Team: {snapshot['team']}")
    if snapshot.get("facilitator"):
        lines.append(f"- Facilitator: {snapshot['facilitator']}")
    if snapshot.get("participants"):
        lines.append(f"- Participants: {', '.join(p['name'] for p in snapshot['participants'])}")
    if review.published_at and not anonymised:
        lines.append(f"- Published: {review.published_at:%-d %b %Y}")
    lines.append("")

    sections = snapshot.get("sections", {})

    def section(name: str) -> None:
        part = sections.get(name, {})
        lines.extend([f"## {part.get('heading', name)}", "", times(part.get("text") or "(not written)"), ""])

    section("summary")
    section("impact")
    if snapshot.get("timeline"):
        lines += ["## Timeline", ""]
        for entry in snapshot["timeline"]:
            lines.append(f"- **{moment(entry['occurred_at'])}** ({entry['kind_label']}): {times(entry['text'])}")
            if entry.get("known_then"):
                lines.append(f"  - Known then: {times(entry['known_then'])}")
            if entry.get("missing_then"):
                lines.append(f"  - Missing then: {times(entry['missing_then'])}")
        lines.append("")
    if snapshot.get("perspectives"):
        lines += ["## Perspectives", ""]
        for perspective in snapshot["perspectives"]:
            lines += [f"### {perspective['author']}", ""]
            for name, label in (
                ("saw", "What I saw."),
                ("knew", "What I knew."),
                ("assumed", "What I assumed."),
                ("pressure", "What pressure I was under."),
            ):
                if perspective.get(name):
                    lines += [f"**{label}** {times(perspective[name])}", ""]
    lines += ["## Contributing factors", ""]
    entry_times = {entry["id"]: entry["occurred_at"] for entry in snapshot.get("timeline", [])}
    for number, factor in enumerate(snapshot.get("factors", []), start=1):
        where = f", {factor['service']}" if factor.get("service") else ""
        seen = [moment(entry_times[pk]) for pk in factor.get("timeline", []) if pk in entry_times]
        seen_text = f" (timeline: {', '.join(seen)})" if seen else ""
        lines.append(
            f"{number}. **{factor['category']}** ({factor['depth_label'].lower()}{where}): "
            f"{times(factor['description'])}{seen_text}"
        )
    if not snapshot.get("factors"):
        lines.append("(none recorded)")
    lines.append("")
    section("went_well")
    section("got_lucky")
    lines += ["## Improvement opportunities", ""]
    lines += [f"- {times(question)}" for question in snapshot.get("opportunities", [])] or ["(none recorded)"]
    lines.append("")
    for provider in EXPORT_SECTIONS:
        for part in provider(review, moment):
            lines += [f"## {part.heading}", "", *(times(line) for line in part.lines), ""]
    amendments = list(review.amendments.all())
    if amendments:
        lines += ["## Amendments since publishing", ""]
        lines += [f"- {a.made_at:%-d %b %Y}: {times(a.change)}" for a in amendments]
        lines.append("")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    if anonymised:
        text = Anonymiser(people_of(review), facilitator_key=snapshot.get("facilitator_id"))(text)
    return text
