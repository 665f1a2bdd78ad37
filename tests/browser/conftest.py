"""The browser harness: Playwright for Python driving Debian's Chromium against ``live_server``."""

import functools
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# How long a page that polls every second may take to follow someone else's change: a few polls, and more on a
# machine running the whole suite on two cores (how fast it follows is the page benchmark's to measure).
FOLLOW_MS = 8000
# axe-core from the npm registry (see vendor/README.md); run by BrowserSession.assert_accessible().
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_FAILING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run .ci/run or `apt-get install chromium`.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()


class BrowserSession:
    """One person's browser context: pages, console errors and CSP violations they would hit."""

    def __init__(self, browser, base_url: str, timezone_id: str = "UTC", viewport=None):
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url, timezone_id=timezone_id, viewport=viewport or {"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def log_in(self, username: str, password: str, path: str | None = None):
        """Sign in with this username and password and open ``path``, by default the page a sign-in leads to
        (as signing in from a link to ``path`` would).

        The sign-in page itself is driven through the browser in test_login.py and test_accessibility.py.
        Everywhere else the sign-in runs on the server (Django's test client: the same authentication,
        signals and session) and the browser is handed the session cookie, which saves a page load, a
        form post and a redirect for every person in every test.
        """
        from django.conf import settings
        from django.shortcuts import resolve_url
        from django.test import Client, RequestFactory

        client = Client()
        # Sign-in throttling (django-axes) counts by the request's address, so authenticate() needs one.
        request = RequestFactory().post(settings.LOGIN_URL)
        assert client.login(request=request, username=username, password=password), f"{username} could not sign in"
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url, "httpOnly": True, "sameSite": "Lax"}]
        )
        page = self.page
        page.goto(path or resolve_url(settings.LOGIN_REDIRECT_URL))
        assert "/login/" not in page.url, f"{username}'s session cookie did not sign them in"
        return page

    def assert_accessible(self, exclude: list[str] | None = None) -> list[dict]:
        """Run axe-core on the page as it is now; fail on serious or critical violations with a readable list.

        Returns every violation (moderate and minor too) for a test that wants to look further. axe is
        evaluated through the DevTools protocol: the page's CSP rightly refuses an injected <script>.
        """
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(_axe_source())
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
        results = page.evaluate(
            "async ([context, options]) => await axe.run(context === 'document' ? document : context, options)",
            [context, options],
        )
        violations = results["violations"]
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        if failing:
            lines = [f"axe-core found {len(failing)} serious or critical problem(s) on {page.url}:"]
            for violation in failing:
                lines.append(
                    f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
                )
                for node in violation["nodes"][:5]:
                    summary = " ".join(node.get("failureSummary", "").split())
                    lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
                if len(violation["nodes"]) > 5:
                    lines.append(f"    ... and {len(violation['nodes']) - 5} more")
            pytest.fail("\n".join(lines), pytrace=False)
        return violations

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def open_browser(browser, live_server):
    """Factory: ``open_browser()`` gives a fresh BrowserSession (call twice for two people)."""
    sessions = []

    def make(**kwargs) -> BrowserSession:
        session = BrowserSession(browser, live_server.url, **kwargs)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
