"""Creating, finding and revoking personal access tokens; the secret itself is never stored."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from api.models import PersonalAccessToken

SECRET_PREFIX = "pm_"
# "Last used" is written at most this often, so a busy script does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, *, name: str, scope: str) -> tuple[PersonalAccessToken, str]:
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[: len(SECRET_PREFIX) + 6], digest=digest(secret)
    )
    return token, secret


def find_token(secret: str) -> PersonalAccessToken | None:
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = PersonalAccessToken.objects.usable().select_related("user").filter(digest=digest(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token: PersonalAccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
