"""The review's people: who takes part, the meeting's schedule and invite, and each person's own account."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from postmortems import edits
from postmortems.access import get_review_for_user
from postmortems.forms import ParticipantsForm, PerspectiveForm, ScheduleForm, participant_choices
from postmortems.invites import meeting_invite
from postmortems.models import Perspective
from postmortems.views.access import require_facilitator, require_unpublished, review_to_change
from postmortems.views.document import visible_flags
from postmortems.views.reviews import TEMPLATE, base_context, review_context
from web.htmx import HtmxHttpRequest, render_page


def _chosen(chosen: list) -> dict:
    """The facilitator's choice, shown again in a fresh form with those people ticked."""
    return {"participants_chosen": chosen, "ticked": {person.pk for person in chosen}}


@require_POST
def review_participants(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_facilitator(access.can_facilitate)
    require_unpublished(review)
    form = ParticipantsForm(request.POST, review=review)
    if not form.is_valid():
        # Someone who is not in the directory (or a broken form): say so, with this person's choice still ticked.
        posted = set(request.POST.getlist("participants"))
        chosen = [person for person in participant_choices(review) if str(person.pk) in posted]
        context = review_context(request, access) | _chosen(chosen)
        context["participants_errors"] = [error for errors in form.errors.values() for error in errors]
        return render_page(request, TEMPLATE, context, status=422)
    chosen = list(form.cleaned_data["participants"])
    result = edits.save_participants(review, chosen, base_version=form.cleaned_data["version"])
    if result.saved:
        messages.success(request, "Participants updated.")
        return redirect(f"{review.get_absolute_url()}#participants")
    # Someone changed the list meanwhile: show theirs beside this person's choice, which stays ticked.
    access.review.participants_version = result.version
    context = review_context(request, access) | _chosen(chosen)
    context["participants_conflict"] = result.current["participants"]
    return render_page(request, TEMPLATE, context, status=409)


@require_http_methods(["GET", "POST"])
def review_schedule(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_facilitator(access.can_facilitate and not review.is_published)
    form = ScheduleForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Meeting scheduled. Download the invite to send it to the participants.")
        return redirect(f"{review.get_absolute_url()}#meeting")
    return render_page(
        request,
        "postmortems/schedule.html",
        base_context(request, access) | {"form": form, "due_by": review.meeting_due_by},
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def review_invite(request: HtmxHttpRequest, pk: int):
    review, _, can_facilitate = get_review_for_user(request.user, pk)
    require_facilitator(can_facilitate)
    if not review.meeting_at:
        messages.info(request, "Schedule the meeting first; then the invite can be downloaded.")
        return redirect("review_schedule", pk=review.pk)
    url = request.build_absolute_uri(review.get_absolute_url())
    body = meeting_invite(review, url=url, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8; method=REQUEST")
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.ics"'
    return response


# --- perspectives ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_perspective(request: HtmxHttpRequest, pk: int):
    """Writing one's own account: a full page, because it needs focus."""
    access = review_to_change(
        request.user, pk, "is_participant", "Perspectives are written by the review's participants."
    )
    review = access.review
    perspective = Perspective.objects.filter(review=review, author=request.user).first()
    version = perspective.version if perspective else 0
    theirs = None
    status = 200
    if request.method == "POST":
        form = PerspectiveForm(request.POST, instance=perspective, review=review)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in Perspective.TEXT_FIELDS}
            result = edits.save_perspective(review, request.user, data, form.cleaned_data["version"])
            if result.saved:
                messages.success(
                    request,
                    "Your perspective is saved. It stays private until the facilitator opens perspectives in the meeting.",
                )
                return redirect(f"{review.get_absolute_url()}#section-perspectives")
            theirs = result.current
            data = request.POST.copy()
            data["version"] = result.version
            form = PerspectiveForm(data, instance=perspective, review=review)
            form.is_valid()
            status = 409
        else:
            status = 422
    else:
        form = PerspectiveForm(instance=perspective, review=review, initial={"version": version})
    fields = [
        (form[name], theirs.get(name) if theirs else None, visible_flags(form[name].value() or "", set()))
        for name in Perspective.TEXT_FIELDS
    ]
    return render_page(
        request,
        "postmortems/perspective.html",
        base_context(request, access) | {"form": form, "fields": fields, "conflict": theirs is not None},
        status=status,
    )
