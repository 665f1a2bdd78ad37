"""Sign-in through the organisation's OpenID Connect provider (mozilla-django-oidc, made stricter).

The library checks the ID token's signature and nonce; here its issuer, audience, expiry and
issue time are checked too, a person is found by the provider's stable subject (not by e-mail),
created on first sign-in, and their team memberships follow the groups claim (sso/claims.py).
A refused token is logged with the reason, never with the token or the person's details.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User
from sso.claims import roles_from_claims, sync_memberships
from sso.models import Identity

logger = logging.getLogger("sso")

# Clocks of the provider and this server may differ by a little.
CLOCK_SKEW_SECONDS = 60


class RefusedToken(SuspiciousOperation):
    pass


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    def _verify_jws(self, payload, key):
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as exc:
            raise RefusedToken("the ID token is not a JWT") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise RefusedToken(f"the ID token is signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise RefusedToken("the ID token has expired") from exc
        except jwt.InvalidIssuerError as exc:
            raise RefusedToken("the ID token comes from another issuer") from exc
        except jwt.InvalidAudienceError as exc:
            raise RefusedToken("the ID token was issued for another application") from exc
        except jwt.InvalidSignatureError as exc:
            raise RefusedToken("the ID token's signature does not match the provider's key") from exc
        except jwt.InvalidTokenError as exc:
            raise RefusedToken(f"the ID token is not valid ({exc})") from exc

    def retrieve_matching_jwk(self, token):
        """The provider's key named by the token's ``kid``; a token without one may use the only key there is."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise RefusedToken("the ID token is not a JWT") from exc
        keys = [
            key for key in response.json().get("keys", []) if key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if "kid" in header:
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise RefusedToken("the ID token names no key the provider publishes")
        return jwt.PyJWK(keys[0])

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("Refused single sign-on: %s", exc)
        except requests.RequestException as exc:
            logger.warning("Single sign-on failed: the identity provider could not be reached (%s)", type(exc).__name__)
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # Kept for get_or_create_user: the userinfo answer must be about the same subject.
        self._id_token_payload = payload
        return payload

    def verify_claims(self, claims):
        subject = getattr(self, "_id_token_payload", {}).get("sub")
        return bool(claims.get("sub")) and claims.get("sub") == subject

    def filter_users_by_claims(self, claims):
        return User.objects.filter(identities__issuer=settings.OIDC_OP_ISSUER, identities__subject=claims["sub"])

    @transaction.atomic
    def create_user(self, claims):
        user = User(username=_free_username(claims), email=claims.get("email", "")[:254])
        _copy_profile(user, claims)
        user.set_unusable_password()
        user.save()
        Identity.objects.create(
            user=user, issuer=settings.OIDC_OP_ISSUER, subject=claims["sub"], last_signed_in_at=timezone.now()
        )
        self._follow_groups(user, claims)
        logger.info("A person signed in for the first time through single sign-on (user id %s)", user.pk)
        return user

    def update_user(self, user, claims):
        if claims.get("email"):
            user.email = claims["email"][:254]
        _copy_profile(user, claims)
        user.save(update_fields=["email", "display_name", "first_name", "last_name"])
        Identity.objects.filter(user=user, issuer=settings.OIDC_OP_ISSUER, subject=claims["sub"]).update(
            last_signed_in_at=timezone.now()
        )
        self._follow_groups(user, claims)
        return user

    def _follow_groups(self, user, claims):
        wanted = roles_from_claims(claims)
        if wanted is not None:
            sync_memberships(user, wanted)


def _copy_profile(user: User, claims: dict) -> None:
    if claims.get("name"):
        user.display_name = str(claims["name"])[:150]
    if claims.get("given_name"):
        user.first_name = str(claims["given_name"])[:150]
    if claims.get("family_name"):
        user.last_name = str(claims["family_name"])[:150]


def _free_username(claims: dict) -> str:
    """The provider's preferred username (or the e-mail's local part), made unique here."""
    wanted = claims.get("preferred_username") or (claims.get("email") or "").split("@")[0] or claims["sub"]
    base = "".join(ch for ch in str(wanted) if ch.isalnum() or ch in "@.+-_")[:140] or "person"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def provider_logout_url(request) -> str:
    """Where to send a person after signing out here, so the provider's session ends as well."""
    after = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    if not settings.OIDC_OP_LOGOUT_ENDPOINT:
        return reverse(settings.LOGOUT_REDIRECT_URL)
    params = {"post_logout_redirect_uri": after, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
