from playwright.sync_api import expect


def test_sign_in_through_the_real_page(open_browser, engineer, password):
    person = open_browser()
    page = person.page
    page.goto("/")
    assert "/login/" in page.url

    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value("priya")
    person.screenshot("login-error")

    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Priya Raman")
    person.screenshot("home")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert person.console_errors == []


def test_htmx_loads_under_the_content_security_policy(open_browser, engineer, password):
    person = open_browser()
    page = person.log_in("priya", password)
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    csp = page.request.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert person.console_errors == []
