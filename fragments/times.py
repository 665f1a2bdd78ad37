"""Times in shared fragments: kept as instants, shown in each viewer's own zone when served.

A shared fragment is rendered once for viewers in every time zone. While it is rendered to be kept
(``keeping()``), a time is written as a placeholder holding the instant and how to show it (``shown``),
and serving the fragment (``served``) puts the viewer's local text in its place, in one pass. Outside
such a render ``shown`` gives the local text straight away.

A day heading shown only when the day changes (``new_day``) is kept as a region with its instant:
serving drops the regions whose local day is the one before them.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from django.utils import timezone

# Private-use characters: in no text people write, and left alone by HTML escaping. Every placeholder starts
# with the same one, so that serving finds them as quickly as a plain search for it.
START, END = "\ue000", "\ue001"
DAY, DAY_END = "\ue002", "\ue003"
ZONE = f"{START}z{END}"

# How a time is shown, and the letter its placeholder carries.
STYLES = {"full": "f", "time": "t", "date": "d", "input": "i", "input-seconds": "s"}
_STYLE_OF = {code: style for style, code in STYLES.items()}

# A time: START seconds letter END; the zone's name: START z END; a day heading: START seconds DAY html DAY_END END.
_PLACEHOLDER = re.compile(f"{START}(-?\\d*)(?:([a-z])|{DAY}(.*?){DAY_END}){END}", re.S)

_keeping: ContextVar[bool] = ContextVar("keeping_a_shared_fragment", default=False)


@contextmanager
def keeping():
    """Render what is inside for every viewer alike: times as placeholders (see ``served``)."""
    token = _keeping.set(True)
    try:
        yield
    finally:
        _keeping.reset(token)


def is_keeping() -> bool:
    """Whether a shared fragment is being rendered to be kept (its times are placeholders)."""
    return _keeping.get()


def local_text(moment: datetime, style: str = "full", zone=None) -> str:
    """``Sat 21 Nov 2026, 14:02 CET``; ``time``: ``14:02 CET``; ``date``: ``Sat 21 Nov 2026``; ``input``:
    ``2026-11-21T14:02`` (a ``datetime-local`` field's value; ``input-seconds`` with the seconds)."""
    local = timezone.localtime(moment, zone)
    if style == "input":
        return f"{local:%Y-%m-%dT%H:%M}"
    if style == "input-seconds":
        return f"{local:%Y-%m-%dT%H:%M:%S}"
    day = f"{local:%a} {local.day} {local:%b %Y}"
    if style == "date":
        return day
    name = local.tzname() or ""
    if style == "time":
        return f"{local:%H:%M} {name}".strip()
    return f"{day}, {local:%H:%M} {name}".strip()


def shown(moment: datetime, style: str = "full") -> str:
    """``moment`` as the viewer reads it (``local_text``), or its placeholder while a fragment is kept."""
    if _keeping.get():
        return f"{START}{_seconds(moment)}{STYLES.get(style, 'f')}{END}"
    return local_text(moment, style)


def zone_name() -> str:
    """The viewer's time zone's name, or its placeholder while a fragment is kept."""
    return ZONE if _keeping.get() else timezone.get_current_timezone_name()


def new_day(moment: datetime, html: str, last_day: date | None) -> tuple[str, date | None]:
    """A day heading ``html`` for ``moment``, shown only when its local day is not ``last_day`` (that of the
    heading before it): the heading to show and the day to compare the next one with. While a fragment is
    kept the heading is kept with its instant and the day is decided when served."""
    if _keeping.get():
        return f"{START}{_seconds(moment)}{DAY}{html}{DAY_END}{END}", None
    day = timezone.localdate(moment)
    return ("" if day == last_day else html), day


def served(html: str) -> str:
    """Kept ``html`` with each placeholder replaced by the viewer's local text (``local_text``)."""
    if START not in html:
        return html
    zone = timezone.get_current_timezone()
    texts = _texts.get(zone)
    if texts is None or len(texts) > MEMO_SIZE:
        texts = _texts[zone] = {ZONE: timezone.get_current_timezone_name()}
    last_day = None

    def replace(match: re.Match) -> str:
        nonlocal last_day
        placeholder = match[0]
        text = texts.get(placeholder)
        if text is not None:
            return text
        seconds, code, heading = match.groups()
        if code is not None:
            text = texts[placeholder] = local_text(datetime.fromtimestamp(int(seconds), UTC), _STYLE_OF[code], zone)
            return text
        day = texts.get(seconds)
        if day is None:
            day = texts[seconds] = timezone.localdate(datetime.fromtimestamp(int(seconds), UTC), zone)
        if day == last_day:
            return ""
        last_day = day
        return _PLACEHOLDER.sub(replace, heading)

    return _PLACEHOLDER.sub(replace, html)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


# Each zone's text for the placeholders served lately (and the day of each heading's instant, by its seconds):
# the same times are served to many viewers.
MEMO_SIZE = 5000
_texts: dict = {}
