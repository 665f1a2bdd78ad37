from io import StringIO

import pytest
from django.core.management import call_command

from incidents.models import Incident, NearMiss

pytestmark = pytest.mark.django_db


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_demo_incidents_need_the_demo_people_first():
    assert "seed_demo" in run("seed_demo_incidents")
    assert not Incident.objects.exists()


def test_demo_incidents_are_created_once_and_respect_the_rules():
    run("seed_demo")
    assert "created" in run("seed_demo_incidents")
    assert Incident.objects.count() == 4
    assert NearMiss.objects.filter(reporter=None).count() == 2
    for incident in Incident.objects.all():
        incident.full_clean()
        assert incident.timeline.exists()
    assert Incident.objects.filter(restricted=True).count() == 1
    assert "not created again" in run("seed_demo_incidents")
    assert Incident.objects.count() == 4
