"""The review page: the document section by section, edited in place, with the language guide beside it.

The review's people are in ``people``, moving it on (meeting, publishing, feedback) in ``workflow``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from fragments.conditional import conditional_page
from fragments.kept import versions_of
from fragments.lazy import once
from incidents.access import get_incident_for_user
from incidents.models import NearMiss
from postmortems import edits, lifecycle, publishing
from postmortems.access import get_review_for_user, review_for_page
from postmortems.feedback import feedback_summary
from postmortems.forms import (
    FactorForm,
    FeedbackForm,
    OpportunityForm,
    SectionForm,
    participant_choices,
)
from postmortems.models import SECTION_TEXTS, ReviewFeedback
from postmortems.views.access import require_edit, require_facilitator
from postmortems.views.document import (
    edit_form,
    factors_with_flags,
    incident_versions,
    opportunities_with_flags,
    page_versions,
    section_view,
    timeline_with_flags,
)
from postmortems.views.language import live_notes
from postmortems.views.timeline_rows import timeline_rows
from web.htmx import HtmxHttpRequest, render_page, wants_fragment

TEMPLATE = "postmortems/detail.html"


def base_context(request, access) -> dict:
    review = access.review
    return {
        "review": review,
        "can_edit": access.can_edit,
        "can_facilitate": access.can_facilitate,
        "is_participant": access.is_participant,
        # What the language notes partial asks of a live check; said here, as a missing name costs an exception.
        "checked": False,
        "unchecked": False,
    }


def review_context(request, access, *, editing: dict | None = None) -> dict:
    """Everything the review page shows; ``editing`` maps a section name to (form, theirs)."""
    review = access.review
    user = request.user
    editing = editing or {}
    edit_name = request.GET.get("edit")
    if access.can_edit and edit_name in SECTION_TEXTS and edit_name not in editing:
        editing[edit_name] = (edit_form(review, edit_name), None)
    # The document's parts are computed only when their shared fragment is rendered afresh.
    dismissed = once(access.dismissed_keys)

    def sections():
        return {
            name: section_view(review, name, dismissed(), *editing.get(name, (None, None))) for name in SECTION_TEXTS
        }

    def factors():
        return factors_with_flags(review, dismissed())

    timeline = once(lambda: timeline_with_flags(review, dismissed()))
    if review.is_published and review.published_snapshot:
        # People as the published review named them: a later change of name or list does not reach it.
        perspectives = once(publishing.published_perspectives, review)
        participants = once(publishing.published_participants, review)
        facilitator = once(publishing.published_facilitator, review)
    else:
        perspectives = once(edits.perspectives_for, review, user)
        participants = once(
            list, review.participants.only(*User.NAME_FIELDS) if access.participant_ids != frozenset() else []
        )
        facilitator = once(lambda: review.facilitator)
    context = base_context(request, access) | {
        "sections": once(sections),
        "editing_sections": bool(editing),
        "timeline": timeline,
        "timeline_rows": once(lambda: timeline_rows(timeline())),
        "factors": once(factors),
        "opportunities": once(lambda: opportunities_with_flags(review, dismissed())),
        "perspectives": perspectives,
        "my_perspective": once(my_perspective, access, user, perspectives),
        "perspective_count": (
            len(access.perspective_authors)
            if access.perspective_authors is not None
            else once(review.perspectives.count)
        ),
        "participant_count": (
            len(access.participant_ids)
            if access.participant_ids is not None and not (review.is_published and review.published_snapshot)
            else once(lambda: len(participants()))
        ),
        "participants": participants,
        "facilitator": facilitator,
        "review_title": review.published_snapshot.get("title", review.title) if review.is_published else review.title,
        # Empty forms are the same for every editor (the CSRF token aside): kept, built only when rendered afresh.
        "factor_form": once(FactorForm, review=review, prefix="factor") if access.can_edit else None,
        "opportunity_form": once(OpportunityForm, prefix="opportunity") if access.can_edit else None,
        "fresh_forms": False,
        "edit_factor": _int(request.GET.get("edit_factor")),
        "feedback_form": None,
        "feedback_summary": None,
        "agenda": review.agenda,
        # Everyone who may take part, for the facilitator's form: kept for every facilitator, read only when rendered.
        "directory": (
            once(lambda: list(participant_choices(review))) if access.can_facilitate and not review.is_published else []
        ),
        "participants_chosen": None,  # a facilitator's choice, when a save answers with it (the form then fresh)
        "ticked": once(lambda: {person.pk for person in participants()}),  # who the form shows as taking part
    }
    if review.is_published:
        context["amendments"] = once(list, review.amendments.all())
        # The facts as published; a later change shows among the amendments.
        context["published_incident"] = review.published_snapshot.get("incident")
        # Feedback is asked of participants only (and a published review's participants no longer change).
        given = access.is_participant and ReviewFeedback.objects.filter(review=review, author=user).exists()
        context["feedback_given"] = given
        if access.is_participant and not given:
            context["feedback_form"] = FeedbackForm(prefix="feedback")
        if access.can_facilitate:
            context["feedback_summary"] = feedback_summary(review)
    if context["edit_factor"]:
        context["factors"] = context["factors"]()
        for factor in context["factors"]:
            if factor.pk == context["edit_factor"]:
                factor.form = factor_edit_form(review, factor)
    return context


def my_perspective(access, user, perspectives):
    """This person's own perspective, read only when they have written one (when the page knows who has)."""
    if access.perspective_authors is not None and user.pk not in access.perspective_authors:
        return None
    return next((p for p in perspectives() if p.author_id == user.pk), None)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def factor_edit_form(review, factor, data=None):
    return FactorForm(
        data,
        instance=factor,
        review=review,
        prefix=f"factor-{factor.pk}",
        initial={"version": factor.version},
    )


