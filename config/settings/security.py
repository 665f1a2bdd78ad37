"""What the browser is told to enforce, cookies, request sizes, and HTTPS in production."""

from csp.constants import NONE, SELF

from config.env import env_bool, env_int, origin_of
from config.settings.core import PRODUCTION
from config.settings.people import OIDC_OP_LOGOUT_ENDPOINT

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
