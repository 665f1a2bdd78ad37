"""Shared fragments are kept once for viewers in every time zone: each viewer reads the times in their own."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fragments import times
from fragments.kept import kept, kept_rows, serve
from fragments.versions import bump
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

# Late on Sunday 1 March in Berlin, in the afternoon and evening in New York; the second entry is on Monday in Berlin.
IMPACT = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
ENTRIES = [datetime(2026, 3, 1, 22, 30, tzinfo=UTC), datetime(2026, 3, 2, 3, 30, tzinfo=UTC)]
DAY_HEADING = re.compile(r'<li class="timeline-day" aria-hidden="true">([^<]*)</li>')
NEW_ENTRY_TIME = re.compile(r'name="new-occurred_at"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="new-occurred_at"')


@pytest.fixture(autouse=True)
def same_day_in_every_zone(time_machine):
    """Fragments are kept per viewer's day (what is due or overdue): a day that is Monday 2 March in all of them."""
    time_machine.move_to(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))


@pytest.fixture
def night_incident(payments, engineer, teammate):
    incident = IncidentFactory(
        title="Card payments fail overnight",
        team=payments,
        responders=[engineer, teammate],
        impact_started_at=IMPACT,
        detected_at=IMPACT + timedelta(minutes=10),
    )
    for moment in ENTRIES:
        TimelineEntryFactory(incident=incident, occurred_at=moment, text=f"Seen at {moment:%H:%M} UTC.")
    return incident


def in_zone(user, zone: str):
    user.time_zone = zone
    user.save()
    client = Client()
    client.force_login(user)
    return client


