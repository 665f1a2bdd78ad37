import requests
from django.core.management.base import BaseCommand, CommandError

ENVIRONMENT = {
    "OIDC_ISSUER": "issuer",
    "OIDC_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_USERINFO_ENDPOINT": "userinfo_endpoint",
    "OIDC_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_END_SESSION_ENDPOINT": "end_session_endpoint",
}


class Command(BaseCommand):
    help = "Read an OpenID Connect provider's discovery document and print the settings to use for it."

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="Such as https://login.microsoftonline.com/TENANT-ID/v2.0")

    def handle(self, *args, issuer, **options):
        issuer = issuer.rstrip("/")
        address = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(address, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"Could not read {address}: {exc}") from None
        if document.get("issuer", "").rstrip("/") != issuer:
            raise CommandError(
                f"The document names the issuer {document.get('issuer')!r}, not {issuer!r}: use that one."
            )
        for name, key in ENVIRONMENT.items():
            if document.get(key):
                self.stdout.write(f"{name}={document[key]}")
        if "end_session_endpoint" not in document:
            self.stderr.write("This provider has no end-session endpoint: signing out here will not sign out there.")
