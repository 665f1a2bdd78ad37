"""Charts drawn on the server as accessible SVG, each with its numbers as a table (and so as CSV).

An SVG carries ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what it
shows; the same numbers follow as a table. Colours come from CSS classes (the CSP allows no
inline styles), and a second series is dashed, so nothing depends on colour alone.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.templatetags.timefmt import duration


@dataclass(frozen=True)
class Geometry:
    """One drawing of a chart. Each chart is drawn twice, wide and narrow; the stylesheet shows the one
    that fits its box (a container query) and sizes the text so that labels read at 12 px or more."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_labels: int  # at most this many labels along the time axis


WIDE = Geometry("wide", 720, 260, 72, 36, 16, 44, 8)
NARROW = Geometry("narrow", 340, 250, 60, 12, 16, 40, 4)
DURATION_STEPS = [60 * m for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080)]


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = "text"  # text, count, percent, duration, month, week, date, score

    @property
    def is_number(self) -> bool:
        return self.kind in {"count", "percent", "duration", "score"}

    @property
    def csv_heading(self) -> str:
        unit = {"percent": " (%)", "duration": " (minutes)", "score": " (1 to 5)"}.get(self.kind, "")
        return self.heading + unit


def format_value(value, kind: str) -> str:
    """How a value reads on the page; "–" where there is nothing to measure yet."""
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == "count":
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if kind == "percent":
        return f"{round(value * 100)} %"
    if kind == "duration":
        return duration(value if isinstance(value, timedelta) else timedelta(seconds=value))
    if kind == "month":
        return f"{value:%b %Y}"
    if kind == "week":
        return f"{value.day} {value:%b %Y}"
    if kind == "date":
        return f"{value.day} {value:%b %Y}"
    if kind == "score":
        return f"{value:.1f} of 5"
    return str(value)


def csv_value(value, kind: str):
    """How a value reads in a CSV file: plain numbers and ISO dates, empty where unknown."""
    if value is None:
        return ""
    if kind == "count" and float(value).is_integer():
        return int(value)
    if kind == "percent":
        return round(value * 100, 1)
    if kind == "duration":
        seconds = value.total_seconds() if isinstance(value, timedelta) else value
        return round(seconds / 60, 1)
    if kind == "month":
        return f"{value:%Y-%m}"
    if kind in {"week", "date"} and isinstance(value, date):
        return value.isoformat()
    if kind == "score":
        return round(value, 2)
    return value


