"""Private services the fault tests may stop and start at will.

The machine's shared PostgreSQL and Redis are used by other test runs at the same time: these
tests never touch them, and start throw-away servers of their own instead.
"""

import glob
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.processes import free_port


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL server binaries ({name}) are not installed under /usr/lib/postgresql/.")
    return found[-1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb into a temp dir) run as the postgres user on a free port."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pm-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        shutil.chown(self.root, "postgres", "postgres")

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{log}")
        return result

    def init(self) -> "PrivatePostgres":
        self._as_postgres(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", action)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres():
    cluster = PrivatePostgres().init()
    cluster.start()
    yield cluster
    cluster.remove()


class WebClient:
    """A small HTTP client for servers in subprocesses: keeps cookies (Secure ones too, since the tests
    speak plain HTTP behind a pretend TLS proxy) and never follows redirects."""

    def __init__(self, base_url: str, headers: dict | None = None):
        import urllib.request

        class NoRedirects(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        import urllib.error
        import urllib.parse
        import urllib.request
        from http.cookies import SimpleCookie

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=all_headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            status, response_headers, content = response.status, response.headers, response.read()
        for header in response_headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, response_headers, content.decode("utf-8", "replace")

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf_token(self, html: str) -> str:
        import re

        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def log_in(self, username: str, password: str, scheme: str = "http"):
        status, _, page = self.get("/login/")
        assert status == 200, page[:500]
        form = {"csrfmiddlewaretoken": self.csrf_token(page), "username": username, "password": password}
        referer = self.base_url.replace("http://", f"{scheme}://", 1) + "/login/"
        return self.request("POST", "/login/", form, headers={"Referer": referer})
