"""The forge web hooks: /hooks/github/<organisation>/ and /hooks/gitlab/<organisation>/.

They answer JSON to the forge (its delivery log shows it): 2xx when the delivery was taken,
4xx with a sentence saying why not. Nothing is read before the size is known to be acceptable,
and nothing is parsed before the signature or token checks out.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from actions import forge
from actions.models import Forge


def _answer(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": status < 400, "detail": message}, status=status)


def _hook(request: HttpRequest, kind: str, organisation: str) -> JsonResponse:
    limit = settings.FORGE_WEBHOOK_MAX_BYTES
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _answer(400, "The Content-Length header is not a number.")
    if announced > limit:
        return _answer(413, f"The body is {announced} bytes; web hook deliveries may be at most {limit} bytes.")
    secret = forge.secret_for(kind, organisation)
    if not secret:
        return _answer(403, f"No web hook secret is set up for the organisation “{organisation}”.")
    try:
        body = request.body
    except RawPostDataException:  # a multipart form was parsed before us: not what a forge sends
        return _answer(400, "Send the web hook's body as application/json.")
    if len(body) > limit:
        return _answer(413, f"The body is {len(body)} bytes; web hook deliveries may be at most {limit} bytes.")
    try:
        forge.verify(kind, secret, body, request.headers)
        delivery = forge.delivery_id(kind, request.headers)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forge.Refused(
                400, "The body is not JSON; set the web hook's content type to application/json."
            ) from error
        if not isinstance(payload, dict):
            raise forge.Refused(400, "The body is JSON but not an object.")
    except forge.Refused as refusal:
        return _answer(refusal.status, refusal.message)
    event = (
        request.headers.get("X-GitHub-Event", "") if kind == Forge.GITHUB else request.headers.get("X-Gitlab-Event", "")
    )
    if kind == Forge.GITHUB and event == "ping":
        return _answer(200, "The web hook works.")
    return _answer(200, forge.receive(kind, organisation, delivery, event, payload))


@csrf_exempt
@login_not_required
@require_POST
def github_hook(request: HttpRequest, organisation: str) -> JsonResponse:
    """GitHub ``pull_request`` events, signed with the organisation's secret (HMAC-SHA256)."""
    return _hook(request, Forge.GITHUB, organisation)


@csrf_exempt
@login_not_required
@require_POST
def gitlab_hook(request: HttpRequest, organisation: str) -> JsonResponse:
    """GitLab merge request events, carrying the organisation's secret token."""
    return _hook(request, Forge.GITLAB, organisation)
