"""A page reads what it read last time with its versions, in one round trip, and still shows every change."""

import pytest

from fragments import remembered
from tests.factories import UserFactory, signed_in
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nothing_remembered")]


def test_a_warm_review_page_reads_its_kept_parts_with_its_versions(engineer, payments, facilitator, cache_reads):
    incident = IncidentFactory(team=payments, responders=[engineer], title="Checkout returns 502")
    TimelineEntryFactory(incident=incident, text="The alert fired.")
    review = ReviewFactory(incident=incident, facilitator=facilitator, team=payments)
    url = review.get_absolute_url()
    first, second = signed_in(engineer), signed_in(facilitator)
    for client in (first, second, first, second):  # both kinds of viewer seen: every part kept and remembered
        assert client.get(url).status_code == 200
    cache_reads.clear()
    assert first.get(url).status_code == 200
    # The session, then the versions with everything kept that the page shows: its record, parts and panels.
    assert cache_reads == ["get_many", "get_many"]

    cache_reads.clear()
    remembered.forget_all()
    assert first.get(url).status_code == 200
    assert len(cache_reads) > 5, "without the remembered keys each kept part is its own round trip"


def test_what_was_remembered_never_shows_an_old_page(engineer, payments, cache_reads):
    incident = IncidentFactory(team=payments, responders=[engineer], title="Checkout returns 502")
    TimelineEntryFactory(incident=incident, text="The alert fired.")
    reader = UserFactory(username="ines", display_name="Ines Duarte")
    url = incident.get_absolute_url()
    editor, other = signed_in(engineer), signed_in(reader)
    for client in (editor, other, editor):
        assert "Checkout returns 502" in client.get(url).text

    incident.title = "Checkout returns 502 for card payments"
    incident.save()
    TimelineEntryFactory(incident=incident, text="We rolled the gateway back.")
    for client in (other, editor):
        page = client.get(url).text
        assert "Checkout returns 502 for card payments" in page
        assert "We rolled the gateway back." in page


def test_keys_no_request_read_lately_are_forgotten(rf):
    request = rf.get("/incidents/7/")
    remembered.read_kept(request, "old")
    remembered.read_late(request, "timeline:7")
    remembered.remember(request)
    assert remembered.recall("/incidents/7/") == (("timeline:7",), ("old",))
    for _ in range(remembered.REQUESTS):  # after a change every request reads the new key only
        request = rf.get("/incidents/7/")
        remembered.read_kept(request, "new")
        remembered.remember(request)
    assert remembered.recall("/incidents/7/") == ((), ("new",))
    assert remembered.recall("/incidents/8/") == ((), ())


def test_someone_who_opened_the_page_before_reads_their_own_keys_early(rf):
    editor, reader, newcomer = (UserFactory.build(pk=pk) for pk in (1, 2, 3))
    for person, key in ((editor, "editor-part"), (reader, "reader-part")):
        request = rf.get("/incidents/7/")
        request.user = person
        remembered.read_kept(request, key)
        remembered.remember(request)
    assert remembered.recall("/incidents/7/", (editor.pk, False)) == ((), ("editor-part",))
    assert remembered.recall("/incidents/7/", (reader.pk, False)) == ((), ("reader-part",))
    # Someone new reads what every kind of viewer read lately; one part of the page (htmx) is its own.
    assert remembered.recall("/incidents/7/", (newcomer.pk, False)) == ((), ("editor-part", "reader-part"))
    assert remembered.recall("/incidents/7/", (editor.pk, True)) == ((), ("editor-part", "reader-part"))
