"""The API's endpoints: each reaches objects through the same access helpers and forms as the pages."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import PatchDict, Query, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from accounts.models import Team
from actions.access import get_action_item_for_user
from actions.forms import ActionFilterForm, ActionItemForm, ActionStatusForm
from actions.models import ActionItem, FixObligation
from actions.services import tell_new_owner
from actions.views.items import filter_items
from api import schemas
from api.core import FormErrors, api, require_write
from incidents.access import get_incident_for_user
from incidents.forms import IncidentCreateForm, IncidentEditForm, IncidentFilterForm, NearMissForm, TimelineEntryForm
from incidents.models import Incident, TimelineEntry
from incidents.services import create_incident, file_near_miss
from incidents.views.incidents import filtered_incidents
from postmortems.access import get_review_for_user
from postmortems.models import Review


class Page(LimitOffsetPagination):
    def __init__(self, **kwargs):
        super().__init__(max_limit=100, **kwargs)


def valid(form):
    if not form.is_valid():
        raise FormErrors(form)
    return form


def filters_form(form_class, filters):
    """A list's filters through the page's own filter form; a value it does not know is a 422 here."""
    return valid(form_class({name: value for name, value in filters.dict().items() if value}))


def current_values(instance, fields) -> dict:
    """The object as a form would show it, so a PATCH changes only what it names."""
    data = model_to_dict(instance, fields=fields)
    for name, value in data.items():
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
    return data


def save_changes(form_class, instance, changes: dict, fields=None, **form_kwargs):
    """Save what a PATCH sends through the page's form; what it leaves out keeps its value (of ``fields``,
    by default the form's own; a form field left out of ``fields`` is not offered)."""
    fields = fields or form_class.Meta.fields
    form = form_class(current_values(instance, fields) | changes, instance=instance, **form_kwargs)
    for name in set(form_class.Meta.fields) - set(fields):
        form.fields.pop(name, None)
    return valid(form).save()


def incident_to_change(request, incident_id: int):
    """The incident a write changes: a read-only token is refused before anything is read, someone who may not see
    the incident gets 404, and someone who may only read it 403."""
    require_write(request)
    access = get_incident_for_user(request.user, incident_id)
    if not access.can_edit:
        raise PermissionDenied("You may read this incident but not change it.")
    return access.incident


def action_item_to_change(request, item_id: int):
    """The action item a write changes, refused as ``incident_to_change`` refuses (with the item page's reason)."""
    require_write(request)
    return get_action_item_for_user(request.user, item_id).for_editing().item


# --- incidents ----------------------------------------------------------------------------
incidents = Router(tags=["incidents"])


@incidents.get("/incidents", response=list[schemas.IncidentOut], url_name="incidents")
@paginate(Page)
def list_incidents(request, filters: Query[schemas.IncidentFilters]):
    """Incidents you may see, newest first; restricted ones only when you are on them."""
    return filtered_incidents(request.user, filters_form(IncidentFilterForm, filters))


@incidents.post("/incidents", response={201: schemas.IncidentDetailOut}, url_name="incidents")
def open_incident(request, payload: schemas.IncidentCreate):
    """Open an incident; you become its first responder."""
    require_write(request)
    form = valid(IncidentCreateForm(payload.dict(), user=request.user))
    incident = create_incident(created_by=request.user, **form.cleaned_data)
    return Status(201, get_incident(request, incident.pk))


@incidents.get("/incidents/{int:incident_id}", response=schemas.IncidentDetailOut, url_name="incident")
def get_incident(request, incident_id: int):
    return get_incident_for_user(request.user, incident_id).incident


@incidents.patch("/incidents/{int:incident_id}", response=schemas.IncidentDetailOut, url_name="incident")
def change_incident(request, incident_id: int, payload: PatchDict[schemas.IncidentChange]):
    """Change the fields you send; the others stay. The same rules as the edit page apply."""
    save_changes(IncidentEditForm, incident_to_change(request, incident_id), payload, user=request.user)
    return get_incident(request, incident_id)


@incidents.get(
    "/incidents/{int:incident_id}/timeline", response=list[schemas.TimelineEntryOut], url_name="incident_timeline"
)
@paginate(Page)
def list_timeline(request, incident_id: int):
    """The incident's timeline in the order things happened."""
    return get_incident_for_user(request.user, incident_id).incident.timeline.order_by("occurred_at", "pk")


@incidents.post(
    "/incidents/{int:incident_id}/timeline", response={201: schemas.TimelineEntryOut}, url_name="incident_timeline"
)
def add_timeline_entry(request, incident_id: int, payload: schemas.TimelineEntryCreate):
    """Add a fact to the timeline (decisions may say what was known and what was missing then)."""
    incident = incident_to_change(request, incident_id)
    form = valid(TimelineEntryForm(payload.dict(), instance=TimelineEntry(incident=incident)))
    entry = form.save(commit=False)
    entry.author = request.user
    entry.save()
    entry.refresh_from_db()
    return Status(201, entry)


