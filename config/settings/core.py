"""The project's frame: production or not, its apps and middleware, templates, language and static files."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, env_str, in_production

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = in_production()
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
    # The signed-in person, session timeouts, their time zone, and sign-in required but where a view says not.
    "accounts.middleware.SignedInMiddleware",
    # Changes made during a request are recorded as that person's (audit trail).
    "audit.middleware.AuditActorMiddleware",
    "config.middleware.LazyMessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # No AxesMiddleware: the sign-in form answers a pause itself (config/settings/people.py, axes.W002).
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

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
