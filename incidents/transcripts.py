"""Chat transcripts turned into timeline entries: a pure parser, no database.

Three shapes are understood:

- ``[14:02] name: text`` (or ``[14:02:11]``) — the time of day only; the day is given by the caller,
  and a jump backwards of more than twelve hours is read as passing midnight;
- ``2026-03-01 14:02:11 name: text`` (``T`` between date and time, an optional ``Z`` or offset);
- a Slack channel export: a JSON list of messages (or ``{"messages": [...]}``) with ``ts`` and ``text``.

Nothing is dropped silently: every non-blank line of a chat paste (every message of a Slack export)
ends up either in an entry or in ``unparsed`` with the reason. An indented line right after an entry
continues that entry's text. The parser never raises on any input.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as fixed_timezone

MAX_BYTES = 200_000
MAX_LINES = 2_000

_TIME_ONLY = re.compile(r"^\s*\[(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?\]\s*(?P<rest>.*)$")
_FULL = re.compile(
    r"^\s*\[?(?P<d>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ](?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.[0-9]+)?)?(?P<z>Z|[+-][0-9]{2}:?[0-9]{2})?\]?(?:\s+(?P<rest>.*))?$"
)
_ANGLE_SPEAKER = re.compile(r"^<(?P<name>[^>]{1,80})>\s*(?P<text>.*)$")
# A colon followed by a space: "https://..." is not a speaker.
_COLON_SPEAKER = re.compile(r"^(?P<name>[^:\s][^:]{0,79}?):\s+(?P<text>.*)$")
_SLACK_LINK = re.compile(r"<(?P<url>(?:https?|mailto):[^|>]+)(?:\|(?P<label>[^>]+))?>")
_MIDNIGHT_JUMP = timedelta(hours=12)


@dataclass(frozen=True)
class ParsedEntry:
    """One message that becomes a timeline entry; ``lines`` are the 1-based line (or message) numbers."""

    occurred_at: datetime
    speaker: str
    text: str
    lines: tuple[int, ...]

    @property
    def entry_text(self) -> str:
        return f"{self.speaker}: {self.text}" if self.speaker else self.text


@dataclass(frozen=True)
class UnparsedLine:
    """A line (or Slack message) we could not read, kept so the person sees it."""

    line: int
    text: str
    reason: str


@dataclass
class Transcript:
    format: str  # "chat", "slack" or "empty"
    entries: list[ParsedEntry] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)


def measure(text: str) -> tuple[int, int]:
    """Size in bytes (UTF-8) and in lines, to check a paste against MAX_BYTES and MAX_LINES."""
    return len(text.encode("utf-8", errors="replace")), len(text.splitlines())


def parse_transcript(text: str, *, day: date, tz: tzinfo) -> Transcript:
    """Read a pasted transcript. ``day`` dates time-only lines; ``tz`` is the zone the times were written in."""
    if not text or not text.strip():
        return Transcript(format="empty")
    slack_messages = _slack_messages(text)
    if slack_messages is not None:
        return _parse_slack(slack_messages)
    return _parse_chat(text, day=day, tz=tz)


# --- plain chat lines ------------------------------------------------------------------------


def _split_speaker(rest: str) -> tuple[str, str]:
    for pattern in (_ANGLE_SPEAKER, _COLON_SPEAKER):
        match = pattern.match(rest)
        if match:
            return match["name"].strip(), match["text"].strip()
    return "", rest.strip()


def _parse_chat(text: str, *, day: date, tz: tzinfo) -> Transcript:
    result = Transcript(format="chat")
    current: dict | None = None  # the entry being built, so continuation lines can join it
    previous_at: datetime | None = None
    day_offset = 0

    def finish():
        if current is not None:
            result.entries.append(
                ParsedEntry(current["at"], current["speaker"], current["text"], tuple(current["lines"]))
            )

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        occurred_at, rest, reason = None, "", ""
        full = _FULL.match(line)
        time_only = None if full else _TIME_ONLY.match(line)
        if full:
            rest = full["rest"] or ""
            try:
                occurred_at = datetime.combine(
                    date.fromisoformat(full["d"]),
                    time(int(full["h"]), int(full["m"]), int(full["s"] or 0)),
                ).replace(tzinfo=_zone(full["z"], tz))
            except ValueError:
                reason = "The date or time is not a real one."
        elif time_only:
            rest = time_only["rest"]
            try:
                clock = time(int(time_only["h"]), int(time_only["m"]), int(time_only["s"] or 0))
            except ValueError:
                reason = "The time is not a real one."
            else:
                try:
                    occurred_at = datetime.combine(day + timedelta(days=day_offset), clock).replace(tzinfo=tz)
                    if previous_at is not None and occurred_at < previous_at - _MIDNIGHT_JUMP:
                        day_offset += 1
                        occurred_at += timedelta(days=1)
                except OverflowError:
                    reason = "The time is past the last day we can store."
                    occurred_at = None
        elif current is not None and line[0].isspace():
            current["text"] = f"{current['text']}\n{line.strip()}"
            current["lines"].append(number)
            continue
        else:
            reason = "No time at the start of the line."

        if occurred_at is not None:
            speaker, message = _split_speaker(rest)
            if message:
                finish()
                current = {"at": occurred_at, "speaker": speaker, "text": message, "lines": [number]}
                previous_at = occurred_at
                continue
            reason = "There is no message after the time."
        finish()
        current = None
        result.unparsed.append(UnparsedLine(number, line, reason))
    finish()
    return result


def _zone(designator: str | None, default: tzinfo) -> tzinfo:
    if not designator:
        return default
    if designator == "Z":
        return UTC
    sign = -1 if designator[0] == "-" else 1
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    try:
        return fixed_timezone(sign * timedelta(hours=hours, minutes=minutes))
    except ValueError:
        return default


# --- Slack exports ------------------------------------------------------------------------------


def _slack_messages(text: str) -> list | None:
    stripped = text.strip()
    if stripped[:1] not in "[{":
        return None
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return data["messages"]
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return data
    return None


def _slack_speaker(message: dict) -> str:
    profile = message.get("user_profile")
    candidates = []
    if isinstance(profile, dict):
        candidates += [profile.get("real_name"), profile.get("display_name"), profile.get("name")]
    candidates += [message.get("user_name"), message.get("username"), message.get("user")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return ""


def _slack_text(raw: str) -> str:
    def link(match: re.Match) -> str:
        return f"{match['label']} ({match['url']})" if match["label"] else match["url"]

    text = _SLACK_LINK.sub(link, raw)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _parse_slack(messages: list) -> Transcript:
    result = Transcript(format="slack")
    for number, message in enumerate(messages, start=1):
        shown = _shorten(json.dumps(message, ensure_ascii=False, default=str))
        if not isinstance(message, dict):
            result.unparsed.append(UnparsedLine(number, shown, "This is not a message."))
            continue
        try:
            occurred_at = datetime.fromtimestamp(float(message.get("ts")), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            result.unparsed.append(UnparsedLine(number, shown, "The message has no readable time (ts)."))
            continue
        raw_text = message.get("text")
        text = _slack_text(raw_text) if isinstance(raw_text, str) else ""
        if not text:
            result.unparsed.append(UnparsedLine(number, shown, "The message has no text."))
            continue
        result.entries.append(ParsedEntry(occurred_at, _slack_speaker(message), text, (number,)))
    return result


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
