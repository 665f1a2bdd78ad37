"""The dashboard counts an anonymous near miss from the hourly release, never from the moment it was filed."""

import pytest

from dashboard.freshness import data_version
from incidents.models import HowCaught, NearMiss
from incidents.services import file_near_miss, release_anonymous_near_misses

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_goes_stale_at_the_release_not_at_the_filing():
    before = data_version()
    file_near_miss(
        NearMiss(what_almost_happened="The cron job nearly ran twice", how_caught=HowCaught.LUCK), reporter=None
    )
    assert data_version() == before  # filing leaves no mark on the figures' number

    release_anonymous_near_misses()
    assert data_version() != before  # the next dashboard counts the released reports
