"""Signed Slack requests, and a local HTTP server standing in for Slack's Web API."""

import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from tests.processes import HttpStandIn

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


class SlackStandIn:
    """Answers the Web API methods the app calls and records every call (method, arguments)."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.emails: dict[str, str] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, args):
                method = urlsplit(self.path).path.rsplit("/", 1)[-1]
                stand_in.calls.append((method, args))
                if method == "users.info":
                    email = stand_in.emails.get(args.get("user"))
                    body = (
                        {"ok": True, "user": {"id": args.get("user"), "profile": {"email": email}}}
                        if email
                        else {"ok": False, "error": "user_not_found"}
                    )
                elif method == "chat.getPermalink":
                    body = {
                        "ok": True,
                        "permalink": f"https://acme.slack.com/archives/{args.get('channel')}/p{args.get('message_ts', '').replace('.', '')}",
                    }
                else:
                    body = {"ok": True}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                args |= {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                self._answer(args)

            def log_message(self, *args):
                pass

        self.stand_in = HttpStandIn(Handler)
        self.url = f"{self.stand_in.base_url}/api/"

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]

    def close(self):
        self.stand_in.close()


@pytest.fixture
def slack_api(settings):
    stand_in = SlackStandIn()
    settings.SLACK_API_URL = stand_in.url
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
    settings.SLACK_BOT_TOKEN = "xoxb-test-token"
    yield stand_in
    stand_in.close()


def signed_headers(body: bytes, at: float | None = None, secret: str = SIGNING_SECRET) -> dict:
    timestamp = str(int(at if at is not None else time.time()))
    base = f"v0:{timestamp}:".encode() + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def send(path: str, fields: dict, **sign) -> "Client.response":
    body = urlencode(fields).encode()
    return Client().post(
        path, body, content_type="application/x-www-form-urlencoded", headers=signed_headers(body, **sign)
    )


def interaction(payload: dict, **sign):
    return send("/slack/interactions/", {"payload": json.dumps(payload)}, **sign)
