"""Other systems: mail, forge and monitoring web hooks, the Slack app and the API."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_json, env_list, env_str

# Links in email and chat messages point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

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

# --- Alert intake (alerts/) --------------------------------------------------------------
ALERT_BODY_MAX_BYTES = env_int("ALERT_BODY_MAX_BYTES", 1024 * 1024)
# How old a generic web hook's signature may be (seconds) before it counts as replayed.
ALERT_SIGNATURE_TOLERANCE = env_int("ALERT_SIGNATURE_TOLERANCE", 300)
# How long a delivery's key is kept to recognise a retry or a duplicate.
ALERT_KEEP_DELIVERIES_DAYS = env_int("ALERT_KEEP_DELIVERIES_DAYS", 30)
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
