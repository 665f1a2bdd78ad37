"""Each person's own API tokens: create one (its secret shown once), see when each was last used, revoke."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from api.forms import NewTokenForm
from api.tokens import create_token, revoke


def tokens(request: HttpRequest):
    form = NewTokenForm(request.POST or None)
    created_secret = None
    if request.method == "POST" and form.is_valid():
        token, created_secret = create_token(
            request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        form = NewTokenForm()
    context = {
        "form": form,
        "created_secret": created_secret,
        "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
        "revoked": request.user.api_tokens.filter(revoked_at__isnull=False)[:10],
    }
    response = render(request, "api/tokens.html", context, status=400 if form.errors else 200)
    if created_secret:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke_token(request: HttpRequest, pk: int):
    # Another person's token does not exist for you.
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    revoke(token)
    messages.success(request, f"“{token.name}” is revoked: requests with it are refused from now on.")
    return redirect("api_tokens")