@require_GET
@conditional_page(lambda request, pk: page_versions(pk), clock_seconds=60)
def review_detail(request: HtmxHttpRequest, pk: int):
    access = review_for_page(request, pk)
    versions_of(incident_versions(access.review), request)  # read at once, not one round trip per piece
    return render_page(request, TEMPLATE, review_context(request, access))


@require_POST
def review_start(request: HtmxHttpRequest, incident_pk: int):
    incident_access = get_incident_for_user(request.user, incident_pk)
    if not incident_access.can_edit:
        raise PermissionDenied("Only the people involved in this incident can start its review.")
    review = lifecycle.start_review(by=request.user, incident=incident_access.incident)
    if review.facilitator_id == request.user.pk:
        messages.success(request, "The review is open. Invite the participants and schedule the meeting.")
    elif review.facilitator_id is None:
        messages.success(
            request, "The review is open. We asked the team's facilitators to run it, by inbox, e-mail and chat."
        )
    return redirect(review)


@require_POST
def review_start_near_miss(request: HtmxHttpRequest, near_miss_pk: int):
    near_miss = get_object_or_404(NearMiss, pk=near_miss_pk)
    if not (request.user.is_org_admin or near_miss.team_id in request.user.team_ids):
        raise PermissionDenied("Only the near miss's team can turn it into a review.")
    review = lifecycle.start_review(by=request.user, near_miss=near_miss)
    return redirect(review)


@require_POST
def review_take_on(request: HtmxHttpRequest, pk: int):
    review, _, can_facilitate = get_review_for_user(request.user, pk)
    require_facilitator(can_facilitate)
    lifecycle.take_on_review(review, request.user)
    messages.success(request, "You are facilitating this review.")
    return redirect(review)


# --- section texts -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_section(request: HtmxHttpRequest, pk: int, name: str):
    access = get_review_for_user(request.user, pk)
    review = access.review
    if name not in SECTION_TEXTS:
        raise PermissionDenied("There is no such section.")
    require_edit(access.can_edit)
    dismissed = access.dismissed_keys()
    if request.method == "GET":
        if request.GET.get("cancel"):
            section = section_view(review, name, dismissed)
        else:
            section = section_view(review, name, dismissed, form=edit_form(review, name))
        if not wants_fragment(request):
            return redirect(f"{review.get_absolute_url()}?edit={name}#section-{name}")
        return render_page(request, TEMPLATE, base_context(request, access) | {"s": section}, partial="section")

    form = SectionForm(request.POST, section=name, review=review, prefix=name)
    theirs = None
    status = 200
    if form.is_valid():
        result = edits.save_section(review.pk, name, form.cleaned_data["text"], form.cleaned_data["version"])
        review.refresh_from_db()
        if result.saved:
            if not wants_fragment(request):
                messages.success(request, f"{SECTION_TEXTS[name]} saved.")
                return redirect(f"{review.get_absolute_url()}#section-{name}")
            section = section_view(review, name, dismissed)
            return render_page(request, TEMPLATE, base_context(request, access) | {"s": section}, partial="section")
        # Someone saved meanwhile: keep what this person typed, show theirs beside it, and base the
        # next save on the version now stored so that saving the merged text goes through.
        theirs = result.current[name]
        data = request.POST.copy()
        data[f"{name}-version"] = result.version
        form = SectionForm(data, section=name, review=review, prefix=name)
        form.is_valid()
        status = 409
    else:
        status = 422
    if wants_fragment(request):
        section = section_view(review, name, dismissed, form=form, theirs=theirs)
        context = base_context(request, access) | {"s": section}
    else:
        context = review_context(request, access, editing={name: (form, theirs)})
    return render_page(request, TEMPLATE, context, partial="section", status=status)


@require_POST
def review_check(request: HtmxHttpRequest, pk: int):
    """The language guide's notes for the text being typed (htmx, debounced)."""
    access = get_review_for_user(request.user, pk)
    require_edit(access.can_edit or access.is_participant)
    field = request.POST.get("field", "text")
    if not field.replace("-", "_").replace("_", "").isalnum():
        field = "text"
    text = request.POST.get(field, "")[:50_000]
    keep_url = reverse("review_flag_keep", args=[access.review.pk]) if access.can_edit else ""
    context = live_notes(text, keep_url=keep_url)
    dismissed = access.dismissed_keys()
    context["flags"] = [note for note in context["flags"] if note.key not in dismissed]
    return render_page(request, f"{TEMPLATE}#flags", context | {"checked": True})
