"""Security headers on real responses, and malformed or oversized requests that must never 500."""

import pytest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Membership

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_redirects_and_errors_all_carry_the_security_headers(client, engineer, password):
    assert_security_headers(client.get(reverse("login")))
    assert_security_headers(client.get("/"))  # the redirect to sign in
    client.force_login(engineer)
    assert_security_headers(client.get("/"))
    assert_security_headers(client.get("/teams/no-such-team/"))
    assert_security_headers(client.post(reverse("profile"), "x" * (9 * MB), content_type="text/plain"))


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, engineer, password):
    page = client.get(reverse("login"))
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": "priya", "password": password})
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize(
    "path",
    [
        "/teams/%ff%fe/",
        "/teams/payments/members/99999999999999999999999/role/",
        "/teams/payments/members/abc/role/",
        "/teams/payments/members/-1/remove/",
        "/teams/" + "a" * 5000 + "/",
        "/teams/payments%00/",
        "/me/?time_zone=%00",
        "/teams/?page=-1&sort=%27%22%3E%3Cscript%3E",
    ],
)
def test_malformed_addresses_are_400_or_404_never_500(client, org_admin, engineer, path):
    client.force_login(org_admin)
    assert client.get(path).status_code in {200, 400, 404, 405}
    assert client.post(path, {"role": "admin"}).status_code in {200, 400, 404, 405, 422}


def test_huge_member_id_is_a_plain_404(client, org_admin, engineer):
    client.force_login(org_admin)
    response = client.post("/teams/payments/members/9223372036854775808/role/", {"role": "admin"})
    assert response.status_code == 404
    assert "We could not find that page" in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"username": "pri\x00ya", "password": "x"},
        {"username": "priya", "password": "\x00"},
        {"username": ["priya", "jonas"], "password": "x"},
        {"username": "p" * 100_000, "password": "x"},
        {},
    ],
)
def test_malformed_sign_in_forms_are_errors_in_the_form(client, engineer, data):
    response = client.post(reverse("login"), data)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example", "%00", "/" * 3000],
)
def test_sign_in_never_redirects_off_site(client, engineer, password, next_url):
    response = client.post(reverse("login"), {"username": "priya", "password": password, "next": next_url})
    assert response.status_code == 302
    assert url_has_allowed_host_and_scheme(response.url, allowed_hosts={"testserver"})
    assert "evil" not in response.url and "javascript" not in response.url


def test_malformed_profile_values_are_refused_with_the_text_kept(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("profile"), {"display_name": "Priya\x00", "email": "not an email", "time_zone": "../../etc/passwd"}
    )
    assert response.status_code == 422
    assert "Enter a valid email address." in response.text
    engineer.refresh_from_db()
    assert engineer.time_zone == "UTC"


def test_invalid_utf8_in_a_form_does_not_break_the_page(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("profile"),
        b"display_name=%FF%FE&email=p%40example.com&time_zone=UTC",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in {302, 400}


def post_profile(client, display_name: str, **extra):
    """The profile form with a valid address and time zone, and ``display_name`` as given."""
    data = {"display_name": display_name, "email": "p@example.com", "time_zone": "UTC"}
    return client.post(reverse("profile"), data, **extra)


@pytest.mark.parametrize(
    ("size", "limit"),
    [pytest.param(10 * MB, "8 MB", id="the whole body"), pytest.param(5 * MB, "2.5 MB", id="one text field")],
)
def test_an_oversized_request_is_refused_with_a_clear_message(client, engineer, size, limit):
    client.force_login(engineer)
    response = post_profile(client, "x" * size)
    assert response.status_code == 413
    assert f"more than the {limit} we accept at once" in response.text
    assert "Nothing was saved" in response.text
    engineer.refresh_from_db()
    assert engineer.display_name == "Priya Raman"


def test_oversized_upload_is_refused_before_it_is_read(client, org_admin, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org_admin)
    big = SimpleUploadedFile("export.json", b"{" + b" " * (10 * MB) + b"}", content_type="application/json")
    response = client.post(
        reverse("team_member_add", args=["payments"]), {"user": outsider.pk, "role": "engineer", "file": big}
    )
    assert response.status_code == 413
    assert not Membership.objects.filter(user=outsider, team__slug="payments").exists()


def test_htmx_request_that_is_too_large_gets_413_for_the_inline_message(client, engineer):
    client.force_login(engineer)
    response = post_profile(client, "x" * (3 * MB), headers={"HX-Request": "true"})
    assert response.status_code == 413


def test_too_many_fields_is_a_clear_400(client, engineer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client.force_login(engineer)
    response = client.post(reverse("profile"), {f"field{n}": "x" for n in range(60)})
    assert response.status_code == 400
    assert "more fields or files than we accept" in response.text


def test_a_nonsense_content_length_is_400(client, engineer):
    client.force_login(engineer)
    response = client.generic("POST", reverse("profile"), b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_the_csp_header_built_once_follows_changed_settings_and_a_responses_own_policy(rf, settings):
    from django.http import HttpResponse

    from config.middleware import SettledPolicyCSPMiddleware

    middleware = SettledPolicyCSPMiddleware(lambda request: HttpResponse("ok"))
    assert "script-src 'self'" in middleware(rf.get("/"))["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert middleware(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"

    own = HttpResponse("ok")
    own._csp_update = {"img-src": ["https://images.example.com"]}
    middleware = SettledPolicyCSPMiddleware(lambda request: own)
    assert "img-src https://images.example.com" in middleware(rf.get("/"))["Content-Security-Policy"]
