"""Slack's requests: the /near-miss slash command, the "add to an incident's timeline" shortcut, and the
modals' answers. Every request must carry Slack's signature, made with the signing secret within the
last five minutes; anything else is refused before its body is read for meaning.

Filing anonymously keeps nothing about the Slack user: the user is not looked up, nothing about them is
logged, and the near miss is saved as the web page saves an anonymous one (no reporter, only the day).
"""

import contextlib
import json
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from incidents.access import can_edit_incident, get_incident_for_user
from incidents.forms import NearMissForm, TimelineEntryForm
from incidents.models import Incident, Status, TimelineEntry
from incidents.services import file_near_miss
from slackapp import views_blocks as blocks
from slackapp.client import person_for, slack


def slack_request(view):
    """Only Slack, signed with our secret, recently; bodies over the limit are refused unread."""

    @login_not_required
    @csrf_exempt
    @require_POST
    def checked(request, *args, **kwargs):
        if not blocks.slack_ready():
            return HttpResponse("The Slack app is not set up here.", status=404)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = settings.SLACK_BODY_MAX_BYTES + 1
        if length > settings.SLACK_BODY_MAX_BYTES:
            return HttpResponse("Too large.", status=413)
        body = request.read(settings.SLACK_BODY_MAX_BYTES + 1)
        if len(body) > settings.SLACK_BODY_MAX_BYTES:
            return HttpResponse("Too large.", status=413)
        request._body = body
        if not SignatureVerifier(settings.SLACK_SIGNING_SECRET).is_valid_request(body, dict(request.headers)):
            return HttpResponse("This request is not signed by Slack for this app, or is too old.", status=401)
        return view(request, *args, **kwargs)

    return checked


@slack_request
def command(request):
    """``/near-miss [what happened]`` opens the near-miss form in a modal."""
    try:
        slack().views_open(
            trigger_id=request.POST.get("trigger_id", ""), view=blocks.near_miss_modal(request.POST.get("text", ""))
        )
    except SlackApiError:
        return HttpResponse("Slack would not open the form just now; please try again, or use the web page.")
    return HttpResponse(status=200)


@slack_request
def interaction(request):
    try:
        payload = json.loads(request.POST.get("payload", ""))
    except ValueError:
        return HttpResponse("The payload is not JSON.", status=400)
    kind = payload.get("type")
    if kind == "view_submission":
        callback = payload.get("view", {}).get("callback_id")
        if callback == blocks.NEAR_MISS:
            return _near_miss_submitted(payload)
        if callback == blocks.TIMELINE_ENTRY:
            return _timeline_entry_submitted(payload)
    if kind == "message_action" and payload.get("callback_id") == "add_to_timeline":
        return _open_timeline_modal(payload)
    return HttpResponse(status=200)


def _errors(errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"response_action": "errors", "errors": errors})


def _near_miss_submitted(payload) -> JsonResponse:
    state = payload.get("view", {}).get("state", {})
    anonymous = "yes" in (blocks.value(state, blocks.ANONYMOUS) or [])
    data = {field: blocks.value(state, block) or "" for field, block in blocks.NEAR_MISS_BLOCKS.items()}
    reporter = None
    if not anonymous:
        reporter = person_for(payload.get("user", {}).get("id", ""))
        if reporter is None:
            return _errors({blocks.ANONYMOUS: "We found no account here with your Slack e-mail address. "
                            "Tick “File anonymously”, or file it on the web."})  # fmt: skip
    form = NearMissForm(data)
    if not form.is_valid():
        return _errors(
            {blocks.NEAR_MISS_BLOCKS.get(name, "what"): " ".join(messages) for name, messages in form.errors.items()}
        )
    file_near_miss(form.save(commit=False), reporter=reporter)
    return JsonResponse({"response_action": "update", "view": blocks.thanks_modal(anonymous)})


def _open_incidents_for(person):
    incidents = Incident.objects.visible_to(person).filter(status__in=[Status.INVESTIGATING, Status.MITIGATED])
    return [
        i for i in incidents.select_related("team").order_by("-impact_started_at")[:100] if can_edit_incident(person, i)
    ]


def _open_timeline_modal(payload) -> HttpResponse:
    trigger = payload.get("trigger_id", "")
    person = person_for(payload.get("user", {}).get("id", ""))
    message = payload.get("message", {})
    if person is None:
        view = blocks.notice_modal("Not found", "We found no account here with your Slack e-mail address.")
    else:
        incidents = _open_incidents_for(person)
        if not incidents:
            view = blocks.notice_modal("No open incident", "There is no open incident whose timeline you may add to.")
        else:
            metadata = json.dumps({"ts": message.get("ts", ""), "channel": payload.get("channel", {}).get("id", "")})
            view = blocks.timeline_modal(incidents, message.get("text", ""), metadata)
    with contextlib.suppress(SlackApiError):
        slack().views_open(trigger_id=trigger, view=view)
    return HttpResponse(status=200)


def _timeline_entry_submitted(payload) -> JsonResponse:
    view = payload.get("view", {})
    state = view.get("state", {})
    person = person_for(payload.get("user", {}).get("id", ""))
    if person is None:
        return _errors({"incident": "We found no account here with your Slack e-mail address."})
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
        occurred_at = datetime.fromtimestamp(float(metadata["ts"]), tz=UTC)
    except (ValueError, KeyError, TypeError):
        return _errors({"text": "We could not tell when this message was sent; add it on the web page instead."})
    try:
        access = get_incident_for_user(person, blocks.value(state, "incident"))
    except Http404:  # it does not exist for this person
        return _errors({"incident": "You cannot see this incident."})
    if not access.can_edit:
        return _errors(
            {"incident": "Only the incident's responders, its teams and its facilitator add to its timeline."}
        )
    link = ""
    with contextlib.suppress(SlackApiError, KeyError, OSError):
        link = slack().chat_getPermalink(channel=metadata.get("channel", ""), message_ts=metadata["ts"])["permalink"]
    data = {
        "occurred_at": occurred_at,
        "kind": "communication",
        "text": blocks.value(state, "text") or "",
        "link": link,
    }
    form = TimelineEntryForm(data, instance=TimelineEntry(incident=access.incident))
    if not form.is_valid():
        return _errors({"text": " ".join(" ".join(messages) for messages in form.errors.values())})
    entry = form.save(commit=False)
    entry.author = person
    entry.save()
    return JsonResponse({"response_action": "clear"})
