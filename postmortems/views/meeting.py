"""The live review meeting: the facilitator steps the agenda, everyone follows without reloading."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from fragments.conditional import conditional_page
from fragments.lazy import once
from postmortems import edits, live, meeting
from postmortems.access import get_review_for_user, review_for_page
from postmortems.forms import OpportunityForm, QuickFactorForm
from postmortems.models import AGENDA, AgendaSection, ReviewStatus
from postmortems.views.access import require_edit, review_to_change
from postmortems.views.document import (
    factors_with_flags,
    opportunities_with_flags,
    page_versions,
    section_view,
    timeline_with_flags,
)
from web.htmx import HtmxHttpRequest, render_page, wants_fragment

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

# Each section's prompts as the prompt card lists them, written once per process.
PROMPT_ITEMS = {
    section: format_html_join("", "<li>{}</li>", ((prompt,) for prompt in prompts))
    for section, prompts in PROMPTS.items()
}

PART_TEMPLATES = {section.value: f"{TEMPLATE}#part_{section.value}" for section in AGENDA} | {
    "timer": f"{TEMPLATE}#part_timer"
}


def _section_content(request, access, section: str, dismissed) -> dict:
    """What the section shows, read only when its shared fragment is rendered afresh (``dismissed`` is lazy too)."""
    review = access.review
    if section == AgendaSection.TIMELINE:
        return {"timeline": once(lambda: timeline_with_flags(review, dismissed()))}
    if section == AgendaSection.PERSPECTIVES:
        return {
            "perspectives": edits.perspectives_for(review, request.user),
            "perspective_count": (
                review.perspectives.count() if access.perspective_authors is None else len(access.perspective_authors)
            ),
            "participant_count": (
                review.participants.count() if access.participant_ids is None else len(access.participant_ids)
            ),
            "missing_perspectives": meeting.missing_perspectives(review),
        }
    if section == AgendaSection.FACTORS:
        return {"factors": once(lambda: factors_with_flags(review, dismissed()))}
    if section == AgendaSection.LEARNINGS:
        return {
            "learning_sections": once(
                lambda: [section_view(review, name, dismissed()) for name in ("went_well", "got_lucky")]
            ),
        }
    if section == AgendaSection.OPPORTUNITIES:
        return {"opportunities": once(lambda: opportunities_with_flags(review, dismissed()))}
    return {}


def timer_view(review, now=None) -> dict:
    """What the timer shows, computed from the server's clock so every page shows the same time."""
    now = now or timezone.now()
    section = review.current_section
    elapsed = review.elapsed_seconds(section, now)
    planned = review.planned_minutes(section)
    over_minutes = (elapsed - planned * 60) // 60
    return {
        "elapsed": elapsed,
        "planned": planned,
        "running": review.timer_running,
        "server_now_ms": int(now.timestamp() * 1000),
        "over": elapsed > planned * 60,
        "words": timer_words(elapsed, planned, review.timer_running),
        "over_minutes": over_minutes,
    }


def timer_words(elapsed: int, planned: int, running: bool) -> str:
    """The timer's state said in words (colour is never the only signal); meeting.js says the same."""
    minutes = elapsed // 60
    if elapsed > planned * 60:
        text = f"{minutes - planned} min over the {planned} planned"
    else:
        left = planned - minutes
        text = f"{left} min left of {planned}"
    return text if running else f"Paused · {text}"


def agenda_view(review, agenda_sections, index: int, now) -> list[dict]:
    """Each section of the agenda: done, current or upcoming, its planned minutes and the time spent in it."""
    return [
        {
            "section": item,
            "state": "done" if i < index else "current" if i == index else "upcoming",
            "minutes": review.planned_minutes(item),
            "spent": review.elapsed_seconds(item, now),
        }
        for i, item in enumerate(agenda_sections)
    ]


