"""What the API reads and writes. Input refuses fields it does not know, so a typo is an error, not a no-op."""

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    """An object the API shows: its team by slug, and ``url``, the link to its page."""

    @staticmethod
    def resolve_team(obj):
        return obj.team.slug if obj.team_id else None

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class IncidentOut(Out):
    id: int
    title: str
    severity: str
    status: str
    team: str = Field(description="The leading team's slug.")
    restricted: bool
    summary: str
    customer_impact: str
    impact_started_at: datetime
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    url: str


class IncidentDetailOut(IncidentOut):
    responders: list[str] = Field(description="Usernames of the people who worked on it.")
    facilitator: str | None

    @staticmethod
    def resolve_responders(obj):
        return [person.username for person in obj.responders.all()]

    @staticmethod
    def resolve_facilitator(obj):
        return obj.facilitator.username if obj.facilitator_id else None


class IncidentCreate(In):
    title: str
    severity: str = Field(description="sev1 … sev4")
    team: int = Field(description="The leading team's id (one of your teams).")
    impact_started_at: datetime = Field(description="ISO 8601; without an offset it is taken as UTC.")
    restricted: bool = False


class IncidentChange(IncidentCreate):
    """What a PATCH may change; the endpoint takes it as a ``PatchDict``, so every field is optional there."""

    status: str
    summary: str
    customer_impact: str
    detected_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    involved_teams: list[int]
    responders: list[int]
    facilitator: int | None = None


class IncidentFilters(Schema):
    q: str = ""
    team: str = Field("", description="A team's slug (leading or involved).")
    severity: str = ""
    status: str = ""
    period: str = Field("", description="7d, 30d, 90d or 365d: started within.")
    sort: str = Field("", description="oldest, severity, ttd or ttm; newest first when empty.")


class TimelineEntryOut(Schema):
    id: int
    occurred_at: datetime
    kind: str
    text: str
    link: str
    known_then: str
    missing_then: str


class TimelineEntryCreate(In):
    occurred_at: datetime
    kind: str = "observation"
    text: str
    link: str = ""
    known_then: str = ""
    missing_then: str = ""


class NearMissCreate(In):
    what_almost_happened: str
    how_caught: str
    what_could_have_happened: str = ""
    service: int | None = None
    team: int | None = None


class NearMissOut(Out):
    id: int
    what_almost_happened: str
    how_caught: str
    what_could_have_happened: str
    team: str | None
    filed_on: date
    url: str


class ReviewOut(Out):
    id: int
    title: str
    status: str
    incident: int | None = Field(alias="incident_id")
    near_miss: int | None = Field(alias="near_miss_id")
    team: str | None
    meeting_at: datetime | None
    published_at: datetime | None
    url: str


def _as_published(name: str):
    """A section as the review shows it: as published once it is (postmortems.publishing keeps it fixed)."""

    def resolve(obj):
        if obj.is_published and obj.published_snapshot:
            return obj.published_snapshot.get("sections", {}).get(name, {}).get("text", "")
        return getattr(obj, name)

    return staticmethod(resolve)


class ReviewDetailOut(ReviewOut):
    summary: str
    impact: str
    went_well: str
    got_lucky: str

    resolve_summary = _as_published("summary")
    resolve_impact = _as_published("impact")
    resolve_went_well = _as_published("went_well")
    resolve_got_lucky = _as_published("got_lucky")


class ReviewFilters(Schema):
    status: str = ""
    team: str = ""


class ActionItemOut(Out):
    id: int
    title: str
    description: str
    kind: str
    status: str
    priority: str
    owner: str | None
    team: str
    due_on: date | None
    change_url: str
    incident: int | None = Field(alias="incident_id")
    review: int | None = Field(alias="review_id")
    completed_at: datetime | None
    url: str

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.username if obj.owner_id else None


class ActionItemCreate(In):
    title: str
    kind: str = "test"
    owner: int | None = None
    team: int | None = Field(None, description="Defaults to the incident's team.")
    due_on: date | None = None
    priority: str = "medium"
    change_url: str = ""
    description: str = ""


class ActionItemChange(ActionItemCreate):
    """What a PATCH may change, its status too; taken as a ``PatchDict``, so every field is optional there."""

    team: int  # without the create's default: a change names the team it moves the item to
    status: str
    wont_do_reason: str


class ActionFilters(Schema):
    q: str = ""
    team: str = ""
    kind: str = ""
    status: str = Field("", description="Open ones when empty; a status, or all.")
    due: str = ""
    priority: str = ""
    sort: str = ""


class ObligationOut(Schema):
    incident: int = Field(alias="incident_id")
    state: str
    starts_at: datetime
    deadline: datetime
    met_at: datetime | None
    met_by: int | None = Field(alias="met_by_id")
    breached_at: datetime | None
    cancelled_at: datetime | None


class ObligationFilters(Schema):
    state: str = ""
