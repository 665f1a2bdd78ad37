"""Settings for the post-mortem service, read from environment variables.

With nothing set, the project runs on embedded defaults (a SQLite file and a
file-based Celery broker under ``var/``). ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and Redis. ``DJANGO_ENV=production`` turns on the
production checks: no default secret, explicit allowed hosts, secure cookies.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_json, env_list, env_str, origin_of
from config.logging import formatter_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if not SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Production needs SECRET_KEY set to a random value of at least 32 characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
else:
    SECRET_KEY = SECRET_KEY or "development-only-key-not-for-production-use-0123456789"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "accounts",
    "sso",
    "audit",
    "incidents",
    "postmortems",
    "actions",
    "dashboard",
    "health",
    "fragments",
    "alerts",
    "slackapp",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that every response (redirects and refusals from the middleware below too) carries them.
    "config.middleware.SettledPolicyCSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.signed_in.AuthenticationMiddleware",
    # Changes made during a request are recorded as that person's (audit trail).
    "audit.middleware.AuditActorMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: counts failed sign-ins (accounts/throttling.py); the sign-in form itself answers a pause.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets render through the templates above, so templates/django/forms/ can speed up the busiest ones.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN", 1),
                "max_size": env_int("DATABASE_POOL_MAX", 10),
                "timeout": 10,
            }
        }
        # Django then passes psycopg_pool's ConnectionPool.check_connection as the pool's check: each
        # connection is tested as it leaves the pool, so one that died with a PostgreSQL restart is
        # replaced instead of failing a request.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Lets parallel test runs on one server keep their databases apart.
    if env_str("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis being down turns cache reads into misses and writes into no-ops: the cache only holds
            # what can be rebuilt, so a page carries on against PostgreSQL (django-redis IGNORE_EXCEPTIONS).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pm"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }
    # Each call that finds Redis unreachable logs a warning (logger "django_redis").
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# How long a shared fragment is kept (fragments/templatetags/fragments.py); its key holds the versions of
# what it shows, so a change makes it stale at once and this only bounds what an unused one costs. 0: off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 60 * 60 * 24)

# --- Celery -----------------------------------------------------------------
# The embedded broker keeps messages in files; kombu warns unless its URL names a host, though none is used.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcasts (worker control) would otherwise go to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "health.tasks.record_worker_heartbeat", "schedule": timedelta(minutes=1)},
}
# On the hour, so that anonymous near misses appear in batches (incidents.services).
CELERY_BEAT_SCHEDULE["incidents-release-near-misses"] = {
    "task": "incidents.tasks.release_near_misses",
    "schedule": crontab(minute=0),
}
CELERY_BEAT_SCHEDULE["accounts-clear-expired-sessions"] = {
    "task": "accounts.tasks.clear_expired_sessions",
    "schedule": timedelta(hours=6),
}

# --- Dashboard: after a change its figures are refreshed in the background, at most once this many seconds
# for the same filters and viewers (meanwhile everyone gets the last figures, with the time they were computed).
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 10)

# --- Follow-through (actions app): the systemic-fix obligation and reminders -----------------
SYSTEMIC_FIX_HOURS = env_int("SYSTEMIC_FIX_HOURS", 48)
# Reminders to the responders and the facilitator, this many hours before the deadline.
SYSTEMIC_FIX_REMINDER_HOURS = [int(h) for h in env_list("SYSTEMIC_FIX_REMINDER_HOURS", ["24", "4"])]
# After the deadline: the escalation, then a reminder every this many hours until the fix lands.
SYSTEMIC_FIX_REPEAT_HOURS = env_int("SYSTEMIC_FIX_REPEAT_HOURS", 24)
# After commitment the fix must land by its item's due date; an item without one gets this many days.
FIX_LANDING_DAYS = env_int("FIX_LANDING_DAYS", 14)
# Until it lands: a reminder to its owner and the responders every this many hours, then, once the
# landing date has passed, an escalation to the teams' managers repeated every this many hours.
FIX_LANDING_REMINDER_HOURS = env_int("FIX_LANDING_REMINDER_HOURS", 72)
FIX_LANDING_OVERDUE_REPEAT_HOURS = env_int("FIX_LANDING_OVERDUE_REPEAT_HOURS", 24)
# A landed fix counts as held once this many days pass with no recurrence left undecided.
FIX_HELD_AFTER_DAYS = env_int("FIX_HELD_AFTER_DAYS", 90)
# How often the incident page asks whether its systemic fix changed state (seconds).
OBLIGATION_POLL_SECONDS = env_int("OBLIGATION_POLL_SECONDS", 20)
# Forge web hooks: "github:acme=secret,gitlab:platform=token" (forge:organisation=secret), before the admin's.
FORGE_WEBHOOK_SECRETS: dict[tuple[str, str], str] = {}
for _entry in env_list("FORGE_WEBHOOK_SECRETS", []):
    _where, _sep, _secret = _entry.partition("=")
    _forge, _colon, _org = _where.partition(":")
    if not (_sep and _colon and _secret and _org) or _forge not in {"github", "gitlab"}:
        raise ImproperlyConfigured(
            "FORGE_WEBHOOK_SECRETS must be comma-separated forge:organisation=secret entries (forge github or gitlab)."
        )
    FORGE_WEBHOOK_SECRETS[(_forge, _org.lower())] = _secret
FORGE_WEBHOOK_MAX_BYTES = env_int("FORGE_WEBHOOK_MAX_BYTES", 1_000_000)
ACTIONS_DIGEST_WEEKDAY = env_int("ACTIONS_DIGEST_WEEKDAY", 0)  # Monday
ACTIONS_DIGEST_HOUR = env_int("ACTIONS_DIGEST_HOUR", 8)  # in TIME_ZONE
ACTIONS_SWEEP_SECONDS = env_int("ACTIONS_SWEEP_SECONDS", 60)
ACTIONS_SWEEP_BATCH_SIZE = env_int("ACTIONS_SWEEP_BATCH_SIZE", 200)
ACTIONS_DELIVERY_MAX_ATTEMPTS = env_int("ACTIONS_DELIVERY_MAX_ATTEMPTS", 6)
ACTIONS_CHAT_TIMEOUT = env_int("ACTIONS_CHAT_TIMEOUT", 5)
# Links in email and chat messages point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CELERY_BEAT_SCHEDULE["actions-sweep"] = {
    "task": "actions.tasks.sweep",
    "schedule": timedelta(seconds=ACTIONS_SWEEP_SECONDS),
}
CELERY_BEAT_SCHEDULE["actions-reconcile-obligations"] = {
    "task": "actions.tasks.reconcile_obligations",
    "schedule": timedelta(minutes=env_int("ACTIONS_RECONCILE_MINUTES", 15)),
}

# --- Privacy -------------------------------------------------------------------
# No figure or comment set about fewer people than this is shown, on any page or in any export.
PRIVACY_MIN_PEOPLE = env_int("PRIVACY_MIN_PEOPLE", 3)
if PRIVACY_MIN_PEOPLE < 3:
    raise ImproperlyConfigured("PRIVACY_MIN_PEOPLE must be 3 or more: fewer would point at individuals.")

# --- Reviews -------------------------------------------------------------------
# Severities whose incidents must have a review, and how soon the review meeting is due
# after resolution: (number of days, "days" or "business_days").
REVIEW_REQUIRED_SEVERITIES = env_list("REVIEW_REQUIRED_SEVERITIES", ["sev1", "sev2"])
if set(REVIEW_REQUIRED_SEVERITIES) - {"sev1", "sev2", "sev3", "sev4"}:
    raise ImproperlyConfigured("REVIEW_REQUIRED_SEVERITIES must list severities among sev1, sev2, sev3, sev4.")
REVIEW_MEETING_DEADLINES = {
    "sev1": (env_int("REVIEW_MEETING_DAYS_SEV1", 3), "days"),
    "sev2": (env_int("REVIEW_MEETING_BUSINESS_DAYS_SEV2", 5), "business_days"),
}

# --- People -------------------------------------------------------------------
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
# (accounts.middleware.SessionTimeoutMiddleware); the cookie never outlives the absolute limit.
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
AXES_RESET_ON_SUCCESS = False  # accounts.throttling clears the account's count only, not the address's
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Alert intake (alerts/) --------------------------------------------------------------
ALERT_BODY_MAX_BYTES = env_int("ALERT_BODY_MAX_BYTES", 1024 * 1024)
# How old a generic web hook's signature may be (seconds) before it counts as replayed.
ALERT_SIGNATURE_TOLERANCE = env_int("ALERT_SIGNATURE_TOLERANCE", 300)
# How long a delivery's key is kept to recognise a retry or a duplicate.
ALERT_KEEP_DELIVERIES_DAYS = env_int("ALERT_KEEP_DELIVERIES_DAYS", 30)
CELERY_BEAT_SCHEDULE["alerts-forget-old-deliveries"] = {
    "task": "alerts.tasks.forget_old_deliveries",
    "schedule": timedelta(hours=24),
}
# Words monitoring systems use for severity (Prometheus' "severity" label, PagerDuty's priority and urgency).
ALERT_SEVERITY_MAP = {
    "critical": "sev1", "p1": "sev1", "page": "sev2", "high": "sev2", "error": "sev2", "major": "sev2", "p2": "sev2",
    "warning": "sev3", "minor": "sev3", "low": "sev3", "p3": "sev3", "info": "sev4", "p4": "sev4", "p5": "sev4",
} | env_json("ALERT_SEVERITY_MAP", {})  # fmt: skip

# --- The Slack app (slackapp/) -----------------------------------------------------------
SLACK_SIGNING_SECRET = env_str("SLACK_SIGNING_SECRET")
SLACK_BOT_TOKEN = env_str("SLACK_BOT_TOKEN")
SLACK_API_URL = env_str("SLACK_API_URL", "https://slack.com/api/")
SLACK_TIMEOUT = env_int("SLACK_TIMEOUT", 5)
SLACK_BODY_MAX_BYTES = env_int("SLACK_BODY_MAX_BYTES", 256 * 1024)
# Post each new (not restricted) incident to its team's chat web hook.
SLACK_ANNOUNCE_INCIDENTS = env_bool("SLACK_ANNOUNCE_INCIDENTS", True)

# The API's lists (api/): a page as long as the pages' own lists.
NINJA_PAGINATION_PER_PAGE = 25

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Mail -------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Post-mortems <postmortems@localhost>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)

# --- Security ---------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if OIDC_OP_LOGOUT_ENDPOINT:
    # Signing out (a form) ends with a redirect to the provider's end-session page, which form-action governs.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(origin_of(OIDC_OP_LOGOUT_ENDPOINT))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Form fields of one request, and any request body as a whole (uploads included): larger is refused
# with a 413 page that says so (config.middleware.RequestBodyLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)  # 2.5 MB, as Django
REQUEST_BODY_MAX_SIZE = env_int("REQUEST_BODY_MAX_SIZE", 8 * 1024 * 1024)
# The transcript preview sends back up to 2,000 rows of six fields each (incidents.transcripts.MAX_LINES).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 15_000)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# One JSON object per line in production (LOG_FORMAT=json), plain lines otherwise (config/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": formatter_settings(LOG_FORMAT)},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # accounts.login logs failed sign-ins (username, address); axes' own lines would add the user agent.
        "axes": {"level": "ERROR"},
    },
}
# With JSON logs the worker and beat log through LOGGING too, instead of Celery's own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