def visit(client, url) -> tuple[str, bool]:
    """The page, and whether rendering it read the timeline's entries from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.text
    assert times.START not in page and times.DAY not in page, "a placeholder reached the viewer"
    read = any('FROM "incidents_timelineentry"' in q["sql"] and "MAX(" not in q["sql"] for q in queries)
    return page, read


def new_entry_time(page: str) -> str:
    found = NEW_ENTRY_TIME.search(page)
    return found.group(1) or found.group(2)


def test_viewers_in_two_zones_share_one_render_of_the_incident_each_reading_their_own_times(
    night_incident, engineer, teammate
):
    url = night_incident.get_absolute_url()
    priya, jonas = in_zone(engineer, "Europe/Berlin"), in_zone(teammate, "America/New_York")
    berlin, berlin_read = visit(priya, url)
    new_york, new_york_read = visit(jonas, url)
    assert berlin_read and not new_york_read  # rendered once, for Priya; Jonas got the kept fragment

    assert "Sun 1 Mar 2026, 23:00 CET" in berlin and "Sun 1 Mar 2026, 17:00 EST" in new_york  # impact started
    assert ">23:30 CET</time>" in berlin and ">04:30 CET</time>" in berlin
    assert ">17:30 EST</time>" in new_york and ">22:30 EST</time>" in new_york
    assert "CET" not in new_york and "EST" not in berlin
    # The timeline's day headings follow the viewer's calendar: two days in Berlin, one in New York.
    assert DAY_HEADING.findall(berlin) == ["Sun 1 Mar 2026", "Mon 2 Mar 2026"]
    assert DAY_HEADING.findall(new_york) == ["Sun 1 Mar 2026"]
    # The machine-readable instant is the same for everyone.
    for page in (berlin, new_york):
        assert '<time datetime="2026-03-02T03:30:00+00:00">' in page
    # An editor's form to add an entry starts at the last entry's time, in their own zone, and says which.
    assert new_entry_time(berlin) == "2026-03-02T04:30"
    assert new_entry_time(new_york) == "2026-03-01T22:30"
    assert "In your time zone, Europe/Berlin." in berlin and "In your time zone, America/New_York." in new_york


def test_a_viewer_who_changes_zone_reads_the_kept_timeline_in_the_new_one(night_incident, engineer):
    url = night_incident.get_absolute_url()
    client = in_zone(engineer, "Europe/Berlin")
    page, read = visit(client, url)
    assert read and ">23:30 CET</time>" in page
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304

    engineer.time_zone = "America/New_York"
    engineer.save()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200  # the page's text changed with the zone
    page, read = visit(client, url)
    assert not read  # the timeline's fragment is the one kept before
    assert ">17:30 EST</time>" in page and "CET" not in page


def test_a_kept_row_of_the_incident_list_shows_each_viewer_their_own_zone(night_incident, engineer, teammate):
    url = reverse("incident_list")
    priya, jonas = in_zone(engineer, "Europe/Berlin"), in_zone(teammate, "America/New_York")
    first = priya.get(url)
    assert "incidents/includes/incident_row.html" in [t.name for t in first.templates]
    assert "Sun 1 Mar 2026, 23:00 CET" in first.text

    bump("incidents")  # another incident changed: the list's page renders again, each unchanged row stays kept
    second = jonas.get(url)
    assert "incidents/includes/incident_row.html" not in [t.name for t in second.templates]
    assert "incidents/list.html" in [t.name for t in second.templates]
    assert "Sun 1 Mar 2026, 17:00 EST" in second.text
    assert "CET" not in second.text and times.START not in second.text


def test_kept_fragments_and_rows_render_once_for_every_zone(rf):
    rendered = []
    template = Template("{% load timefmt %}<p>{{ moment|when }} · {{ moment|when:'time' }}</p>")

    def render(csrf_token):
        rendered.append(csrf_token)
        return template.render(Context({"moment": IMPACT}))

    def row(moment):
        rendered.append(moment)
        return template.render(Context({"moment": moment}))

    request = rf.get("/")
    seen = {}
    for zone in ("Europe/Berlin", "America/New_York", "Asia/Kolkata"):
        with timezone.override(zone):
            seen[zone] = (
                kept("times-test", [], request, "token", render),
                kept_rows("times-test-row", [(1, ["times-test"])], request, lambda pks: {1: IMPACT}, row),
            )
    assert len(rendered) == 2  # one fragment, one row
    assert seen["Europe/Berlin"][0] == "<p>Sun 1 Mar 2026, 23:00 CET · 23:00 CET</p>"
    assert seen["America/New_York"][1] == ["<p>Sun 1 Mar 2026, 17:00 EST · 17:00 EST</p>"]
    assert seen["Asia/Kolkata"][0] == "<p>Mon 2 Mar 2026, 03:30 IST · 03:30 IST</p>"


def test_outside_a_shared_fragment_times_are_written_out_at_once():
    with timezone.override("Europe/Berlin"):
        page = Template("{% load timefmt %}{{ moment|when }}|{{ moment|instant }}").render(Context({"moment": IMPACT}))
    assert page == "Sun 1 Mar 2026, 23:00 CET|2026-03-01T22:00:00+00:00"


def test_day_headings_follow_the_viewers_calendar_inside_and_outside_a_kept_fragment():
    template = Template(
        "{% load timefmt %}{% for moment in moments %}{% ifnewday moment %}[{{ moment|when:'date' }}]{% endifnewday %}"
        "{{ moment|when:'time' }} {% endfor %}"
    )
    context = {"moments": [IMPACT, *ENTRIES]}
    with times.keeping():
        kept_html = template.render(Context(context))
    for zone, expected in [
        ("Europe/Berlin", "[Sun 1 Mar 2026]23:00 CET 23:30 CET [Mon 2 Mar 2026]04:30 CET "),
        ("America/New_York", "[Sun 1 Mar 2026]17:00 EST 17:30 EST 22:30 EST "),
    ]:
        with timezone.override(zone):
            assert template.render(Context(context)) == expected
            assert times.served(kept_html) == expected


def test_a_fragment_kept_inside_another_is_served_once_with_it():
    inner = Template("{% load timefmt %}<i>{{ moment|when:'time' }}</i>")
    with timezone.override("Europe/Berlin"), times.keeping():
        html = inner.render(Context({"moment": IMPACT}))
        assert "CET" not in html
        assert serve(html) == html  # still being kept: left for the outer fragment's serving
    with timezone.override("Europe/Berlin"):
        assert times.served(html) == "<i>23:00 CET</i>"


def test_the_dashboards_figures_are_rendered_once_for_viewers_in_every_zone(manager, engineer, monkeypatch):
    from dashboard import body

    rendered = []
    render = body.render_to_string
    monkeypatch.setattr(
        body, "render_to_string", lambda name, *args, **kw: rendered.append(name) or render(name, *args, **kw)
    )
    url = reverse("dashboard")
    maya, priya = in_zone(manager, "Europe/Berlin"), in_zone(engineer, "America/New_York")
    berlin, new_york = maya.get(url).text, priya.get(url).text
    assert rendered.count("dashboard/dashboard.html#charts") == 1  # for both
    assert "Figures as of Mon 2 Mar 2026, 16:00 CET" in berlin
    assert "Figures as of Mon 2 Mar 2026, 10:00 EST" in new_york


def test_what_the_clock_changes_in_a_kept_fragment_is_decided_each_time_it_is_served(time_machine):
    deadline = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    template = Template(
        "{% load timefmt %}{% until deadline %}Due in {{ deadline|time_until }} by {{ deadline|when:'time' }}"
        "{% after %}Past its deadline since {{ deadline|when:'time' }} ({{ deadline|time_since }} ago){% enduntil %}"
    )
    with times.keeping():
        kept_html = template.render(Context({"deadline": deadline}))  # at 15:00 (the autouse fixture's moment)
    for moment, berlin in [
        (datetime(2026, 3, 2, 15, 0, tzinfo=UTC), "Due in 2 h by 18:00 CET"),
        (datetime(2026, 3, 2, 16, 20, 30, tzinfo=UTC), "Due in 39 min by 18:00 CET"),
        (datetime(2026, 3, 2, 16, 59, 59, 500000, tzinfo=UTC), "Due in 0 s by 18:00 CET"),
        (deadline, "Past its deadline since 18:00 CET (0 s ago)"),
        (datetime(2026, 3, 4, 19, 30, tzinfo=UTC), "Past its deadline since 18:00 CET (2 days 2 h ago)"),
    ]:
        time_machine.move_to(moment, tick=False)
        with timezone.override("Europe/Berlin"):
            assert times.served(kept_html) == berlin  # the same text a fresh render gives at that moment
            assert template.render(Context({"deadline": deadline})) == berlin


def test_a_moment_already_past_or_none_keeps_one_text():
    template = Template("{% load timefmt %}{% until moment %}before{% after %}after{% enduntil %}")
    with times.keeping():
        assert template.render(Context({"moment": IMPACT})) == "after"
        assert template.render(Context({"moment": None})) == "before"


def test_a_countdown_kept_inside_another_fragment_is_served_with_it(time_machine):
    deadline = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    inner = Template("{% load timefmt %}{% until deadline %}in {{ deadline|time_until }}{% after %}late{% enduntil %}")
    with times.keeping():
        outer = f"<p>{serve(inner.render(Context({'deadline': deadline})))}</p> {times.shown(IMPACT, 'time')}"
    with timezone.override("Europe/Berlin"):
        time_machine.move_to(datetime(2026, 3, 2, 15, 30, tzinfo=UTC), tick=False)
        assert times.served(outer) == "<p>in 30 min</p> 23:00 CET"
        time_machine.move_to(deadline, tick=False)
        assert times.served(outer) == "<p>late</p> 23:00 CET"
