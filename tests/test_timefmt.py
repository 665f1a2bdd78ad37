from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.templatetags.timefmt import duration, when


@pytest.mark.parametrize(
    "delta, words",
    [
        (timedelta(seconds=42), "42 s"),
        (timedelta(minutes=38), "38 min"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=3, hours=4), "3 days 4 h"),
        (timedelta(minutes=-10), "-10 min"),
        (None, ""),
    ],
)
def test_duration_in_words(delta, words):
    assert duration(delta) == words


def test_when_names_the_viewers_zone():
    moment = datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert when(moment) == "Sun 1 Mar 2026, 15:02 CET"
        assert when(moment, "time") == "15:02 CET"
    with timezone.override("UTC"):
        assert when(moment) == "Sun 1 Mar 2026, 14:02 UTC"
