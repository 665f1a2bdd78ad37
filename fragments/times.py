"""Times in shared fragments: kept as instants, shown in each viewer's own zone when served.

A shared fragment is rendered once for viewers in every time zone. While it is rendered to be kept
(``keeping()``), a time is written as a placeholder holding the instant and how to show it (``shown``),
and serving the fragment (``served``) puts the viewer's local text in its place, in one pass. Outside
such a render ``shown`` gives the local text straight away.

A day heading shown only when the day changes (``new_day``) is kept as a region with its instant:
serving drops the regions whose local day is the one before them.

What changes with the clock alone is decided when served too, so that a fragment stays kept until something
it shows is written: how long until or since an instant (``time_until``, ``time_since``: "Due in 43 h 12 min")
and what shows before an instant and what from then on (``until``: a countdown that becomes "past its
deadline"). Such a region holds both texts; no region inside another, nor inside a day heading.
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

# Private-use characters: in no text people write, and left alone by HTML escaping. Every placeholder starts
# with the same one, so that serving finds them as quickly as a plain search for it.
START, END = "\ue000", "\ue001"
DAY, DAY_END = "\ue002", "\ue003"
SWITCH, OR, SWITCH_END = "\ue004", "\ue005", "\ue006"
ZONE = f"{START}z{END}"

# How a time is shown, and the letter its placeholder carries.
STYLES = {"full": "f", "time": "t", "date": "d", "input": "i", "input-seconds": "s"}
_STYLE_OF = {code: style for style, code in STYLES.items()}
# How long until an instant, and since one; these hold microseconds, as the instants they are measured from.
UNTIL, SINCE = "u", "a"

# A time: START seconds letter END; the zone's name: START z END; a day heading: START seconds DAY html DAY_END END;
# texts before and from an instant: START microseconds SWITCH html OR html SWITCH_END END.
_PLACEHOLDER = re.compile(
    f"{START}(-?\\d*)(?:([a-z])|{DAY}(.*?){DAY_END}|{SWITCH}(.*?){OR}(.*?){SWITCH_END}){END}", re.S
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

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


def in_words(span: timedelta) -> str:
    """``38 min``, ``2 h 5 min``, ``3 days 4 h``; ``-5 min`` for a span that ends before it starts."""
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    days, hours = divmod(hours, 24)
    return f"{sign}{days} days {hours} h" if hours else f"{sign}{days} days"


def time_until(moment: datetime) -> str:
    """How long from now until ``moment``, in words (``in_words``), or its placeholder while a fragment is kept."""
    if _keeping.get():
        return f"{START}{_microseconds(moment)}{UNTIL}{END}"
    return in_words(moment - timezone.now())


def time_since(moment: datetime) -> str:
    """How long from ``moment`` until now, in words (``in_words``), or its placeholder while a fragment is kept."""
    if _keeping.get():
        return f"{START}{_microseconds(moment)}{SINCE}{END}"
    return in_words(timezone.now() - moment)


def until(moment: datetime | None, before: Callable[[], str], after: Callable[[], str]) -> str:
    """``before()`` until ``moment``, ``after()`` from then on (``before()`` for ever when there is no moment).

    While a fragment is kept and the moment is still to come, both are kept and the one to show is chosen
    when the fragment is served; neither may hold such a region itself."""
    if moment is None:
        return before()
    if timezone.now() >= moment:
        return after()
    if not _keeping.get():
        return before()
    return f"{START}{_microseconds(moment)}{SWITCH}{before()}{OR}{after()}{SWITCH_END}{END}"


def served(html: str) -> str:
    """Kept ``html`` with each placeholder replaced by the viewer's local text (``local_text``), and what depends
    on the clock as of now."""
    if START not in html:
        return html
    zone = timezone.get_current_timezone()
    texts = _texts.get(zone)
    if texts is None or len(texts) > MEMO_SIZE:
        texts = _texts[zone] = {ZONE: timezone.get_current_timezone_name()}
    last_day = None
    now = None

    def replace(match: re.Match) -> str:
        nonlocal last_day, now
        placeholder = match[0]
        text = texts.get(placeholder)
        if text is not None:
            return text
        seconds, code, heading, before, after = match.groups()
        if code in (UNTIL, SINCE) or before is not None:  # as of now: never kept in the memo
            now = now or timezone.now()
            moment = _EPOCH + int(seconds) * _MICROSECOND
            if before is not None:
                return _PLACEHOLDER.sub(replace, before if now < moment else after)
            return in_words(moment - now if code == UNTIL else now - moment)
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


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


# Each zone's text for the placeholders served lately (and the day of each heading's instant, by its seconds):
# the same times are served to many viewers.
MEMO_SIZE = 5000
_texts: dict = {}
