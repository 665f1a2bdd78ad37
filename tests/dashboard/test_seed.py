"""The realistic organisation, seeded tiny: the right numbers of everything, over three years."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, Team, User
from actions.models import ActionItem, FixObligation
from incidents.models import Incident, NearMiss, TimelineEntry
from postmortems.models import ContributingFactor, Perspective, Review

pytestmark = pytest.mark.django_db


def test_seed_a_tiny_organisation_and_show_it(client):
    out = StringIO()
    call_command("seed_organisation", scale=0.002, stdout=out)

    counts = (
        Team.objects.count(),
        User.objects.count(),
        Incident.objects.count(),
        TimelineEntry.objects.count(),
        NearMiss.objects.count(),
        ActionItem.objects.count(),
        Review.objects.count(),
    )
    assert counts == (2, 8, 20, 400, 60, 200, 16)
    assert ContributingFactor.objects.count() >= 16 and Perspective.objects.count() >= 16
    assert FixObligation.objects.exists()
    assert Membership.objects.filter(role=Role.MANAGER).count() == 2
    assert Membership.objects.filter(role=Role.ADMIN).count() == 2
    first, last = Incident.objects.order_by("impact_started_at").values_list("impact_started_at", flat=True)[::19]
    assert last <= timezone.now() and first >= timezone.now() - dt.timedelta(days=3 * 366)
    assert last - first > dt.timedelta(days=365)
    report = out.getvalue()
    assert "Timeline entries" in report and "[" + "#" * 30 + "]" in report and "Seeded in" in report

    manager = Membership.objects.filter(role=Role.MANAGER).first().user
    assert manager.check_password("seeded-organisation")
    client.force_login(manager)
    page = client.get(reverse("dashboard") + "?period=36m")
    assert page.status_code == 200 and "Nothing to summarise here yet." not in page.text

    with pytest.raises(CommandError, match="has incidents already"):
        call_command("seed_organisation", scale=0.002, stdout=StringIO())
