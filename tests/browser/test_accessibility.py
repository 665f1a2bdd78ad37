"""axe-core on the key pages: no serious or critical accessibility violation.

Each area adds its own pages here as they land (``person.assert_accessible()`` after navigating).
"""

import pytest
from playwright.sync_api import expect


def test_sign_in_pages_are_accessible(open_browser, engineer, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 3
    person = open_browser()
    page = person.page
    page.goto("/login/")
    # An injected <script> is refused by the CSP, as it should be...
    with pytest.raises(Exception, match="(?i)content security policy|Failed to load|refused"):
        page.add_script_tag(content="window.__injected = true;")
    assert page.evaluate("typeof window.__injected") == "undefined"
    person.console_errors.clear()
    # ...so the harness evaluates axe through the DevTools protocol instead.
    person.assert_accessible()
    assert page.evaluate("axe.version") == "4.14.1"
    assert person.console_errors == []
    # The harness does fail, readably, on a page with a problem.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=unlabelled>')")
    with pytest.raises(pytest.fail.Exception) as failure:
        person.assert_accessible()
    assert "- label (critical): Form elements must have labels" in str(failure.value)
    assert "#unlabelled" in str(failure.value)
    page.reload()

    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("2 more unsuccessful attempts")
    person.assert_accessible()
    for _ in range(2):
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in for this username is paused")
    person.screenshot("a11y-sign-in-paused")
    person.assert_accessible()

    phone = open_browser(viewport={"width": 375, "height": 740})
    phone.page.goto("/login/")
    phone.screenshot("a11y-sign-in-phone")
    phone.assert_accessible()


def test_signed_in_pages_are_accessible(open_browser, engineer, teammate, org_admin, outsider, password):
    person = open_browser()
    page = person.log_in("priya", password)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    person.assert_accessible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="Teams")).to_be_visible()
    person.assert_accessible()

    page.get_by_role("link", name="Payments").first.click()
    expect(page.get_by_role("heading", name="Payments")).to_be_visible()
    person.assert_accessible()

    page.goto("/me/")
    page.get_by_label("Email").fill("priya@example")  # the browser accepts it; the server does not
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    person.screenshot("a11y-profile-error")
    person.assert_accessible()

    page.goto("/teams/no-such-team/")
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    person.assert_accessible()
    # Only the deliberate 400 and 404 answers, no script errors.
    assert all(e.startswith("Failed to load resource") for e in person.console_errors), person.console_errors

    admin = open_browser()
    admin_page = admin.log_in("alex", password, path="/teams/payments/")
    expect(admin_page.get_by_role("heading", name="Add someone")).to_be_visible()
    admin.screenshot("a11y-team-admin")
    admin.assert_accessible()
