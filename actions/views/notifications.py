"""The notification inbox, its unread badge, reminder preferences and team chat hooks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, Team
from actions.forms import NotificationPreferenceForm, TeamChatHookForm
from actions.models import Notification, NotificationPreference, TeamChatHook
from actions.panels import unread_count
from fragments.conditional import inbox_version
from fragments.versions import bump
from web.htmx import HtmxHttpRequest, render_page, wants_fragment
from web.pagination import page_of


@require_GET
def inbox(request: HtmxHttpRequest):
    notes = Notification.objects.filter(recipient=request.user).select_related("incident")
    page = page_of(request, notes, 30)
    unread = unread_count(request.user)
    return render_page(request, "actions/inbox.html", {"page": page, "unread": unread})


@never_cache
@require_GET
def inbox_badge(request: HtmxHttpRequest):
    """The header's unread count alone, polled by htmx."""
    return render_page(request, "actions/inbox_badge.html", {"unread": unread_count(request.user)})


@require_POST
def notification_open(request: HtmxHttpRequest, pk: int):
    """Mark one notification read and go where it points."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
        bump(inbox_version(request.user))
    if not wants_fragment(request):
        return redirect(note.url or "notifications")
    note.read_at = note.read_at or timezone.now()
    return render_page(request, "actions/inbox.html", {"note": note}, partial="note")


@require_POST
def notifications_read_all(request: HtmxHttpRequest):
    count = Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    bump(inbox_version(request.user))
    messages.success(request, f"Marked {count} as read." if count else "Nothing was unread.")
    return redirect("notifications")


@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxHttpRequest):
    preference, _ = NotificationPreference.objects.get_or_create(user=request.user)
    form = NotificationPreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved your reminder settings.")
        return redirect("notification_settings")
    managed = (
        Team.objects.all()
        if request.user.is_org_admin
        else Team.objects.filter(memberships__user=request.user, memberships__role=Role.MANAGER)
    )
    return render_page(
        request,
        "actions/settings.html",
        {"form": form, "managed_teams": managed.select_related("chat_hook"), "has_email": bool(request.user.email)},
        status=422 if form.errors else 200,
    )


def _may_manage_hook(user, team: Team) -> bool:
    return user.is_org_admin or user.has_role(Role.MANAGER, team)


@require_http_methods(["GET", "POST"])
def team_chat_hook(request: HtmxHttpRequest, slug: str):
    """A team's chat web hook; its managers and admins set it (the URL is a secret, so only they see it)."""
    team = get_object_or_404(Team, slug=slug)
    if not _may_manage_hook(request.user, team):
        raise PermissionDenied("A team's managers and admins set its chat web hook.")
    hook = TeamChatHook.objects.filter(team=team).first() or TeamChatHook(team=team)
    if request.method == "POST" and request.POST.get("remove") and hook.pk:
        hook.delete()
        messages.success(request, f"Removed the chat web hook of {team}.")
        return redirect("notification_settings")
    form = TeamChatHookForm(request.POST if request.method == "POST" else None, instance=hook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the chat web hook of {team}.")
        return redirect("notification_settings")
    context = {"form": form, "team": team, "hook": hook}
    return render_page(request, "actions/chat_hook.html", context, status=422 if form.errors else 200)