# --- near misses -------------------------------------------------------------------------
near_misses = Router(tags=["near misses"])


@near_misses.post("/near-misses", response={201: schemas.NearMissOut}, url_name="near_misses")
def file_named_near_miss(request, payload: schemas.NearMissCreate):
    """File a near miss under your name. Anonymous filing is offered only in the browser and the chat app,
    where nothing about the reporter is kept; a token always names its person."""
    require_write(request)
    form = valid(NearMissForm(payload.dict()))
    return Status(201, file_near_miss(form.save(commit=False), reporter=request.user))


# --- reviews ------------------------------------------------------------------------------
reviews = Router(tags=["reviews"])


@reviews.get("/reviews", response=list[schemas.ReviewOut], url_name="reviews")
@paginate(Page)
def list_reviews(request, filters: Query[schemas.ReviewFilters]):
    queryset = Review.objects.visible_to(request.user).select_related("team").order_by("-created_at", "-pk")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.team:
        queryset = queryset.filter(team=get_object_or_404(Team, slug=filters.team))
    return queryset


@reviews.get("/reviews/{int:review_id}", response=schemas.ReviewDetailOut, url_name="review")
def get_review(request, review_id: int):
    return get_review_for_user(request.user, review_id).review


# --- action items and obligations ----------------------------------------------------------
actions = Router(tags=["action items"])


@actions.get("/action-items", response=list[schemas.ActionItemOut], url_name="action_items")
@paginate(Page)
def list_action_items(request, filters: Query[schemas.ActionFilters]):
    """Action items of incidents you may see; open ones unless you ask for a status (or ``all``)."""
    queryset = ActionItem.objects.visible_to(request.user).select_related("owner", "team")
    return filter_items(queryset, filters_form(ActionFilterForm, filters))


@actions.get(
    "/incidents/{int:incident_id}/action-items", response=list[schemas.ActionItemOut], url_name="incident_action_items"
)
@paginate(Page)
def list_incident_action_items(request, incident_id: int):
    """The incident's action items, whatever their status."""
    incident = get_incident_for_user(request.user, incident_id).incident
    return incident.action_items.select_related("owner", "team").order_by("pk")


@actions.post(
    "/incidents/{int:incident_id}/action-items", response={201: schemas.ActionItemOut}, url_name="incident_action_items"
)
def add_action_item(request, incident_id: int, payload: schemas.ActionItemCreate):
    """Add an action item to an incident. An appeal to attention ("be more careful") is refused with why."""
    incident = incident_to_change(request, incident_id)
    instance = ActionItem.new_for_incident(incident, created_by=request.user)
    data = payload.dict()
    data["team"] = data["team"] or incident.team_id
    item = valid(ActionItemForm(data, instance=instance, review=instance.review, incident=incident)).save()
    tell_new_owner(item, None, request.user)
    return Status(201, get_action_item(request, item.pk))


@actions.get("/action-items/{int:item_id}", response=schemas.ActionItemOut, url_name="action_item")
def get_action_item(request, item_id: int):
    return get_action_item_for_user(request.user, item_id).item


@actions.patch("/action-items/{int:item_id}", response=schemas.ActionItemOut, url_name="action_item")
def change_action_item(request, item_id: int, payload: PatchDict[schemas.ActionItemChange]):
    """Change the fields you send; ``status`` (and ``wont_do_reason``) as on the item's page."""
    item = action_item_to_change(request, item_id)
    changes = dict(payload)
    status_changes = {name: changes.pop(name) for name in ("status", "wont_do_reason") if name in changes}
    previous_owner_id = item.owner_id
    with transaction.atomic():
        if changes:
            fields = [name for name in ActionItemForm.Meta.fields if name != "addresses"]
            item = save_changes(ActionItemForm, item, changes, fields)
        if status_changes:
            item = save_changes(ActionStatusForm, item, status_changes)
    tell_new_owner(item, previous_owner_id, request.user)
    return get_action_item(request, item_id)


@actions.get("/obligations", response=list[schemas.ObligationOut], url_name="obligations")
@paginate(Page)
def list_obligations(request, filters: Query[schemas.ObligationFilters]):
    """The 48-hour systemic-fix obligation of each incident you may see, soonest deadline first."""
    queryset = FixObligation.objects.filter(incident__in=Incident.objects.visible_to(request.user).values("pk"))
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    return queryset.order_by("deadline", "pk")


@actions.get("/incidents/{int:incident_id}/obligation", response=schemas.ObligationOut, url_name="incident_obligation")
def get_obligation(request, incident_id: int):
    incident = get_incident_for_user(request.user, incident_id).incident
    try:
        return incident.fix_obligation
    except FixObligation.DoesNotExist:
        raise Http404("This incident owes no systemic fix (yet): it is not mitigated.") from None


api.add_router("/v1", incidents)
api.add_router("/v1", near_misses)
api.add_router("/v1", reviews)
api.add_router("/v1", actions)
