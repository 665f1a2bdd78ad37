"""Slack's Web API, and who a Slack user is here."""

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from accounts.models import User


def slack() -> WebClient:
    return WebClient(token=settings.SLACK_BOT_TOKEN, base_url=settings.SLACK_API_URL, timeout=settings.SLACK_TIMEOUT)


def person_for(slack_user_id: str) -> User | None:
    """The active person whose e-mail is the Slack user's (Slack's ``users:read.email`` scope), else None."""
    try:
        profile = slack().users_info(user=slack_user_id)["user"]["profile"]
    except (SlackApiError, KeyError, OSError):
        return None
    email = (profile.get("email") or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()
