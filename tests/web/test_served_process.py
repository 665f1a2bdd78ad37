"""A web process freezes what its first requests loaded, so that the collector stops walking it."""

import gc
import itertools

from config import wsgi


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
