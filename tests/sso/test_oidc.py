"""Single sign-on against a real OpenID Connect provider process: every request and token is real."""

import base64
import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from accounts.models import Membership, Role, User
from sso.backends import OrganisationOIDCBackend, RefusedToken
from sso.models import Identity
from tests.factories import MembershipFactory, TeamFactory
from tests.sso.conftest import CLIENT_ID

pytestmark = pytest.mark.django_db


def start(client, next_url="/incidents/"):
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def come_back(client, location):
    parts = urlsplit(location)
    assert parts.path == "/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider, sub, next_url="/incidents/"):
    return come_back(client, provider.approve(start(client, next_url), sub))


def messages_on_login_page(client):
    return client.get("/login/").text


@pytest.fixture
def teams(payments, platform):
    return payments, platform


def test_first_sign_in_creates_the_person_with_the_teams_their_groups_give(client, sso, teams):
    sso.set_person("00u-lena", email="lena@example.com", name="Lena Okafor", preferred_username="lena",
                   groups=["payments-oncall", "payments-leads", "a-group-we-do-not-map"])  # fmt: skip

    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(sso.config["authorization_endpoint"])
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == ["openid email profile"]
    assert "nonce" in query and "state" in query

    response = come_back(client, sso.approve(authorize, "00u-lena"))
    assert response.status_code == 302 and response["Location"] == "/incidents/"

    person = User.objects.get(identities__subject="00u-lena", identities__issuer=sso.issuer)
    assert (person.username, person.display_name, person.email) == ("lena", "Lena Okafor", "lena@example.com")
    assert not person.has_usable_password()
    # Two groups give Payments; the stronger role wins. Platform is not given.
    assert dict(person.memberships.values_list("team__slug", "role")) == {"payments": Role.MANAGER}

    page = client.get("/incidents/")
    assert page.status_code == 200
    assert "Lena Okafor" in page.text


def test_later_sign_ins_find_the_same_person_and_follow_the_claim(client, sso, teams):
    payments, platform = teams
    security = TeamFactory(name="Security", slug="security")
    sso.set_person(
        "00u-kim", email="kim@example.com", name="Kim Ito", preferred_username="kim", groups=["payments-oncall"]
    )
    sign_in(client, sso, "00u-kim")
    person = User.objects.get(username="kim")
    # An admin added Kim to a team the mapping does not manage.
    MembershipFactory(user=person, team=security, role=Role.FACILITATOR)

    sso.set_person("00u-kim", email="kim.ito@example.com", name="Kim Ito", preferred_username="kim",
                   groups=["platform-oncall"])  # fmt: skip
    response = sign_in(Client(), sso, "00u-kim")
    assert response.status_code == 302

    assert User.objects.filter(identities__subject="00u-kim").count() == 1
    person.refresh_from_db()
    assert person.email == "kim.ito@example.com"
    assert dict(person.memberships.values_list("team__slug", "role")) == {
        "platform": Role.ENGINEER,
        "security": Role.FACILITATOR,
    }


def test_without_the_groups_claim_memberships_stay_as_they_are(client, sso, teams):
    payments, _ = teams
    sso.set_person("00u-noa", email="noa@example.com", preferred_username="noa", groups=["payments-oncall"])
    sign_in(client, sso, "00u-noa")
    sso.set_person("00u-noa", email="noa@example.com", preferred_username="noa")
    sign_in(Client(), sso, "00u-noa")
    assert Membership.objects.filter(user__username="noa", team=payments, role=Role.ENGINEER).exists()


def test_a_password_account_with_the_same_email_is_not_taken_over(client, sso, engineer):
    sso.set_person("00u-mallory", email=engineer.email, preferred_username=engineer.username)
    sign_in(client, sso, "00u-mallory")
    newcomer = User.objects.get(identities__subject="00u-mallory")
    assert newcomer.pk != engineer.pk
    assert newcomer.username == f"{engineer.username}-2"


def refused(client, sso, caplog, reason):
    sso.set_person("00u-eve", email="eve@example.com", preferred_username="eve")
    with caplog.at_level(logging.WARNING, "sso"):
        response = sign_in(client, sso, "00u-eve")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="eve").exists()
    assert not Identity.objects.exists()
    page = messages_on_login_page(client)
    assert "Signing in through Example SSO did not succeed, so nothing was changed." in page
    logged = [r.getMessage() for r in caplog.records if r.name == "sso"]
    assert logged == [f"Refused single sign-on: {reason}"]
    # The log says why, never who or with what token.
    assert "eve" not in logged[0]


def test_a_token_from_another_issuer_is_refused(client, sso, settings, caplog):
    settings.OIDC_OP_ISSUER = "https://login.example.com"
    refused(client, sso, caplog, "the ID token comes from another issuer")


