"""Pages kept per viewer: served again only while nothing they show has changed."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from incidents.models import Incident
from pagecache.middleware import StalePagesAfterWritesMiddleware
from pagecache.pages import PAGE_VERSION
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(payments, engineer):
    return IncidentFactory(team=payments, title="Card payments fail", responders=[engineer])


def seen(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_an_unchanged_page_is_served_again_without_the_database(client, engineer, incident, django_assert_num_queries):
    client.force_login(engineer)
    seen(client, incident.get_absolute_url())  # hands the browser its CSRF cookie, so not kept
    first = seen(client, incident.get_absolute_url())
    with django_assert_num_queries(1):  # the person, as for any signed-in request (sessions are cached)
        again = seen(client, incident.get_absolute_url())
    assert again == first


def test_a_new_timeline_entry_shows_at_once(client, engineer, incident):
    client.force_login(engineer)
    assert "Error rate on checkout rises" not in seen(client, incident.get_absolute_url())
    TimelineEntryFactory(incident=incident, text="Error rate on checkout rises")
    assert "Error rate on checkout rises" in seen(client, incident.get_absolute_url())


def test_an_edit_through_the_page_shows_at_once(client, engineer, incident):
    client.force_login(engineer)
    url = reverse("incident_list")
    assert "Card payments fail" in seen(client, url)
    incident.title = "Card payments declined for EU cards"
    incident.save()
    page = seen(client, url)
    assert "Card payments declined for EU cards" in page
    assert "Card payments fail" not in page


def test_each_person_gets_their_own_page(client, engineer, manager, incident):
    client.force_login(engineer)
    assert "Priya Raman" in seen(client, incident.get_absolute_url())
    client.force_login(manager)
    page = seen(client, incident.get_absolute_url())
    assert "Maya Chen" in page
    assert "Priya Raman</a>\n" not in page.split("</header>")[0]


def test_a_page_carries_a_form_token_for_the_browsers_current_cookie(engineer, incident):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(engineer)
    url = incident.get_absolute_url()
    seen(browser, url)
    seen(browser, url)  # kept now
    browser.cookies[settings.CSRF_COOKIE_NAME] = "N" * 32  # the browser's cookie changed (cleared, re-issued)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', seen(browser, url)).group(1)
    response = browser.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"new-text": "Paged the on-call", "new-occurred_at": "2026-03-01T14:05", "new-kind": "observation"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code != 403


def test_a_pending_message_is_never_hidden_by_a_kept_page(client, engineer, incident):
    client.force_login(engineer)
    url = incident.get_absolute_url()
    seen(client, url)
    seen(client, url)  # kept now
    storage = CookieStorage(HttpRequest())
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "The incident is updated.")])
    assert "The incident is updated." in seen(client, url)


def test_a_request_that_may_have_written_makes_kept_pages_stale():
    middleware = StalePagesAfterWritesMiddleware(lambda request: HttpResponse())
    before = PAGE_VERSION.current()
    middleware(RequestFactory().get("/"))
    assert PAGE_VERSION.current() == before
    middleware(RequestFactory().post("/"))
    assert PAGE_VERSION.current() > before


def test_a_write_without_model_signals_shows_after_that_request(client, engineer, incident):
    client.force_login(engineer)
    url = incident.get_absolute_url()
    seen(client, url)
    Incident.objects.filter(pk=incident.pk).update(title="Renamed in bulk")
    StalePagesAfterWritesMiddleware(lambda request: HttpResponse())(RequestFactory().post("/"))
    assert "Renamed in bulk" in seen(client, url)


def test_pages_are_rendered_every_time_when_keeping_is_off(client, engineer, incident, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(engineer)
    seen(client, incident.get_absolute_url())
    Incident.objects.filter(pk=incident.pk).update(title="Renamed in bulk")
    assert "Renamed in bulk" in seen(client, incident.get_absolute_url())
