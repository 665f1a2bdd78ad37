"""People: accounts, single sign-on, sessions and sign-in throttling."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_json, env_str

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on through the organisation's OpenID Connect provider (sso/), on when OIDC_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_OP_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO") or "RS256"
OIDC_RP_SCOPES = env_str("OIDC_SCOPES") or "openid email profile"
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME") or "single sign-on"
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM") or "groups"
OIDC_GROUP_MAP = env_json("OIDC_GROUP_MAP", {})
OIDC_STORE_ID_TOKEN = True  # as the hint for signing out at the provider too
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATE_CLASS = "sso.views.StartSignIn"
OIDC_CALLBACK_CLASS = "sso.views.FinishSignIn"
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name, value in {
            "OIDC_ISSUER": OIDC_OP_ISSUER,
            "OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
            "OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
            "OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
            "OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        }.items()
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"Single sign-on (OIDC_CLIENT_ID is set) also needs {', '.join(_missing)}.")
_roles = {"engineer", "facilitator", "manager", "admin"}
if not isinstance(OIDC_GROUP_MAP, dict) or any(
    not isinstance(teams, dict) or set(map(str, teams.values())) - _roles for teams in OIDC_GROUP_MAP.values()
):
    raise ImproperlyConfigured(
        'OIDC_GROUP_MAP must look like {"group": {"team-slug": "engineer"}}, with roles among '
        + ", ".join(sorted(_roles))
    )
# PASSWORD_SIGN_IN=false leaves single sign-on as the only way in (the admin's sign-in too).
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
if not PASSWORD_SIGN_IN and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("PASSWORD_SIGN_IN=false needs single sign-on set up (OIDC_CLIENT_ID and the rest).")
AUTHENTICATION_BACKENDS = ["sso.backends.OrganisationOIDCBackend"] if OIDC_RP_CLIENT_ID else []
if PASSWORD_SIGN_IN:
    AUTHENTICATION_BACKENDS.append("django.contrib.auth.backends.ModelBackend")

# A sign-in ends after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT after it began
# (accounts.middleware.SignedInMiddleware); the cookie never outlives the absolute limit.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 60 * 4)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 60 * 60 * 12)
SESSION_ACTIVITY_RESOLUTION = env_int("SESSION_ACTIVITY_RESOLUTION", 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Every request reads its session: from the cache, with the database behind it (and in its place while
# the cache is unreachable).
# Django's cached_db sessions, read in the same cache round trip as the signed-in person (accounts/signed_in.py).
SESSION_ENGINE = "accounts.signed_in"
# Failed sign-ins: per username and per address, within the window; then a pause (accounts/throttling.py).
LOGIN_THROTTLE_ACCOUNT_LIMIT = env_int("LOGIN_THROTTLE_ACCOUNT_LIMIT", 5)
LOGIN_THROTTLE_ADDRESS_LIMIT = env_int("LOGIN_THROTTLE_ADDRESS_LIMIT", 30)
# Read for compatibility: axes keeps each count until LOGIN_THROTTLE_PAUSE passes without a failure.
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)
LOGIN_THROTTLE_PAUSE = env_int("LOGIN_THROTTLE_PAUSE", 15 * 60)
# django-axes counts them in the cache and refuses sign-in at either limit (accounts/throttling.py).
# Axes first, so that a paused sign-in is refused before any backend checks a password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_HANDLER = "accounts.throttling.FailOpenCacheHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = "accounts.throttling.pause_length"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.counted_address"
AXES_USERNAME_CALLABLE = "accounts.throttling.counted_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# AxesMiddleware only swaps a locked-out request's response for AXES_LOCKOUT_CALLABLE's, and ours keeps the
# sign-in form's own 429; counting and refusing happen in axes' signal handlers and backend, without it.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
AXES_RESET_ON_SUCCESS = False  # accounts.throttling clears the account's count only, not the address's
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
