"""In the browser: signing in and out through the real OpenID Connect provider, and the API tokens page."""

from playwright.sync_api import expect

from api.models import PersonalAccessToken
from tests.sso.conftest import oidc_provider, sso  # noqa: F401 - the provider process and its settings


def test_sign_in_and_out_through_the_provider(open_browser, sso, payments):  # noqa: F811
    sso.set_person("00u-amara", email="amara@example.com", name="Amara Diallo", preferred_username="amara",
                   groups=["payments-oncall"])  # fmt: skip
    person = open_browser()
    page = person.page
    page.goto("/incidents/")
    assert "/login/" in page.url
    person.assert_accessible()
    person.screenshot("sso-login")
    assert person.console_errors == []

    page.get_by_role("link", name="Sign in with Example SSO").click()
    # The provider's own sign-in page, in another origin.
    page.locator("input[name=sub]").fill("00u-amara")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Amara Diallo")
    assert page.url.endswith("/incidents/")
    # The provider's test pages load styles from the internet, which this machine cannot reach: only ours count.
    person.console_errors.clear()
    page.reload()
    assert person.console_errors == []

    page.get_by_role("button", name="Log out").click()
    # The provider asks to confirm ending its session, then sends the browser back to our sign-in page.
    assert page.url.startswith(sso.issuer)
    page.locator("form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/incidents/")
    assert "/login/" in page.url


def test_creating_and_revoking_an_api_token(open_browser, engineer, password):
    for width, name in ((1280, "desktop"), (390, "phone")):
        person = open_browser(viewport={"width": width, "height": 900})
        page = person.log_in("priya", password, "/me/tokens/")
        expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
        page.get_by_label("Name").fill(f"incident bot {name}")
        page.get_by_label("Read and write").check()
        page.get_by_role("button", name="Create token").click()
        secret = page.locator("#new-token").inner_text()
        assert secret.startswith("pm_")
        expect(page.get_by_role("row", name=f"incident bot {name}")).to_contain_text("Never")
        person.assert_accessible()
        person.screenshot(f"api-tokens-{name}")

        page.get_by_role("button", name=f"Revoke “incident bot {name}”").click()
        expect(page.get_by_role("status")).to_contain_text("is revoked")
        assert person.console_errors == []
    assert PersonalAccessToken.objects.filter(revoked_at__isnull=False).count() == 2


def test_the_api_reference_loads_under_the_content_security_policy(open_browser):
    person = open_browser()
    page = person.page
    page.goto("/api/docs")
    expect(page.get_by_text("Post-mortems API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/incidents").first).to_be_visible()
    person.screenshot("api-reference")
    assert person.console_errors == []
