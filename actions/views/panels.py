"""The pieces other apps' pages include: the obligation panel (incident) and the action-item section (review)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from actions.forms import QuickActionItemForm
from actions.models import ActionItem
from actions.panels import obligation_context, obligation_status, review_items_context, status_items
from actions.services import tell_new_owner
from fragments.kept import VersionName, kept
from incidents.access import get_incident_for_user, incident_for_page
from postmortems.access import get_review_for_user
from web.htmx import HtmxHttpRequest, render_page, wants_fragment


@dataclass(frozen=True)
class ItemsPanel:
    """What differs between the panels that add an action item in place: whom it refuses (and how it says so), how
    the new item starts from what the page shows, the form's keyword for that, and the fields the panel leaves out."""

    refusal: str
    new_item: Callable[..., ActionItem]
    subject: str
    without: tuple[str, ...] = ()


ON_INCIDENT = ItemsPanel(
    "Responders, the facilitator and the teams involved add action items.",
    ActionItem.new_for_incident,
    "incident",
    without=("addresses",),
)
ON_REVIEW = ItemsPanel(
    "Participants, the facilitator and the teams involved add action items.", ActionItem.new_for_review, "review"
)


def _add_item(request, panel: ItemsPanel, subject, can_edit: bool):
    """A panel's inline create on POST: ``(None, 200)`` once the item is saved (its owner told), else the form
    again with what was typed and 422; a GET adds nothing. Someone who may not add items gets the panel's
    refusal (403)."""
    if request.method != "POST":
        return None, 200
    if not can_edit:
        raise PermissionDenied(panel.refusal)
    new_item = panel.new_item(subject, created_by=request.user)
    form = QuickActionItemForm(request.POST, instance=new_item, **{panel.subject: subject})
    for name in panel.without:
        form.fields.pop(name, None)
    if not form.is_valid():
        return form, 422
    tell_new_owner(form.save(), None, request.user)
    return None, 200


@require_http_methods(["GET", "POST"])
def obligation_panel(request: HtmxHttpRequest, incident_pk: int):
    """GET: the panel alone (polled to keep the countdown fresh). POST: add an action item from the panel."""
    if request.method == "GET":  # showing it, as the incident page does: the incident as kept
        access = incident_for_page(request, incident_pk)
    else:
        access = get_incident_for_user(request.user, incident_pk)
    incident = access.incident
    form, status = _add_item(request, ON_INCIDENT, incident, access.can_edit)
    if request.method == "POST" and not wants_fragment(request):
        if form is None:
            return redirect(incident)
        context = {
            "form": form,
            "incident": incident,
            "review": form.instance.review,
            "next": incident.get_absolute_url(),
        }
        return render_page(request, "actions/new.html", context, status=status)
    if request.method == "GET" and request.GET.get("part") == "status":
        return HttpResponse(obligation_poll(request, incident, with_items=request.GET.get("items") == "1"))
    context = obligation_context(incident, request.user, access.can_edit, form) | {"with_items": True}
    return render_page(request, "actions/panel.html#panel", context, status=status)


def obligation_poll(request, incident, with_items: bool) -> str:
    """What the incident page's poll asks for: the status, and with ``with_items`` the item list out of band (a
    landed fix is done). Everyone who has the page open asks every few seconds: it is kept for all of them until
    the incident, its items or its obligation change (the countdown is filled in as it is served)."""

    def render(csrf_token) -> str:
        context = obligation_status(incident) | {"with_items": with_items, "oob": with_items}
        if with_items:
            context["items"] = status_items(incident)
        return render_to_string("actions/panel.html#status", context, request)

    versions = [VersionName(f"incident:{incident.pk}"), VersionName("people")]
    return kept("obligation-poll", [*versions, with_items], request, "", render)


@require_http_methods(["GET", "POST"])
def review_action_items(request: HtmxHttpRequest, review_pk: int):
    """The review's (and meeting's) action-item section: the list and one short inline create form."""
    access = get_review_for_user(request.user, review_pk)
    review = access.review
    form, status = _add_item(request, ON_REVIEW, review, access.can_edit)
    if request.method == "POST" and form is None and not wants_fragment(request):
        return redirect(review)
    context = review_items_context(review, request.user, access.can_edit, form)
    if not wants_fragment(request) and status == 422:
        return render_page(request, "actions/review_items.html", context, status=status)
    return render_page(request, "actions/review_section.html#section", context, status=status)