def meeting_context(request, access, section: str | None = None, **overrides) -> dict:
    review = access.review
    agenda_sections = review.agenda
    current = AgendaSection(review.current_section)
    if current not in agenda_sections:
        current = agenda_sections[0]
    section = section or current
    dismissed = once(access.dismissed_keys)
    index = agenda_sections.index(current)
    now = timezone.now()
    in_meeting = review.status == ReviewStatus.MEETING
    context = {
        "review": review,
        "can_edit": access.can_edit,
        "can_facilitate": access.can_facilitate,
        "is_participant": access.is_participant,
        # Built only when the agenda's shared fragment is rendered afresh.
        "agenda": once(agenda_view, review, agenda_sections, index, now),
        # The current section's time shows in the agenda only outside the meeting: running, it moves with the clock.
        "agenda_follows_clock": review.timer_running and not in_meeting,
        "current": current,
        "previous_section": agenda_sections[index - 1] if index > 0 else None,
        "next_section": agenda_sections[index + 1] if index < len(agenda_sections) - 1 else None,
        "prompts": PROMPT_ITEMS[current],
        "timer": timer_view(review, now),
        "in_meeting": in_meeting,
        # Empty forms are the same for every editor (the CSRF token aside): kept, built only when rendered afresh.
        "factor_form": once(QuickFactorForm, review=review, prefix="factor") if access.can_edit else None,
        "opportunity_form": once(OpportunityForm, prefix="opportunity") if access.can_edit else None,
        "fresh_forms": bool({"factor_form", "opportunity_form"} & set(overrides)),
        # What the language notes partial asks of a live check; said here, as a missing name costs an exception.
        "checked": False,
        "unchecked": False,
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
        return render_page(request, f"{TEMPLATE}#live", context, status=status)
    if part not in PART_TEMPLATES:
        raise PermissionDenied("There is no such part of the meeting page.")
    context = meeting_context(request, access, section=part, **overrides)
    return render_page(request, PART_TEMPLATES[part], context, status=status)


@require_GET
@conditional_page(lambda request, pk: page_versions(pk), own=lambda request, pk: [live.reader_fact(pk)])
def review_meeting(request: HtmxHttpRequest, pk: int):
    # Read the change counter before the content, so the page never claims to be newer than it is.
    state, _ = live.live_state(int(pk), request=request)
    access = review_for_page(request, pk)
    live.remember_reader(access.review.pk, request.user.pk, request)
    part = request.GET.get("part")
    if part:
        return meeting_part(request, access, part, state=state)
    context = meeting_context(request, access) | {"live_state": json.dumps(state)}
    return render_page(request, TEMPLATE, context)


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
    review = review_to_change(
        request.user, pk, "can_facilitate", "Only the facilitator steps through the agenda."
    ).review
    section = request.POST.get("section")
    step = request.POST.get("step")
    if section in review.agenda:
        meeting.move_agenda(review, section)
    elif step in {"next", "previous"}:
        meeting.step_agenda(review, 1 if step == "next" else -1)
    else:
        raise PermissionDenied("Say which section to open.")
    if not wants_fragment(request):
        return redirect("review_meeting", pk=review.pk)
    state, _ = live.live_state(review.pk)
    access = get_review_for_user(request.user, pk)
    return meeting_part(request, access, "live", state=state)


# --- quick capture: the meeting's own endpoints, answering with the meeting's part ------------------------


def _captured(request: HtmxHttpRequest, access, part: str, form, form_name: str):
    """After a capture in the meeting: the part again (the form kept with a 422 when invalid)."""
    if form.is_valid():
        if not wants_fragment(request):
            return redirect("review_meeting", pk=access.review.pk)
        return meeting_part(request, access, part)
    return meeting_part(request, access, part, status=422, **{form_name: form})


@require_POST
def meeting_factor_add(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    require_edit(access.can_edit)
    form = QuickFactorForm(request.POST, review=access.review, prefix="factor")
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("description", "category", "depth", "service")}
        edits.add_factor(access.review, request.user, data)
    return _captured(request, access, AgendaSection.FACTORS, form, "factor_form")


@require_POST
def meeting_opportunity_add(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    require_edit(access.can_edit)
    form = OpportunityForm(request.POST, prefix="opportunity")
    if form.is_valid():
        edits.add_opportunity(access.review, request.user, form.cleaned_data["question"])
    return _captured(request, access, AgendaSection.OPPORTUNITIES, form, "opportunity_form")


@require_POST
def review_meeting_timer(request: HtmxHttpRequest, pk: int):
    """The facilitator starts, pauses, resets or extends the current section's timer."""
    access = get_review_for_user(request.user, pk)
    if not access.can_facilitate:
        raise PermissionDenied("Only the facilitator runs the meeting's timer.")
    if access.review.is_published:
        raise PermissionDenied("The review is published.")
    action = request.POST.get("action")
    if action not in meeting.TIMER_ACTIONS:
        raise PermissionDenied("Say what to do with the timer.")
    meeting.control_timer(access.review, action)
    if wants_fragment(request):
        return meeting_part(request, get_review_for_user(request.user, pk), "timer")
    return redirect("review_meeting", pk=pk)


@require_POST
def review_meeting_nudge(request: HtmxHttpRequest, pk: int):
    """The facilitator asks the participants who have not written their perspective yet."""
    access = get_review_for_user(request.user, pk)
    if not access.can_facilitate or access.review.is_published:
        raise PermissionDenied("Only the facilitator asks for perspectives.")
    asked = meeting.ask_for_perspectives(access.review, request.user)
    if asked:
        names = ", ".join(person.name for person in asked)
        messages.success(request, f"Asked {names} for their perspective.")
    else:
        messages.info(request, "Everyone has written their perspective.")
    if wants_fragment(request):
        return meeting_part(request, access, AgendaSection.PERSPECTIVES, asked=asked)
    return redirect("review_meeting", pk=pk)
