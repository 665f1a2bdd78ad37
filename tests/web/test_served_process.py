"""A web process loads what pages need before its first request, and freezes it so that the collector stops
walking it."""

import gc
import itertools
import runpy
from pathlib import Path

from config import wsgi
from web.warm import load_what_pages_need


def test_what_the_first_requests_loaded_is_frozen_once_warm(client, db, monkeypatch):
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(len(freezes)))
    monkeypatch.setattr(wsgi, "served", itertools.count(1))
    for _ in range(99):
        client.get("/")
    assert not freezes
    client.get("/")  # the hundredth
    assert len(freezes) == 1
    for _ in range(50):
        client.get("/")
    assert len(freezes) == 1  # again at the thousandth


def test_pages_compile_no_template_once_the_server_has_loaded_what_they_need(client, engineer, payments, monkeypatch):
    """A new web process (a start, a worker replaced) loads every view and template before its first request, so
    that no one waits for them (about 300 ms for the first page)."""
    from django.template.base import Template

    from tests.incidents.factories import IncidentFactory

    incident = IncidentFactory(title="Checkout returns 502", team=payments, responders=[engineer])
    assert load_what_pages_need() > 50
    compiled = []
    compile_nodelist = Template.compile_nodelist
    monkeypatch.setattr(Template, "compile_nodelist", lambda self: compiled.append(self.name) or compile_nodelist(self))
    assert client.get("/login/").status_code == 200
    client.force_login(engineer)
    for address in ("/", incident.get_absolute_url(), "/incidents/", "/actions/", "/reviews/", "/dashboard/"):
        assert client.get(address).status_code == 200
    assert compiled == []


def test_gunicorn_loads_the_application_before_forking_its_workers():
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
