"""By design there are no per-person counts anywhere (DOMAIN idea 8).

A manager walks every page and export reachable from the URLconf and from the links on the
pages, and we look for per-person aggregates in what they get and in the SQL behind it:

- in tables and CSV files: a row keyed by a person's name that carries a count, or a column
  headed by a person;
- in the text: a person's name next to a number of incidents, errors, mistakes or flags;
- in the queries: a GROUP BY on a column that points at a person (without the row's own key,
  which would only be one row per item).

One's own work is the exception (my action items), so the viewer's own name is not looked for.
"""

import contextlib
import csv
import datetime as dt
import io
import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from accounts.models import User
from actions.models import ActionKind, ActionStatus, ObligationState
from postmortems.models import ReviewStatus
from tests.dashboard.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    FeedbackFactory,
    NearMissFactory,
    PerspectiveFactory,
    ServiceFactory,
    category,
    incident_with_times,
    published_review,
    set_obligation,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 250
SKIP_PREFIXES = ("/admin/", "/static/", "/logout/", "/login/")
NUMBER = re.compile(r"^\s*\d[\d,.\s]*%?\s*$")
COUNT_WORDS = r"(incidents?|errors?|mistakes?|flags?|notes?|bugs?|outages?|near misses)"


# --- the heuristics ---------------------------------------------------------------------------