@dataclass
class Table:
    columns: list[Column]
    rows: list[list]

    @property
    def body_rows(self) -> SafeString:
        """The rows of the HTML table: the first cell of each heads its row, numbers are aligned as numbers.

        Written here rather than by a loop in the template: a page draws over a thousand cells, and a template
        tag per cell cost most of drawing the charts."""
        numbers = [' class="num"' if column.is_number else "" for column in self.columns[1:]]
        rows = []
        for first, *rest in self.rows:
            cells = "".join(
                f"<td{number}>{escape(format_value(value, column.kind))}</td>"
                for value, column, number in zip(rest, self.columns[1:], numbers, strict=True)
            )
            heading = escape(format_value(first, self.columns[0].kind))
            rows.append(f'\n        <tr><th scope="row">{heading}</th>{cells}</tr>\n      ')
        return mark_safe("".join(rows))  # noqa: S308 - every text escaped above

    def csv_rows(self) -> list[list]:
        return [[column.csv_heading for column in self.columns]] + [
            [csv_value(value, column.kind) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]


@dataclass
class Chart:
    slug: str
    title: str
    desc: str
    table: Table
    svg: SafeString = field(default_factory=lambda: mark_safe(""))
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, css class)
    note: str = ""

    def draw(self, painter, *args, **kwargs) -> None:
        """Draw the picture with ``painter`` (``bar_chart``, ``hbar_chart``, ``line_chart``), named by the
        chart's own slug, title and description so the picture and its text alternative never disagree."""
        self.svg = painter(self.slug, self.title, self.desc, *args, **kwargs)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or not one number above zero in them."""
        numbers = [
            _number(value)
            for row in self.table.rows
            for value, column in zip(row, self.table.columns, strict=True)
            if column.is_number
        ]
        return not any(number for number in numbers if number is not None)


@dataclass(frozen=True)
class Series:
    name: str
    values: list
    css: str = "series-a"


def _number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _nice_top(maximum: float, kind: str) -> tuple[float, float]:
    """The axis top and the gridline step: round numbers (1, 2, 5 × 10ⁿ; whole minutes/hours/days)."""
    if kind == "percent":
        return 1.0, 0.25
    if maximum <= 0:
        maximum = 1.0
    if kind == "duration":
        step = next((s for s in DURATION_STEPS if s * 4 >= maximum), DURATION_STEPS[-1])
        return step * math.ceil(maximum / step), step
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    return step * math.ceil(maximum / step), step


def _axis_label(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{round(value * 100)} %"
    if kind == "duration":
        return duration(timedelta(seconds=value)) if value else "0"
    return f"{int(value):,}" if value == int(value) else f"{value:,.1f}"


def _frame(title: str, desc: str, slug: str, body: list[str], geo: Geometry, height: int | None = None) -> str:
    ids = f"{slug}-{geo.name}"
    return (
        f'<svg class="chart chart-{geo.name}" viewBox="0 0 {geo.width} {height or geo.height}" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ids}-title">{escape(title)}</title><desc id="{ids}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _both(draw) -> SafeString:
    """The wide and the narrow drawing of one chart, side by side in the markup."""
    return mark_safe(draw(WIDE) + draw(NARROW))


def _grid(top: float, step: float, kind: str, geo: Geometry) -> tuple[list[str], callable]:
    plot_height = geo.height - geo.top - geo.bottom

    def y(value: float) -> float:
        return geo.top + plot_height - (value / top) * plot_height if top else geo.top + plot_height

    body = []
    tick = 0.0
    while tick <= top + 1e-9:
        ty = y(tick)
        body.append(f'<line class="grid" x1="{geo.left}" x2="{geo.width - geo.right}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        body.append(
            f'<text class="axis" x="{geo.left - 6}" y="{ty + 4:.1f}" text-anchor="end">{escape(_axis_label(tick, kind))}</text>'
        )
        tick += step
    return body, y


def _x_labels(labels: list[str], xs: list[float], geo: Geometry) -> list[str]:
    every = max(1, math.ceil(len(labels) / geo.x_labels))
    return [
        f'<text class="axis" x="{x:.1f}" y="{geo.height - geo.bottom + 20}" text-anchor="middle">{escape(label)}</text>'
        for index, (label, x) in enumerate(zip(labels, xs, strict=True))
        if index % every == 0 or index == len(labels) - 1 and len(labels) <= geo.x_labels
    ]


def line_chart(
    slug: str, title: str, desc: str, labels: list[str], series: list[Series], kind: str = "count"
) -> SafeString:
    """Lines over time; gaps where a value is unknown (a month without incidents has no median)."""
    numbers = [[_number(v) for v in s.values] for s in series]
    maximum = max((v for values in numbers for v in values if v is not None), default=0)
    top, step = _nice_top(maximum, kind)

    def draw(geo: Geometry) -> str:
        body, y = _grid(top, step, kind, geo)
        plot_width = geo.width - geo.left - geo.right
        count = len(labels)
        xs = [geo.left + (plot_width * (i + 0.5) / count) for i in range(count)] if count else []
        for s, values in zip(series, numbers, strict=True):
            segments, current = [], []
            for x, value in zip(xs, values, strict=True):
                if value is None:
                    if current:
                        segments.append(current)
                    current = []
                else:
                    current.append(f"{x:.1f},{y(value):.1f}")
            if current:
                segments.append(current)
            for points in segments:
                if len(points) == 1:
                    cx, cy = points[0].split(",")
                    body.append(f'<circle class="point {s.css}" cx="{cx}" cy="{cy}" r="3"/>')
                else:
                    body.append(f'<polyline class="line {s.css}" points="{" ".join(points)}"/>')
        body.extend(_x_labels(labels, xs, geo))
        return _frame(title, desc, slug, body, geo)

    return _both(draw)


def bar_chart(slug: str, title: str, desc: str, labels: list[str], values: list, kind: str = "count") -> SafeString:
    """Vertical bars over time (counts per month, shares per month)."""
    numbers = [_number(v) for v in values]
    top, step = _nice_top(max((v for v in numbers if v is not None), default=0), kind)

    def draw(geo: Geometry) -> str:
        body, y = _grid(top, step, kind, geo)
        plot_width = geo.width - geo.left - geo.right
        count = len(labels) or 1
        slot = plot_width / count
        bar = max(slot * 0.7, 1)
        xs = []
        for index, value in enumerate(numbers):
            x = geo.left + slot * index + (slot - bar) / 2
            xs.append(x + bar / 2)
            if value is None:
                continue
            body.append(
                f'<rect class="bar series-a" x="{x:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
                f'height="{max(y(0) - y(value), 0):.1f}"/>'
            )
        body.extend(_x_labels(labels, xs, geo))
        return _frame(title, desc, slug, body, geo)

    return _both(draw)


def hbar_chart(
    slug: str, title: str, desc: str, rows: list[tuple[str, object, bool]], kind: str = "count"
) -> SafeString:
    """Horizontal bars, one per team, kind or category; highlighted rows are drawn hatched and marked in words.

    Wide, the label stands left of its bar; narrow, above it, so long names need not be cut.
    """
    numbers = [_number(value) for _, value, _ in rows]
    top, _ = _nice_top(max((v for v in numbers if v is not None), default=0), kind)

    def draw(geo: Geometry) -> str:
        beside = geo is WIDE
        label_width = 220 if beside else 0
        bar_height = 22 if beside else 16
        row_height = bar_height + (8 if beside else 30)
        plot_width = geo.width - label_width - (96 if beside else 80)
        body = []
        for index, ((label, _, highlight), value) in enumerate(zip(rows, numbers, strict=True)):
            y = geo.top + index * row_height + (0 if beside else 20)
            text = label + (" (recurring)" if highlight else "")
            if beside:
                body.append(
                    f'<text class="axis" x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(text)}</text>'
                )
            else:
                body.append(f'<text class="axis" x="0" y="{y - 6}">{escape(text)}</text>')
            width = (value or 0) / top * plot_width if top else 0
            css = "bar series-b" if highlight else "bar series-a"
            body.append(
                f'<rect class="{css}" x="{label_width}" y="{y}" width="{max(width, 1):.1f}" height="{bar_height}"/>'
            )
            body.append(
                f'<text class="value" x="{label_width + width + 6:.1f}" y="{y + bar_height - 3}">{escape(format_value(value, kind))}</text>'
            )
        height = geo.top + len(rows) * row_height + (8 if beside else 24)
        return _frame(title, desc, slug, body, geo, height=max(height, 40))

    return _both(draw)


def sparkline(values: list) -> SafeString:
    """A small trend line beside a headline number; decorative, as the numbers are in the tables below."""
    numbers = [_number(v) for v in values]
    known = [v for v in numbers if v is not None]
    if len(known) < 2 or min(known) == max(known):
        return mark_safe("")  # a flat line says nothing the number beside it does not
    width, height = 120, 32
    low, high = min(known), max(known)
    spread = (high - low) or 1
    step = width / max(len(numbers) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / spread * (height - 6):.1f}"
        for i, v in enumerate(numbers)
        if v is not None
    )
    return mark_safe(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
        f'<polyline class="line series-a" points="{points}"/></svg>'
    )
