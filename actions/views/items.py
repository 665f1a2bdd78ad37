"""Action items: the list with filters in the URL, my items, CSV export, one item edited inline, new items."""

import csv
from datetime import timedelta
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.access import get_action_item_for_user
from actions.forms import ActionFilterForm, ActionItemForm, ActionStatusForm
from actions.models import OPEN_STATUSES, ActionItem, FixObligation
from actions.services import tell_new_owner
from audit.versions import EditConflict, differences, rebase, save_if_unchanged
from fragments.conditional import conditional_page
from fragments.kept import kept_rows
from incidents.access import get_incident_for_user, list_count, list_viewers, list_viewers_fact
from web.filters import narrowed
from web.htmx import HtmxHttpRequest, render_page, wants_fragment
from web.pagination import page_context

PAGE_SIZE = 25

PRIORITY_RANK = Case(
    When(priority="high", then=Value(0)),
    When(priority="medium", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
SORTS = {
    "due": [F("due_on").asc(nulls_last=True), "pk"],
    "-due": [F("due_on").desc(nulls_last=True), "-pk"],
    "priority": [PRIORITY_RANK, F("due_on").asc(nulls_last=True), "pk"],
    "-created": ["-created_at", "-pk"],
    "title": ["title", "pk"],
    "team": ["team__name", F("due_on").asc(nulls_last=True), "pk"],
}


def filter_items(queryset, form: ActionFilterForm):
    """Apply the URL's filters; an invalid value is ignored rather than failing the page."""
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    status = data.get("status") or ""
    if status == "":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        queryset = queryset.filter(status=status)
    queryset = narrowed(queryset, data, ("team", "kind", "priority"))
    due = data.get("due")
    if due == "overdue":
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif due == "week":
        queryset = queryset.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7))
    elif due == "month":
        queryset = queryset.filter(due_on__gte=today, due_on__lte=today + timedelta(days=30))
    elif due == "none":
        queryset = queryset.filter(due_on__isnull=True)
    if data.get("q"):
        queryset = queryset.filter(Q(title__icontains=data["q"]) | Q(incident__title__icontains=data["q"]))
    return queryset.order_by(*SORTS.get(data.get("sort") or "due", SORTS["due"]))


def _visible_items(request):
    return ActionItem.objects.visible_to(request.user).select_related("owner", "team", "incident")


@require_GET
@conditional_page(
    lambda request: ["actions", "incidents", "reviews"], own=lambda request: [list_viewers_fact(request, "actions")]
)
def action_list(request: HtmxHttpRequest):
    # Built once, and only when no kept fragment serves the filters or the rows (its fields cost a deep copy each);
    # the template calls it as it calls any callable.
    form = cache(lambda: ActionFilterForm(request.GET))
    # Everyone who sees the same items here shares the kept page (filters, page), its count and its rows.
    versions = ["actions", "incidents"]
    viewers = list_viewers(
        request,
        "actions",
        versions,
        lambda ids: filter_items(ActionItem.objects.filter(incident__in=ids), form()).count(),
    )

    @cache
    def visible():  # built only when no kept page serves the request, and once for its count and its page
        return filter_items(ActionItem.objects.visible_to(request.user), form())

    context = {
        "form": form,
        **page_context(
            request,
            lambda: visible().values_list("pk", "incident_id", "review_id"),
            PAGE_SIZE,
            count=lambda: list_count(request, "actions", versions, viewers, lambda: visible().count()),
        ),
        # Asked only when no kept fragment serves the results (their empty state reads differently when filtered).
        "filtered": lambda: any(request.GET.get(name) for name in ActionFilterForm.base_fields),
        "viewers": viewers.name,
    }
    context["rows"] = SimpleLazyObject(lambda: _list_rows(request, context["page"].object_list))
    return render_page(request, "actions/list.html", context, partial="results")


def _list_rows(request, items) -> list:
    """Each item's row, kept for everyone: an item's change raises its incident's (or review's) version."""
    row = get_template("actions/includes/list_row.html")
    today = timezone.localdate()
    return kept_rows(
        "action-row",
        [
            (pk, [f"incident:{incident_id}" if incident_id else f"review:{review_id}", "people"])
            for pk, incident_id, review_id in items
        ],
        request,
        lambda missing: ActionItem.objects.select_related("owner", "team", "incident").in_bulk(missing),
        lambda item: row.render({"item": item, "today": today}),
    )


