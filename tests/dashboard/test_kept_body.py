"""The dashboard's body is drawn once for everyone of a viewer class and kept: a repeat view draws nothing, a
change anyone makes shows on the next view, and no class ever gets another's figures."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboard import panels
from dashboard.body import forget_served_bodies
from tests.dashboard.conftest import NOW
from tests.dashboard.factories import ActionItemFactory, incident_with_times
from tests.factories import UserFactory, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nothing_remembered")]

URL = reverse("dashboard")


def overdue_item(incident, title: str):
    return ActionItemFactory(incident=incident, title=title, due_on=NOW.date() - dt.timedelta(days=3))


@pytest.fixture
def charts_drawn(monkeypatch):
    """How many times the charts were drawn from the figures."""
    drawn = []
    build = panels.build
    monkeypatch.setattr(panels, "build", lambda *args: drawn.append(1) or build(*args))
    return drawn


def test_a_repeat_view_serves_the_kept_body_in_two_cache_round_trips(
    frozen, at, payments, manager, facilitator, cache_reads, charts_drawn, django_assert_num_queries
):
    incident = incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    overdue_item(incident, "Add a canary for the gateway")
    first, second = signed_in(manager), signed_in(facilitator)  # both on no restricted incident: one class
    assert "Add a canary for the gateway" in first.get(URL).text
    assert "Add a canary for the gateway" in second.get(URL).text
    assert charts_drawn == [1]  # kept for the whole class

    cache_reads.clear()
    with django_assert_num_queries(0):
        page = first.get(URL).text
    assert "Add a canary for the gateway" in page and "from before the latest changes" not in page
    assert charts_drawn == [1]
    # The session; the page's versions with what is kept for the person and its parts' numbers. The body is the one
    # this process served last (a process that has not reads it from the cache: a third round trip).
    assert cache_reads == ["get_many", "get_many"]


def test_a_process_that_has_not_served_the_body_reads_it_from_the_cache(
    frozen, at, payments, manager, cache_reads, charts_drawn
):
    incident = incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    overdue_item(incident, "Add a canary for the gateway")
    client = signed_in(manager)
    client.get(URL)  # the figures computed: the body is drawn again under their new numbers, and kept
    client.get(URL)
    forget_served_bodies()  # as another process would find it

    cache_reads.clear()
    assert "Add a canary for the gateway" in client.get(URL).text
    assert cache_reads == ["get_many", "get_many", "get"]
    assert charts_drawn == [1]


def test_a_change_to_what_the_dashboard_shows_is_on_the_next_view(
    frozen, at, payments, manager, facilitator, django_capture_on_commit_callbacks
):
    incident = incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    first, second = signed_in(manager), signed_in(facilitator)
    for client in (first, second, first):
        assert "Add a canary for the gateway" not in client.get(URL).text

    with django_capture_on_commit_callbacks(execute=True):
        overdue_item(incident, "Add a canary for the gateway")
    # The view after the write queues the refresh of the figures (run at once here, as a worker would soon).
    for client in (second, first):
        page = client.get(URL).text
        assert "Add a canary for the gateway" in page
        assert "from before the latest changes" not in page

    with django_capture_on_commit_callbacks(execute=True):
        incident.title = "Checkout returns 502 for card payments"
        incident.save()
    assert f"#{incident.pk} Checkout returns 502 for card payments" in first.get(URL).text


def test_two_viewer_classes_never_see_each_others_figures(frozen, at, payments, manager, engineer, outsider, org_admin):
    public = incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    overdue_item(public, "Add a canary for the gateway")
    secret = incident_with_times(payments, at(4), detect_minutes=10, restricted=True, responders=[engineer])
    overdue_item(secret, "Rotate the leaked signing key")
    viewers = {manager: False, engineer: True, outsider: False, org_admin: True}
    clients = {viewer: signed_in(viewer) for viewer in viewers}
    for _ in range(2):  # drawn, then kept: each class gets its own body both times
        for viewer, sees_secret in viewers.items():
            page = clients[viewer].get(URL).text
            assert "Add a canary for the gateway" in page
            assert ("Rotate the leaked signing key" in page) is sees_secret, viewer.username


def test_after_a_write_the_last_charts_are_served_with_the_note_without_drawing_them_again(
    frozen, at, payments, manager, monkeypatch, charts_drawn, django_capture_on_commit_callbacks
):
    from dashboard import tasks

    incident = incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    client = signed_in(manager)
    assert "from before the latest changes" not in client.get(URL).text
    assert charts_drawn == [1]

    queued = []
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        overdue_item(incident, "Add a canary for the gateway")
    for _ in range(2):
        page = client.get(URL).text
        assert "from before the latest changes" in page and 'hx-trigger="load delay:3s"' in page
        assert "Add a canary for the gateway" not in page
    assert charts_drawn == [1]  # the same figures: the same charts
    assert queued == [("public", None, "12m", None)]  # and one refresh queued for them

    tasks.recompute_figures(*queued[0])  # what the worker does
    page = client.get(URL).text
    assert "Add a canary for the gateway" in page and "from before the latest changes" not in page
    assert charts_drawn == [1, 1]


def test_a_kept_body_goes_stale_with_the_clock(frozen, at, payments, manager, charts_drawn):
    from dashboard.figures import CACHE_SECONDS

    incident_with_times(payments, at(5), detect_minutes=10, responders=UserFactory.create_batch(3))
    client = signed_in(manager)
    client.get(URL)
    frozen.shift(dt.timedelta(seconds=CACHE_SECONDS + 1))
    # Figures this old are refreshed (at once here): the view does not serve the kept body as current.
    assert "from before the latest changes" not in client.get(URL).text
    assert charts_drawn == [1, 1]