def test_an_expired_token_is_refused(client, sso, caplog):
    location = sso.approve(start(client), "00u-eve")
    # The provider's tokens last an hour; this one arrives two hours late.
    with time_machine.travel(timedelta(hours=2)):
        sso.set_person("00u-eve", email="eve@example.com", preferred_username="eve")
        with caplog.at_level(logging.WARNING, "sso"):
            response = come_back(client, location)
    assert response["Location"] == "/login/"
    assert not User.objects.filter(username="eve").exists()
    assert [r.getMessage() for r in caplog.records if r.name == "sso"] == [
        "Refused single sign-on: the ID token has expired"
    ]


def test_a_token_not_signed_by_the_key_we_trust_is_refused(client, sso, settings, caplog):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_RP_IDP_SIGN_KEY = other_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    refused(client, sso, caplog, "the ID token's signature does not match the provider's key")


def test_tokens_for_another_application_or_altered_are_refused(sso, rf):
    backend = OrganisationOIDCBackend()
    ours = sso.id_token_for(CLIENT_ID, "00u-zoe")
    assert backend.verify_token(ours, nonce="n")["sub"] == "00u-zoe"

    theirs = sso.id_token_for("another-app", "00u-zoe")
    with pytest.raises(RefusedToken, match="issued for another application"):
        backend.verify_token(theirs, nonce="n")

    header, payload, signature = ours.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "00u-admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(RefusedToken, match="signature does not match"):
        backend.verify_token(f"{header}.{forged}.{signature}", nonce="n")

    with pytest.raises(RefusedToken, match="not a JWT"):
        backend.verify_token("not-a-token", nonce="n")


def test_a_switched_off_account_cannot_sign_in_through_the_provider(client, sso):
    sso.set_person("00u-ola", email="ola@example.com", preferred_username="ola")
    sign_in(Client(), sso, "00u-ola")
    User.objects.filter(username="ola").update(is_active=False)
    response = sign_in(client, sso, "00u-ola")
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert "Your account here is switched off." in messages_on_login_page(client)


def test_declining_at_the_provider_says_so(client, sso):
    authorize = start(client)
    denied = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=5)
    response = come_back(client, denied.headers["Location"])
    assert response["Location"] == "/login/"
    assert "Example SSO did not sign you in." in messages_on_login_page(client)


def test_signing_out_ends_the_session_here_and_at_the_provider(client, sso):
    sso.set_person("00u-ray", email="ray@example.com", preferred_username="ray")
    sign_in(client, sso, "00u-ray")
    assert client.get("/incidents/").status_code == 200

    response = client.post("/logout/")
    assert response.status_code == 302
    end_session = response["Location"]
    query = parse_qs(urlsplit(end_session).query)
    assert end_session.startswith(sso.config["end_session_endpoint"])
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["id_token_hint"]
    assert client.get("/incidents/")["Location"].startswith("/login/")

    # The provider ends its own session and sends the browser back to our sign-in page.
    page = requests.get(end_session, timeout=5)
    assert page.status_code == 200
    confirmed = requests.post(f"{sso.issuer}/oauth2/end_session/confirm", allow_redirects=False, timeout=5,
                              data={"redirect_uri": query["post_logout_redirect_uri"][0]})  # fmt: skip
    assert confirmed.headers["Location"] == "http://testserver/login/"


def test_a_password_sign_out_stays_here(client, sso, engineer, password):
    client.post("/login/", {"username": engineer.username, "password": password})
    response = client.post("/logout/")
    assert response["Location"] == "/login/"


def test_password_sign_in_can_be_switched_off(client, sso, settings, engineer, password, org_admin):
    settings.PASSWORD_SIGN_IN = False
    settings.AUTHENTICATION_BACKENDS = ["sso.backends.OrganisationOIDCBackend"]

    page = client.get("/login/")
    assert "Sign in with Example SSO" in page.text
    assert 'name="password"' not in page.text

    response = client.post("/login/", {"username": engineer.username, "password": password})
    assert response.status_code == 403
    assert "Sign-in with a password is switched off here. Use Example SSO." in response.text
    assert "_auth_user_id" not in client.session

    admin = client.post("/admin/login/", {"username": org_admin.username, "password": password})
    assert admin.status_code == 200 and "_auth_user_id" not in client.session


def test_without_single_sign_on_its_pages_do_not_exist(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/login/").text


def test_the_settings_for_a_provider_are_read_from_its_discovery_document(oidc_provider):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("oidc_settings", oidc_provider.issuer + "/", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert lines["OIDC_ISSUER"] == oidc_provider.issuer
    assert lines["OIDC_JWKS_ENDPOINT"] == oidc_provider.config["jwks_uri"]
    assert lines["OIDC_END_SESSION_ENDPOINT"] == oidc_provider.config["end_session_endpoint"]
    with pytest.raises(CommandError, match="Could not read"):
        call_command("oidc_settings", oidc_provider.issuer + "/no-such-tenant", stdout=StringIO())
