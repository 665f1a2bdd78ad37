from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from sso.backends import provider_logout_url, sso_enabled


class SsoOnly:
    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not set up.")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class StartSignIn(SsoOnly, OIDCAuthenticationRequestView):
    """Sends the person to the identity provider, remembering where they were going."""


@method_decorator(login_not_required, name="dispatch")
class FinishSignIn(SsoOnly, OIDCAuthenticationCallbackView):
    """The provider sends the person back here; a refusal shows on the sign-in page with what to do."""

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            text = "Your account here is switched off. Ask an admin to switch it back on."
        elif self.request.GET.get("error"):
            text = f"{settings.OIDC_PROVIDER_NAME} did not sign you in. Try again, or ask your admin for access."
        else:
            text = (
                f"Signing in through {settings.OIDC_PROVIDER_NAME} did not succeed, so nothing was changed. "
                "Try again; if it keeps failing, tell your admin the time it happened."
            )
        messages.error(self.request, text)
        return redirect(settings.LOGIN_URL)


@login_not_required
@require_POST
def sign_out(request):
    """Ends the session here and, after a single sign-on, at the identity provider too."""
    from_provider = sso_enabled() and "oidc_id_token" in request.session
    next_url = provider_logout_url(request) if from_provider else None
    auth.logout(request)
    if next_url:
        return HttpResponseRedirect(next_url)
    return redirect(settings.LOGOUT_REDIRECT_URL)
