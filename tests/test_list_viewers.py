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


def test_a_restricted_incident_that_starts_to_match_shows_to_its_responder(lists, engineer, restricted_incident):
    incidents, _ = lists
    search = incidents + "?q=rotation"
    client = signed_in(engineer)
    assert "Leaked signing key" not in client.get(search).text
    restricted_incident.summary = "We automated the key rotation."
    restricted_incident.save()
    assert "Leaked signing key" in client.get(search).text