@require_GET
def action_export(request: HtmxHttpRequest):
    """The filtered list as CSV (all pages), for spreadsheets and planning."""
    items = filter_items(_visible_items(request), ActionFilterForm(request.GET))
    today = timezone.localdate()

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    header = ["id", "title", "kind", "status", "priority", "team", "owner", "due date", "overdue", "incident",
              "link to the change", "why we won't do it", "created"]  # fmt: skip

    def rows():
        yield writer.writerow(header)
        for item in items.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    item.pk,
                    _cell(item.title),
                    item.get_kind_display(),
                    item.get_status_display(),
                    item.get_priority_display(),
                    _cell(item.team.name),
                    _cell(item.owner.name if item.owner else ""),
                    item.due_on.isoformat() if item.due_on else "",
                    "yes" if item.is_overdue(today) else "no",
                    _cell(item.incident.title if item.incident else ""),
                    _cell(item.change_url),
                    _cell(item.wont_do_reason),
                    timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M %Z"),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="action-items-{today.isoformat()}.csv"'
    return response


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_GET
def my_action_items(request: HtmxHttpRequest):
    """One's own follow-up work: the only per-person view the product has."""
    mine = ActionItem.objects.visible_to(request.user).filter(owner=request.user).select_related("team", "incident")
    today = timezone.localdate()
    open_items = list(mine.filter(status__in=OPEN_STATUSES).order_by(F("due_on").asc(nulls_last=True), "pk"))
    recently_done = list(
        mine.exclude(status__in=OPEN_STATUSES)
        .filter(completed_at__gte=timezone.now() - timedelta(days=30))
        .order_by("-completed_at")[:10]
    )
    context = {
        "overdue": [item for item in open_items if item.is_overdue(today)],
        "upcoming": [item for item in open_items if not item.is_overdue(today)],
        "recently_done": recently_done,
        "today": today,
    }
    return render_page(request, "actions/mine.html", context)


def _detail_context(item, can_edit, form=None, status_form=None, editing=False):
    obligation = FixObligation.objects.filter(incident_id=item.incident_id).select_related("met_by").first()
    return {
        "item": item,
        "can_edit": can_edit,
        "form": form or ActionItemForm(instance=item),
        "status_form": status_form or ActionStatusForm(instance=item),
        "editing": editing,
        "addresses": list(item.addresses.select_related("category")),
        "obligation": obligation,
        "today": timezone.localdate(),
    }


@require_GET
def action_detail(request: HtmxHttpRequest, pk: int):
    access = get_action_item_for_user(request.user, pk)
    editing = access.can_edit and request.GET.get("edit") == "1"
    context = _detail_context(access.item, access.can_edit, editing=editing)
    return render_page(request, "actions/detail.html", context, partial="item")


@require_POST
def action_edit(request: HtmxHttpRequest, pk: int):
    access = get_action_item_for_user(request.user, pk).for_editing()
    previous_owner_id = access.item.owner_id
    form = ActionItemForm(request.POST, instance=access.item)
    conflict = None
    if form.is_valid():
        try:
            item = save_if_unchanged(form)
        except EditConflict as stale:
            conflict = differences(form, stale.current)
            form = rebase(ActionItemForm, request.POST, stale.current)
        else:
            tell_new_owner(item, previous_owner_id, request.user)
            if wants_fragment(request):
                return render_page(request, "actions/detail.html", _detail_context(item, True), partial="item")
            messages.success(request, "Saved.")
            return redirect(item)
    context = _detail_context(form.instance, True, form=form, editing=True) | {
        "conflict": conflict,
        "conflict_what": "this action item",
    }
    status = 409 if conflict is not None else 422
    return render_page(request, "actions/detail.html", context, partial="item", status=status)


@require_POST
def action_status(request: HtmxHttpRequest, pk: int):
    access = get_action_item_for_user(request.user, pk).for_editing()
    form = ActionStatusForm(request.POST, instance=access.item)
    if form.is_valid():
        item = form.save()
        if wants_fragment(request):
            return render_page(request, "actions/detail.html", _detail_context(item, True), partial="item")
        messages.success(request, f"Marked as {item.get_status_display().lower()}.")
        return redirect(item)
    access.item.status = ActionItem.objects.values_list("status", flat=True).get(pk=pk)
    context = _detail_context(access.item, True, status_form=form)
    return render_page(request, "actions/detail.html", context, partial="item", status=422)


@require_http_methods(["GET", "POST"])
def action_new(request: HtmxHttpRequest, incident_pk: int):
    """The full-page form for a new action item of an incident (the inline forms post here without JS too)."""
    access = get_incident_for_user(request.user, incident_pk)
    if not access.can_edit:
        raise PermissionDenied("Responders, the facilitator and the teams involved add action items.")
    incident = access.incident
    review = getattr(incident, "review", None)
    instance = ActionItem(incident=incident, review=review, team=incident.team, created_by=request.user)
    if request.method == "POST":
        form = ActionItemForm(request.POST, instance=instance, review=review, incident=incident)
        if form.is_valid():
            item = form.save()
            tell_new_owner(item, None, request.user)
            messages.success(request, f"Added “{item.title}”.")
            return redirect(request.POST.get("next") if _safe_next(request) else item)
        status = 422
    else:
        form = ActionItemForm(instance=instance, review=review, incident=incident, initial={"owner": request.user.pk})
        status = 200
    context = {"form": form, "incident": incident, "review": review, "next": _safe_next(request)}
    return render_page(request, "actions/new.html", context, status=status)


def _safe_next(request) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if value.startswith("/") and not value.startswith("//") else ""
