"""People on restricted incidents share a list's kept rows with everyone else wherever none of their
restricted incidents shows in it, and get their own wherever one does."""

import pytest
from django.urls import reverse

from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory
from tests.test_fragments import queries_asked, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(payments, engineer, restricted_incident):
    IncidentFactory(title="Search is slow after the reindex", team=payments)
    ActionItemFactory(incident=restricted_incident, owner=engineer, title="Rotate the signing keys", change_url="")
    return reverse("incident_list"), reverse("action_list")


def test_a_search_none_of_my_restricted_incidents_matches_is_served_from_everyones_rows(
    lists, engineer, outsider, restricted_incident
):
    incidents, _ = lists
    search = incidents + "?q=reindex"
    page = signed_in(outsider).get(search).text
    assert "Search is slow after the reindex" in page
    page, asked = queries_asked(signed_in(engineer), search)
    assert "Search is slow after the reindex" in page and restricted_incident.title not in page
    # Which restricted incidents are mine, and whether one matches the search: the rows come kept.
    assert asked <= 2


def test_where_my_restricted_incident_shows_i_get_my_own_rows_and_no_one_else_sees_them(
    lists, engineer, teammate, outsider, restricted_incident
):
    incidents, actions = lists
    for url in (incidents, incidents + "?q=signing", actions, actions + "?q=signing"):
        assert "Leaked signing key" not in signed_in(outsider).get(url).text, url
        assert "Leaked signing key" in signed_in(engineer).get(url).text, url
        assert "Leaked signing key" not in signed_in(teammate).get(url).text, url


def test_the_unfiltered_list_counts_my_restricted_incidents_without_asking_again(
    lists, engineer, outsider, restricted_incident
):
    incidents, _ = lists
    everyone = signed_in(outsider).get(incidents).text
    assert '<p class="result-count">1 incident.</p>' in everyone
    for url in (incidents, incidents + "?sort=oldest"):
        page = signed_in(engineer).get(url).text
        assert '<p class="result-count">2 incidents' in page and "Leaked signing key" in page, url
    searched = signed_in(engineer).get(incidents + "?q=signing").text
    assert '<p class="result-count">1 incident match these filters.</p>' in searched


def test_a_restricted_incident_that_starts_to_match_shows_to_its_responder(lists, engineer, restricted_incident):
    incidents, _ = lists
    search = incidents + "?q=rotation"
    client = signed_in(engineer)
    assert "Leaked signing key" not in client.get(search).text
    restricted_incident.summary = "We automated the key rotation."
    restricted_incident.save()
    assert "Leaked signing key" in client.get(search).text


def _rows_read(client, url) -> tuple[str, list[str]]:
    """The page, and the queries that read whole incidents (the rows rendered afresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).text
    return page, [q["sql"] for q in queries if '"incidents_incident"."summary_html"' in q["sql"]]


def test_each_incident_row_is_kept_for_everyone_and_a_change_renders_only_its_row(
    lists, payments, engineer, outsider, restricted_incident
):
    incidents, _ = lists
    slow = IncidentFactory(title="Checkout latency doubled", team=payments)
    assert "Checkout latency doubled" in signed_in(outsider).get(incidents).text
    page, read = _rows_read(signed_in(engineer), incidents)  # a class of their own: their rows, mostly kept
    assert "Leaked signing key" in page and "3 incidents" in page
    assert len(read) == 1 and f"({restricted_incident.pk})" in read[0]  # only the row no one kept yet
    slow.title = "Checkout latency tripled"
    slow.save()
    page, read = _rows_read(signed_in(outsider), incidents)
    assert "Checkout latency tripled" in page and "2 incidents" in page
    assert len(read) == 1 and f"({slow.pk})" in read[0]


def test_an_action_item_change_shows_on_every_viewers_list(lists, engineer, outsider, payments):
    from actions.models import ActionItem

    _, actions = lists
    item = ActionItem.objects.get(title="Rotate the signing keys")
    public = IncidentFactory(title="Queue backlog", team=payments)
    mine = ActionItemFactory(incident=public, owner=engineer, title="Alert on queue depth", change_url="")
    for person in (engineer, outsider):
        assert "Alert on queue depth" in signed_in(person).get(actions).text
    mine.title = "Page on queue depth"
    mine.save()
    for person in (engineer, outsider):
        page = signed_in(person).get(actions).text
        assert "Page on queue depth" in page and "Alert on queue depth" not in page
    assert item.title in signed_in(engineer).get(actions).text


def test_a_list_seen_again_by_someone_on_a_restricted_incident_reads_the_cache_twice(
    lists, engineer, restricted_incident, cache_reads
):
    """The session, then the page's versions with what is kept for this person (whether their restricted incidents
    show at this address) and the kept page its address read last time (``fragments.remembered``): two cache
    round trips, and nothing asked of the database but, in the library, this person's own reviews in progress."""
    from tests.test_fragments import queries_asked

    client = signed_in(engineer)
    library = reverse("review_library") + "?q=signing"
    for url in (*lists, library):
        client.get(url)
        cache_reads.clear()
        page, asked = queries_asked(client, url)
        assert asked == (1 if url == library else 0), url
        assert cache_reads == ["get_many", "get_many"], (url, cache_reads)
