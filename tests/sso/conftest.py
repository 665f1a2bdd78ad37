"""A real OpenID Connect provider process (oidc-provider-mock) for the sign-in tests.

The provider signs real RS256 ID tokens with a key of its own and serves discovery, JWKS, token,
userinfo and end-session endpoints; the application talks to it over HTTP like to Okta or Keycloak.
"""

import copy
import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from config.env import origin_of
from tests.processes import ChildProcess, free_port, port_is_open

CLIENT_ID = "postmortems"
CLIENT_SECRET = "sso-test-secret"


class Provider:
    def __init__(self, log_path: Path):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = ChildProcess(command, dict(os.environ), log_path, is_ready=lambda: port_is_open(self.port))

    def start(self) -> "Provider":
        self.process.start()
        self.config = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()
        return self

    def stop(self) -> None:
        self.process.stop()

    def set_person(self, sub: str, **claims) -> None:
        """What the provider will say about ``sub`` (its userinfo claims)."""
        response = requests.put(f"{self.issuer}/users/{sub}", data=json.dumps(claims), timeout=5,
                                headers={"Content-Type": "application/json"})  # fmt: skip
        response.raise_for_status()

    def approve(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider; returns where the provider sends the browser back."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def id_token_for(self, client_id: str, sub: str, redirect_uri: str = "http://app.example/cb") -> str:
        """A real ID token issued by the provider to ``client_id`` (as another application would get)."""
        params = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
                  "scope": "openid email", "state": "s", "nonce": "n"}  # fmt: skip
        authorize = requests.Request("GET", self.config["authorization_endpoint"], params=params).prepare().url
        code = parse_qs(urlsplit(self.approve(authorize, sub)).query)["code"][0]
        token = requests.post(self.config["token_endpoint"], timeout=5, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id, "client_secret": "whatever"})  # fmt: skip
        token.raise_for_status()
        return token.json()["id_token"]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = Provider(tmp_path_factory.mktemp("oidc") / "provider.log").start()
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, oidc_provider):
    """The application set up for single sign-on against the provider process."""
    config = oidc_provider.config
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = config["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = config["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = config["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = config["end_session_endpoint"]
    settings.OIDC_PROVIDER_NAME = "Example SSO"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_MAP = {
        "payments-oncall": {"payments": "engineer"},
        "payments-leads": {"payments": "manager"},
        "platform-oncall": {"platform": "engineer"},
    }
    settings.AUTHENTICATION_BACKENDS = [
        "sso.backends.OrganisationOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(origin_of(config["end_session_endpoint"]))
    settings.CONTENT_SECURITY_POLICY = policy
    return oidc_provider
