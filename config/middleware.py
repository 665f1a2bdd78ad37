"""Middleware of the site as a whole: request sizes refused with a page that says so, the CSP header, messages."""

from functools import partial

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, empty


def _too_large(request, status: int, message: str):
    return render(request, "request_refused.html", {"message": message}, status=status)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies with 413 and a clear message instead of a bare "bad request".

    ``REQUEST_BODY_MAX_SIZE`` caps any body (uploads included); ``DATA_UPLOAD_MAX_MEMORY_SIZE`` caps the
    form fields of a request. Django enforces the second while parsing; parsing POST data here, before
    the CSRF check does it, lets us answer that case with the same clear page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _too_large(request, 400, "The size this request announced is not a number.")
        limit = settings.REQUEST_BODY_MAX_SIZE
        if length > limit:
            return self.refuse(request, length, limit)
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parse now, so the limits below answer instead of a bare 400
            except RequestDataTooBig:
                return self.refuse(request, length, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            except (TooManyFieldsSent, TooManyFilesSent):
                return _too_large(request, 400, "This form sent more fields or files than we accept at once.")
        return self.get_response(request)

    @staticmethod
    def refuse(request, length: int, limit: int):
        message = (
            f"That was {_megabytes(length)}, more than the {_megabytes(limit)} we accept at once. "
            "Nothing was saved. Please shorten the text or split it into several parts."
        )
        return _too_large(request, 413, message)


class SettledPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once instead of on every response.

    Our pages use no nonces and no per-view policy changes, so every response carries the same header;
    a response or request that does use them still gets a policy built for it by django-csp.
    """

    _PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")

    def __init__(self, get_response):
        super().__init__(get_response)
        self._settled = None

    def process_response(self, request, response):
        own = any(hasattr(response, name) or hasattr(response, name + "_ro") for name in self._PER_RESPONSE)
        if (
            own
            or getattr(request, "_csp_nonce", None) is not None
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        ):
            return super().process_response(request, response)
        policy = settings.CONTENT_SECURITY_POLICY
        if self._settled is None or self._settled[0] is not policy:  # built again if the settings change
            self._settled = (policy, self.build_settled_policy(request, response))
        excluded = (policy or {}).get("EXCLUDE_URL_PREFIXES") or ()
        header = self._settled[1]
        if header and "Content-Security-Policy" not in response and not request.path_info.startswith(tuple(excluded)):
            response["Content-Security-Policy"] = header
        return response

    def build_settled_policy(self, request, response) -> str:
        from dataclasses import asdict

        from csp.utils import build_policy

        return build_policy(**asdict(self.get_policy_parts(request=request, response=response)))


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with their storage built only when a message is added or read.

    Most requests do neither, and building it (the ``MESSAGE_STORAGE`` class imported again, a cookie and a
    session backend set up) cost more than the rest of a trivial request's middleware put together.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request, response):
        stored = getattr(request, "_messages", None)
        if type(stored) is SimpleLazyObject and stored._wrapped is empty:
            return response  # nothing added, nothing read: nothing to store
        return super().process_response(request, response)
