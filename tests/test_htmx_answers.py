"""One way to answer: the whole page, or for an htmx request its named partial; invalid forms get 422."""

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from web.htmx import render_page, wants_fragment

HTMX = {"HTTP_HX_REQUEST": "true"}


def request(**headers):
    req = RequestFactory().get("/", **headers)
    req.htmx = HtmxDetails(req)
    return req


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        (HTMX, True),
        ({**HTMX, "HTTP_HX_BOOSTED": "true"}, False),
        ({**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, False),
    ],
)
def test_only_a_plain_htmx_request_gets_the_partial(headers, fragment):
    req = request(**headers)
    assert wants_fragment(req) is fragment
    response = render_page(req, "incidents/list.html", {}, partial="results", status=422)
    assert response.template_name == ("incidents/list.html#results" if fragment else "incidents/list.html")
    assert response.status_code == 422


def test_without_a_partial_htmx_gets_the_page_too():
    assert render_page(request(**HTMX), "incidents/new.html", {}).template_name == "incidents/new.html"


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_an_invalid_timeline_entry_answers_422_with_the_text_kept(client, engineer, incident, htmx):
    from django.urls import reverse

    client.force_login(engineer)
    response = client.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"new-text": "Typed while the alert was firing", "new-kind": "observation", "new-occurred_at": "not a time"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == 422
    assert "Typed while the alert was firing" in response.text
    assert ("<html" in response.text) is not htmx
