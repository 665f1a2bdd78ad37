"""Middleware of the site as a whole: request sizes refused with a page that says so, the CSP header, messages."""

from functools import lru_cache, partial
from typing import NamedTuple

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, empty
from django.utils.module_loading import import_string


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
    a response or request that does use them still gets a policy built for it by django-csp. Sync only, so
    that a request does not pay for ``MiddlewareMixin`` asking on every call whether it runs async.
    """

    sync_capable = True
    async_capable = False
    _PER_RESPONSE = frozenset(
        name + suffix
        for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        for suffix in ("", "_ro")
    )

    def __call__(self, request):
        self.process_request(request)
        return self.process_response(request, self.get_response(request))

    def process_response(self, request, response):
        settled = _settled_policy()
        if (
            not self._PER_RESPONSE.isdisjoint(response.__dict__)
            or getattr(request, "_csp_nonce", None) is not None
            or settled.report_only
        ):
            return super().process_response(request, response)
        excluded = settled.excluded and request.path_info.startswith(settled.excluded)
        if settled.header and not excluded and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settled.header
        return response


class SettledPolicy(NamedTuple):
    header: str
    excluded: tuple[str, ...]
    report_only: bool


@lru_cache(maxsize=1)
def _settled_policy() -> SettledPolicy:
    from csp.utils import build_policy

    policy = settings.CONTENT_SECURITY_POLICY or {}
    return SettledPolicy(
        header=build_policy(),
        excluded=tuple(policy.get("EXCLUDE_URL_PREFIXES") or ()),
        report_only=bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
    )


@receiver(setting_changed, dispatch_uid="config.middleware.settled_policy")
def _forget_settled_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settled_policy.cache_clear()


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with their storage built only when a message is added, read, or waiting to be shown.

    Most requests do none of these, and building it (the ``MESSAGE_STORAGE`` class imported again, a cookie and a
    session backend set up) cost more than the rest of a trivial request's middleware put together. Every page
    asks whether messages are waiting (``{% if messages %}`` in the base template, and ``conditional_page``):
    that answer comes from the request's cookies and session, already read, when the storage is Django's own.
    """

    sync_capable = True
    async_capable = False

    def __call__(self, request):
        request._messages = WaitingMessages(request)
        response = self.get_response(request)
        stored = getattr(request, "_messages", None)
        if type(stored) is WaitingMessages and stored._wrapped is empty:
            return response  # nothing added, nothing read: nothing to store
        return self.process_response(request, response)


class WaitingMessages(SimpleLazyObject):
    """The request's message storage, built on first use; telling that none are waiting builds nothing."""

    def __init__(self, request):
        super().__init__(partial(default_storage, request))
        self.__dict__["_request"] = request

    def _none_waiting(self) -> bool:
        if self._wrapped is not empty:
            return False
        places = _waiting_places()
        if places is None:
            return False
        cookie_name, session_key = places
        request = self._request
        if cookie_name is not None and cookie_name in request.COOKIES:
            return False
        session = getattr(request, "session", None)
        return session_key is None or session is None or session_key not in session

    def __bool__(self):
        return False if self._none_waiting() else SimpleLazyObject.__bool__(self)

    def __len__(self):
        return 0 if self._none_waiting() else SimpleLazyObject.__len__(self)


@lru_cache(maxsize=1)
def _waiting_places() -> tuple[str | None, str | None] | None:
    """Where Django's own storages keep waiting messages (cookie name, session key); None for another storage."""
    storage = import_string(settings.MESSAGE_STORAGE)
    if storage is FallbackStorage:
        return CookieStorage.cookie_name, SessionStorage.session_key
    if storage is CookieStorage:
        return CookieStorage.cookie_name, None
    if storage is SessionStorage:
        return None, SessionStorage.session_key
    return None


@receiver(setting_changed, dispatch_uid="config.middleware.waiting_places")
def _forget_waiting_places(setting, **kwargs):
    if setting == "MESSAGE_STORAGE":
        _waiting_places.cache_clear()
