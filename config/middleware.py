"""Refuse request bodies that are too large with a page that says so, before anything reads them."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render


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
