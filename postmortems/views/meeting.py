"""The live review meeting: the facilitator steps the agenda, everyone follows without reloading."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from fragments.conditional import conditional_page
from postmortems import live, services
from postmortems.access import get_review_for_user
from postmortems.forms import OpportunityForm, QuickFactorForm
from postmortems.models import AGENDA, AgendaSection, ReviewStatus
from postmortems.views import HtmxHttpRequest
from postmortems.views.document import (
    factors_with_flags,
    opportunities_with_flags,
    section_view,
    timeline_with_flags,
)

TEMPLATE = "postmortems/meeting.html"

# Prompt cards: they keep the conversation on how the system behaved, not on who.
PROMPTS = {
    AgendaSection.TIMELINE: [
        "What did we notice first, and when?",
        "What did the system tell us, and what did it leave out?",
        "Which moments were decisions? What was known, and what was missing, at each?",
    ],
    AgendaSection.PERSPECTIVES: [
        "What did each of us see from where we stood?",
        "What made each choice look reasonable at that moment?",
        "Where do the accounts differ, and what does that tell us about the system?",
    ],
    AgendaSection.FACTORS: [
        "What made this possible? Which guardrail was missing?",
        "How did a local action have a global effect?",
        "Has this kind of weakness shown up before? (pattern, structure, mental model)",
    ],
    AgendaSection.LEARNINGS: [
        "What helped us detect, respond and recover?",
        "What could easily have made this worse, and did not?",
    ],
    AgendaSection.OPPORTUNITIES: [
        "How might we make this class of failure impossible?",
        "How might we see it sooner, or make it cheaper to recover?",
    ],
    AgendaSection.ACTIONS: [
        "Which concrete change to the system will we make: a test, a guardrail, a tool, a document, a signal?",
        "“Be more careful” is not a change. What would make care unnecessary?",
    ],
}

# Suggested minutes per section; the timer shows when a section runs over.
TIMEBOX = {
    AgendaSection.TIMELINE: 15,
    AgendaSection.PERSPECTIVES: 15,
    AgendaSection.FACTORS: 20,
    AgendaSection.LEARNINGS: 10,
    AgendaSection.OPPORTUNITIES: 10,
    AgendaSection.ACTIONS: 10,
}

PART_TEMPLATES = {section.value: f"{TEMPLATE}#part_{section.value}" for section in AGENDA}


def _section_content(request, access, section: str, dismissed: set[str]) -> dict:
    review = access.review
    if section == AgendaSection.TIMELINE:
        return {"timeline": timeline_with_flags(review, dismissed)}
    if section == AgendaSection.PERSPECTIVES:
        return {
            "perspectives": services.perspectives_for(review, request.user),
            "perspective_count": review.perspectives.count(),
            "participant_count": review.participants.count(),
        }
    if section == AgendaSection.FACTORS:
        return {"factors": factors_with_flags(review, dismissed)}
    if section == AgendaSection.LEARNINGS:
        return {
            "learning_sections": [section_view(review, name, dismissed) for name in ("went_well", "got_lucky")],
        }
    if section == AgendaSection.OPPORTUNITIES:
        return {"opportunities": opportunities_with_flags(review, dismissed)}
    return {}


def meeting_context(request, access, section: str | None = None, **overrides) -> dict:
    review = access.review
    current = AgendaSection(review.current_section)
    section = section or current
    dismissed = set(review.dismissals.values_list("key", flat=True))
    index = AGENDA.index(current)
    agenda = [
        {
            "section": item,
            "state": "done" if i < index else "current" if i == index else "upcoming",
            "minutes": TIMEBOX[item],
        }
        for i, item in enumerate(AGENDA)
    ]
    context = {
        "review": review,
        "can_edit": access.can_edit,
        "can_facilitate": access.can_facilitate,
        "is_participant": access.is_participant,
        "agenda": agenda,
        "current": current,
        "previous_section": AGENDA[index - 1] if index > 0 else None,
        "next_section": AGENDA[index + 1] if index < len(AGENDA) - 1 else None,
        "prompts": PROMPTS[current],
        "timebox": TIMEBOX[current],
        "in_meeting": review.status == ReviewStatus.MEETING,
        "factor_form": QuickFactorForm(review=review, prefix="factor") if access.can_edit else None,
        "opportunity_form": OpportunityForm(prefix="opportunity") if access.can_edit else None,
    }
    context.update(_section_content(request, access, section, dismissed))
    context.update(overrides)
    return context


def meeting_part(request, access, part: str, status: int = 200, state: dict | None = None, **overrides):
    """One refreshable part of the meeting page (htmx), or the whole live area for ``part="live"``.

    The live area carries the change counters it was rendered at (read before the content), so the
    page does not fetch it again for a change it already shows.
    """
    if part == "live":
        if state is None:
            state, _ = live.live_state(access.review.pk)
        context = meeting_context(request, access, **overrides) | {"live_state": json.dumps(state)}
        return render(request, f"{TEMPLATE}#live", context, status=status)
    if part not in PART_TEMPLATES:
        raise PermissionDenied("There is no such part of the meeting page.")
    context = meeting_context(request, access, section=part, **overrides)
    return render(request, PART_TEMPLATES[part], context, status=status)


@require_GET
@conditional_page(lambda request, pk: [f"review:{pk}"])
def review_meeting(request: HtmxHttpRequest, pk: int):
    # Read the change counter before the content, so the page never claims to be newer than it is.
    state, _ = live.live_state(int(pk))
    access = get_review_for_user(request.user, pk)
    live.remember_reader(access.review.pk, request.user.pk)
    part = request.GET.get("part")
    if part:
        return meeting_part(request, access, part, state=state)
    context = meeting_context(request, access) | {"live_state": json.dumps(state)}
    return render(request, TEMPLATE, context)


@require_GET
def review_meeting_state(request: HtmxHttpRequest, pk: int):
    """Polled by every open meeting page: 304 from one cache round trip while nothing changed."""
    state, may_read = live.live_state(int(pk), request.user.pk)
    if not may_read:
        get_review_for_user(request.user, pk)
        live.remember_reader(int(pk), request.user.pk)
    etag = f'"{state["seq"]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        for name, value in headers.items():
            response[name] = value
        return response
    return JsonResponse(state, headers=headers)


@require_POST
def review_meeting_agenda(request: HtmxHttpRequest, pk: int):
    """The facilitator opens a section (``section``) or steps (``step`` = next / previous)."""
    access = get_review_for_user(request.user, pk)
    review = access.review
    if not access.can_facilitate:
        raise PermissionDenied("Only the facilitator steps through the agenda.")
    if review.is_published:
        raise PermissionDenied("The review is published.")
    section = request.POST.get("section")
    step = request.POST.get("step")
    if section in AgendaSection.values:
        services.move_agenda(review, section)
    elif step in {"next", "previous"}:
        services.step_agenda(review, 1 if step == "next" else -1)
    else:
        raise PermissionDenied("Say which section to open.")
    if request.htmx:
        state, _ = live.live_state(review.pk)
        access = get_review_for_user(request.user, pk)
        return meeting_part(request, access, "live", state=state)
    return redirect("review_meeting", pk=review.pk)