class TableReader(HTMLParser):
    """Rows of every table as (cells, is_header_row); also the page's visible text."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[list[str], bool]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_thead = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "select"}:
            self._skip += 1
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr":
            self._row, self._header_cells = [], 0
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
            self._header_cells += tag == "th"

    def handle_endtag(self, tag):
        if tag in {"script", "style", "select"}:
            self._skip = max(0, self._skip - 1)
        elif tag == "thead":
            self._in_thead = False
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            # A row of header cells only is a header row, with or without <thead>.
            all_headers = bool(self._row) and self._header_cells == len(self._row)
            self.rows.append((self._row, self._in_thead or all_headers))
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def rows_keyed_by_people(rows: list[tuple[list[str], bool]], names: set[str]) -> list[str]:
    found = []
    for cells, is_header in rows:
        if not cells:
            continue
        people_in_header = [cell for cell in cells if is_header and any(name in cell for name in names)]
        if people_in_header:
            found.append(f"a column headed by a person: {people_in_header}")
        key = cells[0]
        if not is_header and any(name in key for name in names) and any(NUMBER.match(cell) for cell in cells[1:]):
            found.append(f"a row keyed by a person with a count: {cells}")
    return found


def per_person_findings(body: str, content_type: str, names: set[str]) -> list[str]:
    if "text/csv" in content_type:
        rows = list(csv.reader(io.StringIO(body)))
        return rows_keyed_by_people([(row, index == 0) for index, row in enumerate(rows)], names)
    if "text/html" not in content_type:
        return []
    reader = TableReader()
    reader.feed(body)
    findings = rows_keyed_by_people(reader.rows, names)
    text = " ".join(" ".join(reader.text).split())
    for name in names:
        pattern = (
            rf"{re.escape(name)}\W{{0,40}}?\d+\s+{COUNT_WORDS}|\d+\s+{COUNT_WORDS}\s+(by|from|of)\s+{re.escape(name)}"
        )
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            findings.append(f"a person's count in the text: {match.group(0)!r}")
    return findings


def person_columns() -> tuple[set[tuple[str, str]], str]:
    """(table, column) pairs that point at a person, and the people table itself."""
    user_table = User._meta.db_table
    columns = {(user_table, "id")}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if isinstance(field, ForeignKey) and field.related_model is User:
                columns.add((model._meta.db_table, field.column))
    return columns, user_table


def group_by_clauses(sql: str) -> list[list[str]]:
    clauses = []
    for match in re.finditer(r"\bGROUP BY\b", sql, flags=re.IGNORECASE):
        depth, position, expressions, current = 0, match.end(), [], []
        rest = sql[position:]
        stop = re.compile(r"\s(HAVING|ORDER BY|LIMIT|WINDOW|UNION|OFFSET)\b", flags=re.IGNORECASE)
        index = 0
        while index < len(rest):
            char = rest[index]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                expressions.append("".join(current).strip())
                current = []
                index += 1
                continue
            elif depth == 0 and stop.match(rest, index):
                break
            current.append(char)
            index += 1
        expressions.append("".join(current).strip())
        clauses.append(expressions)
    return clauses


def groupings_by_person(sql: str) -> list[str]:
    columns, user_table = person_columns()
    found = []
    for expressions in group_by_clauses(sql):
        referenced = set()
        for expression in expressions:
            referenced |= set(re.findall(r'"(\w+)"\."(\w+)"', expression))
        by_person = referenced & columns
        own_keys = {(table, column) for table, column in referenced if column == "id" and table != user_table}
        if by_person and not own_keys:
            found.append(f"GROUP BY {', '.join(expressions)}")
    return found


def test_the_heuristics_catch_per_person_counts():
    names = {"Jonas Berg"}
    table = "<table><thead><tr><th>Person</th><th>Incidents</th></tr></thead><tbody><tr><th>Jonas Berg</th><td>4</td></tr></tbody></table>"
    assert per_person_findings(table, "text/html", names)
    assert per_person_findings("<table><tr><th>Team</th><th>Jonas Berg</th></tr></table>", "text/html", names)
    assert per_person_findings("<p>Jonas Berg: 3 incidents this quarter</p>", "text/html", names)
    assert per_person_findings("owner,open\r\nJonas Berg,7\r\n", "text/csv", names)
    assert not per_person_findings(
        "<table><tr><td>Add a canary</td><td>Jonas Berg</td><td>3</td></tr></table>", "text/html", names
    )
    assert groupings_by_person(
        'SELECT "actions_actionitem"."owner_id", COUNT(*) FROM "actions_actionitem" GROUP BY "actions_actionitem"."owner_id" ORDER BY 2'
    )
    assert not groupings_by_person(
        'SELECT COUNT(*) FROM "actions_actionitem" GROUP BY "actions_actionitem"."id", "accounts_user"."id"'
    )
    assert not groupings_by_person('SELECT "accounts_team"."name", COUNT(*) FROM x GROUP BY "accounts_team"."name"')


# --- the walk ---------------------------------------------------------------------------------


def organisation(payments, platform, people):
    engineer, teammate, facilitator = people
    gateway = ServiceFactory(name="payments-gateway")
    incidents = []
    for days_ago, team in ((40, payments), (20, payments), (10, platform), (3, payments)):
        incident = incident_with_times(team, NOW_ - dt.timedelta(days=days_ago), 8, 50, responders=[engineer, teammate])
        incident.facilitator = facilitator
        incident.save()
        set_obligation(incident, ObligationState.MET, incident.impact_started_at + dt.timedelta(hours=50))
        review = published_review(incident=incident, facilitator=facilitator, status=ReviewStatus.PUBLISHED)
        review.participants.set([engineer, teammate])
        factor = ContributingFactorFactory(review=review, category=category("missing-guardrail"), service=gateway)
        PerspectiveFactory(review=review, author=engineer)
        PerspectiveFactory(review=review, author=teammate)
        FeedbackFactory(review=review, author=engineer)
        for owner, status in (
            (engineer, ActionStatus.DONE),
            (teammate, ActionStatus.OPEN),
            (engineer, ActionStatus.OPEN),
        ):
            item = ActionItemFactory(
                incident=incident, review=review, owner=owner, kind=ActionKind.GUARDRAIL, due_on=NOW_.date()
            )
            item.addresses.add(factor)
            item.status = status
            item.save()
        incidents.append(incident)
    NearMissFactory(team=payments, reporter=engineer)
    NearMissFactory(team=payments, reporter=None)
    return incidents


NOW_ = dt.datetime.now(dt.UTC)


def starting_urls(incidents) -> list[str]:
    urls = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                # Patterns that need an object are reached through the links on the pages.
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(pattern.name))

    walk(get_resolver().url_patterns)
    first = incidents[0]
    urls += [first.get_absolute_url(), first.review.get_absolute_url(), reverse("team_detail", args=["payments"])]
    urls += [item.get_absolute_url() for item in first.action_items.all()[:1]]
    for period in ("3m", "36m"):
        urls.append(reverse("dashboard") + f"?period={period}&team=payments")
    return urls


def test_no_page_or_export_shows_a_per_person_count(
    client, manager, engineer, teammate, facilitator, outsider, payments, platform
):
    incidents = organisation(payments, platform, (engineer, teammate, facilitator))
    client.force_login(manager)
    names = {name for name in User.objects.exclude(pk=manager.pk).values_list("display_name", flat=True) if name}

    queue, seen, visited, problems = deque(starting_urls(incidents)), set(), [], []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        path = url.split("#")[0]
        if path in seen or path.startswith(SKIP_PREFIXES) or not path.startswith("/"):
            continue
        seen.add(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            continue
        visited.append(path)
        content_type = response.get("Content-Type", "")
        body = response.content.decode("utf-8", errors="replace") if not response.streaming else ""
        problems += [f"{path}: {finding}" for finding in per_person_findings(body, content_type, names)]
        for query in queries.captured_queries:
            problems += [f"{path}: {finding}" for finding in groupings_by_person(query["sql"])]
        if "text/html" in content_type:
            for link in re.findall(r'href="(/[^"]*)"', body):
                link = link.replace("&amp;", "&")
                if link.split("#")[0] not in seen:
                    queue.append(link)

    print(f"walked {len(visited)} pages and exports")
    assert not problems, "\n".join(problems)
    # The walk really covered the product: pages of every area and the exports.
    for expected in ("/dashboard/", "/incidents/", "/reviews/", "/actions/", "/near-misses/", "/teams/"):
        assert any(path.startswith(expected) for path in visited), f"never reached {expected}"
    assert sum("/dashboard/export/" in path for path in visited) >= 10
    assert any(path.endswith((".csv", ".md")) and "/dashboard/" not in path for path in visited), visited
