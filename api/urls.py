from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from api import views
from api.endpoints import api

# The description and the page that shows it: public, and read only.
DESCRIPTION_PAGES = {"api-root", "openapi-json", "openapi-view"}


def _token_only(urls):
    """The API answers 401 itself to a request without a token, instead of sending it to the sign-in page."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = require_safe(pattern.callback) if pattern.name in DESCRIPTION_PAGES else pattern.callback
            pattern.callback = login_not_required(callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("me/tokens/", views.tokens, name="api_tokens"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="api_token_revoke"),
    path("api/", _token_only(api.urls)),
]
