from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from accounts.forms import AddMemberForm, ChangeRoleForm, ProfileForm, SignInForm
from accounts.models import Membership, Role, Team
from accounts.sessions import SIGNED_OUT_BECAUSE, signed_out_message


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class SignInView(LoginView):
    """Django's sign-in, with failed attempts throttled and the reason for a timed-out session shown."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            messages.error(request, f"Sign-in with a password is switched off here. Use {settings.OIDC_PROVIDER_NAME}.")
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["single_sign_on"] = bool(settings.OIDC_RP_CLIENT_ID)
        context["provider_name"] = settings.OIDC_PROVIDER_NAME
        context["password_sign_in"] = settings.PASSWORD_SIGN_IN
        reason = self.request.session.pop(SIGNED_OUT_BECAUSE, None)
        if reason in ("idle", "absolute"):
            context["signed_out_message"] = signed_out_message(reason)
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.pause is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.pause.seconds_left)
        return response


def get_team_for_user(request: HttpRequest, slug: str) -> tuple[Team, bool]:
    """The team and whether this person may change its membership (admins only)."""
    team = get_object_or_404(Team, slug=slug)
    return team, request.user.is_org_admin


def team_list(request: HttpRequest):
    teams = Team.objects.annotate(member_count=Count("memberships"))
    return render(request, "accounts/team_list.html", {"teams": teams})


def _render_team_page(request: HttpRequest, team: Team, can_manage: bool, add_form=None, status: int = 200):
    memberships = team.memberships.select_related("user").order_by("user__display_name", "user__username")
    if can_manage and add_form is None:
        add_form = AddMemberForm(team=team)
    context = {
        "team": team,
        "memberships": memberships,
        "can_manage": can_manage,
        "add_form": add_form,
        "role_choices": Role.choices,
    }
    return render(request, "accounts/team_detail.html", context, status=status)


def team_detail(request: HttpRequest, slug: str):
    team, can_manage = get_team_for_user(request, slug)
    return _render_team_page(request, team, can_manage)


@require_POST
def member_add(request: HttpRequest, slug: str):
    team, can_manage = get_team_for_user(request, slug)
    if not can_manage:
        raise PermissionDenied("Only admins change team membership.")
    form = AddMemberForm(request.POST, team=team)
    if form.is_valid():
        membership = form.save()
        messages.success(request, f"{membership.user} joined {team} as {membership.get_role_display().lower()}.")
        return redirect("team_detail", slug=team.slug)
    return _render_team_page(request, team, can_manage, add_form=form, status=400)


@require_POST
def member_change_role(request: HttpRequest, slug: str, pk: int):
    team, can_manage = get_team_for_user(request, slug)
    if not can_manage:
        raise PermissionDenied("Only admins change team roles.")
    membership = get_object_or_404(Membership, team=team, pk=pk)
    form = ChangeRoleForm(request.POST, instance=membership)
    if form.is_valid():
        form.save()
        messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()} in {team}.")
    else:
        messages.error(request, "That role does not exist; nothing was changed.")
    return redirect("team_detail", slug=team.slug)


@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int):
    team, can_manage = get_team_for_user(request, slug)
    if not can_manage:
        raise PermissionDenied("Only admins change team membership.")
    membership = get_object_or_404(Membership, team=team, pk=pk)
    membership.delete()
    messages.success(request, f"{membership.user} left {team}.")
    return redirect("team_detail", slug=team.slug)


def profile(request: HttpRequest):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)
