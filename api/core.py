"""The API's wiring: who is asking (a personal access token), and errors as JSON with field messages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from api.tokens import find_token

DESCRIPTION = """
The same incidents, timelines, near misses, reviews, action items and obligations as the pages, with
exactly the same rules about who may see and change what: the API acts as the person whose token it is.

Create a token on your own *API tokens* page (`/me/tokens/`) and send it as
`Authorization: Bearer pm_…`. A read-only token may use every `GET`; writing needs a read-write token.

Lists take `limit` (25 unless given, at most 100) and `offset` and answer `{"items": [...], "count": N}`. Errors are JSON:
`{"detail": "..."}`, and for refused input `{"detail": "...", "errors": {"field": ["message", ...]}}`
with status 422.
"""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = find_token(token)
        if found is None:
            return None
        # The rest of the project (access helpers, the audit trail) reads the person from request.user.
        request.user = found.user
        request.api_token = found
        return found


class FormErrors(Exception):
    """Input a form refused; carries its messages per field."""

    def __init__(self, form):
        super().__init__("Some fields need attention.")
        self.errors = {("non_field" if name == "__all__" else name): list(msgs) for name, msgs in form.errors.items()}


api = NinjaAPI(
    title="Post-mortems API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
)


def require_write(request) -> None:
    if not request.api_token.can_write:
        raise HttpError(403, "This token may only read. Create a read-write token on your API tokens page to write.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": "Send a valid personal access token: Authorization: Bearer pm_… (create one at /me/tokens/)."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(FormErrors)
def _form_errors(request, exc):
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        name = location[0] if location else "non_field"
        message = error.get("msg", "This value is not valid.")
        if error.get("type") == "extra_forbidden":
            message = "This field is not accepted here."
        errors.setdefault(name, []).append(message)
    return api.create_response(request, {"detail": "Some fields need attention.", "errors": errors}, status=422)
