"""My work: what needs me now, and nothing from incidents I may not see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident
from tests.actions.factories import ActionItemFactory, mitigated_incident
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import PerspectiveFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _my_work(payments, engineer, facilitator, count: int):
    for n in range(count):
        incident = mitigated_incident(
            payments, responders=[engineer], facilitator=facilitator, title=f"Checkout errors {n}"
        )
        # No link to a change yet, so the systemic fix is still due.
        ActionItemFactory(
            incident=incident,
            owner=engineer,
            title=f"Add a canary check {n}",
            change_url="",
            due_on=timezone.localdate() + timedelta(days=n - 1),
        )
        review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[engineer])
        if n % 2:
            PerspectiveFactory(review=review, author=engineer)


def test_empty_home_says_what_each_part_is_for(client, engineer):
    client.force_login(engineer)
    page = client.get("/").text
    assert "Report a near miss" in page
    assert "No open action items are yours" in page
    assert "No incident near you is waiting for its systemic fix" in page
    assert "You are not in a review right now" in page


def test_home_shows_my_items_fixes_due_and_reviews(client, engineer, facilitator, payments):
    _my_work(payments, engineer, facilitator, 2)
    client.force_login(engineer)
    page = client.get("/").text
    assert "Add a canary check 0" in page and "Overdue since" in page
    assert "Add a canary check 1" in page
    assert "Due in 47 h" in page
    assert page.count("Write your account") == 1
    assert "Checkout errors 0" in page


def test_home_never_shows_restricted_incidents_to_others(client, engineer, outsider, platform):
    secret = mitigated_incident(platform, responders=[engineer], title="Leaked signing key", restricted=True)
    ActionItemFactory(incident=secret, owner=outsider, title="Rotate the signing keys automatically", change_url="")
    client.force_login(outsider)
    page = client.get("/").text
    assert "Leaked signing key" not in page
    assert "Rotate the signing keys" not in page
    client.force_login(engineer)
    assert "Leaked signing key" in client.get("/").text


def test_restricted_reviews_and_fixes_stay_hidden_from_people_not_on_the_incident(client, engineer, outsider, platform):
    """Someone of the incident's team, asked into its review, still may not know a restricted incident exists."""
    secret = mitigated_incident(platform, responders=[engineer], title="Leaked signing key", restricted=True)
    ReviewFactory(incident=secret, facilitator=outsider, participants=[outsider], title="Review of the key leak")
    open_one = mitigated_incident(platform, responders=[engineer], title="Slow logins")
    ReviewFactory(incident=open_one, facilitator=outsider, title="Review of slow logins")
    client.force_login(outsider)
    page = client.get("/").text
    assert "Slow logins" in page and "Review of slow logins" in page
    assert "Leaked signing key" not in page
    assert "Review of the key leak" not in page
    client.force_login(engineer)
    page = client.get("/").text
    assert "Leaked signing key" in page and "Slow logins" in page


def test_deleted_incidents_leave_my_work(client, engineer, facilitator, payments):
    _my_work(payments, engineer, facilitator, 1)
    client.force_login(engineer)
    assert "Add a canary check 0" in client.get("/").text
    Incident.objects.get(title="Checkout errors 0").soft_delete(by=facilitator)
    page = client.get("/").text
    assert "Checkout errors 0" not in page
    assert "Add a canary check 0" not in page


def test_home_query_count_does_not_grow_with_my_work(
    client, engineer, facilitator, payments, django_assert_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0  # nothing kept: every view reads the lists, as after any change
    _my_work(payments, engineer, facilitator, 2)
    client.force_login(engineer)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/")
    few = len(small.captured_queries)  # read now: the next request empties the connection's log
    assert few == 1, [query["sql"] for query in small.captured_queries]  # every list in one statement
    _my_work(payments, engineer, facilitator, 10)
    IncidentFactory.create_batch(5, team=payments)
    for n in range(3):  # the restricted incidents one is on are one parameter list, not a query each
        mitigated_incident(payments, responders=[engineer], title=f"Leaked key {n}", restricted=True)
    # Which restricted incidents this person is on is asked again after any incident changes (one query),
    # then remembered: compare like with like.
    client.get("/")
    with django_assert_num_queries(few):
        client.get("/")


def test_postgresql_plans_my_work_once_per_connection(client, engineer, facilitator, payments, settings):
    """Planning home's statement cost PostgreSQL twice what running it did: it is prepared once on a connection
    and run by name from then on, for every person alike (their lists and restricted incidents are parameters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from web import sql

    settings.FRAGMENT_CACHE_SECONDS = 0
    _my_work(payments, engineer, facilitator, 2)
    client.get("/accounts/login/")  # the connection is open
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as on a new connection
    sql._prepared.pop(connection.connection, None)
    client.force_login(engineer)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/").text

    def my_work_statements(captured):  # the others read the session's person and their restricted incidents
        sql = [query["sql"].replace("(", " ").split()[:2] for query in captured.captured_queries]
        return [words for words in sql if words[1].startswith("my_work_")]

    prepared, executed = my_work_statements(first)
    assert prepared[0] == "PREPARE" and executed == ["EXECUTE", prepared[1]]
    assert "Add a canary check 1" in page
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as second:
        page = client.get("/").text
    assert my_work_statements(second) == [executed]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", [executed[1]])
        assert cursor.fetchone() == (2, 0)  # one plan for both people, not one made for each run
    assert "You facilitate" in page and "Add a canary check" not in page


def test_my_work_shows_any_change_to_what_it_lists_on_the_next_view(client, engineer, facilitator, outsider, payments):
    """A change anyone makes to what the lists show (an item, a review, feedback, an incident, a role) shows on the
    person's next view."""
    from accounts.models import Membership, Role
    from postmortems.models import ReviewFeedback, ReviewStatus
    from tests.incidents.factories import NearMissFactory

    _my_work(payments, engineer, facilitator, 2)
    client.force_login(engineer)
    assert "Add a canary check 0" in client.get("/").text
    item = ActionItemFactory._meta.model.objects.get(title="Add a canary check 0")
    item.title = "Add a canary check on every deploy"
    item.save()
    assert "Add a canary check on every deploy" in client.get("/").text
    item.owner = outsider  # someone else's now
    item.save()
    assert "Add a canary check on every deploy" not in client.get("/").text

    review = ReviewFactory(
        incident=None, near_miss=NearMissFactory(), facilitator=facilitator, title="Queue that almost filled"
    )
    assert "Queue that almost filled" not in client.get("/").text
    review.participants.add(engineer)
    page = client.get("/").text
    assert "Queue that almost filled" in page and page.count("Write your account") == 2
    PerspectiveFactory(review=review, author=engineer)
    assert client.get("/").text.count("Write your account") == 1

    review.status, review.published_at = ReviewStatus.PUBLISHED, timezone.now()
    review.save()
    assert "How did this review go?" in client.get("/").text
    ReviewFeedback.objects.create(review=review, author=engineer, blameless=5, useful=4)
    assert "How did" not in client.get("/").text

    incident = Incident.objects.get(title="Checkout errors 1")
    incident.title = "Checkout errors after the card change"
    incident.save()
    assert "Checkout errors after the card change" in client.get("/").text

    membership = Membership.objects.get(user=engineer, team=payments)
    membership.role = Role.FACILITATOR
    membership.save()
    assert "Facilitator" in client.get("/").text


def test_my_work_follows_the_clock(client, engineer, facilitator, payments, time_machine):
    """A fix's countdown and breach, what is overdue and the feedback asks move with the clock, not only
    with changes."""
    from postmortems.models import ReviewStatus

    time_machine.move_to(timezone.now(), tick=False)
    _my_work(payments, engineer, facilitator, 2)
    ReviewFactory(
        title="How the cache stampede was caught", facilitator=facilitator, participants=[engineer],
        status=ReviewStatus.PUBLISHED, published_at=timezone.now() - timedelta(days=59),
    )  # fmt: skip
    client.force_login(engineer)
    page = client.get("/").text
    assert "Due in 2 days" in page and "Breached since" not in page
    assert "How the cache stampede was caught" in page
    assert page.count("Overdue since") == 1  # one item due yesterday, one today
    time_machine.shift(timedelta(minutes=2))
    assert "Due in 47 h 58 min" in client.get("/").text
    time_machine.shift(timedelta(days=2))
    client.force_login(engineer)  # signed out when idle that long
    page = client.get("/").text
    assert "Breached since" in page
    assert "How the cache stampede was caught" not in page  # published more than 60 days ago now
    assert page.count("Overdue since") == 2


def test_an_admin_sees_restricted_work_and_no_one_sees_deleted_items(client, engineer, org_admin, platform):
    secret = mitigated_incident(platform, responders=[engineer], title="Leaked signing key", restricted=True)
    ActionItemFactory(incident=secret, owner=org_admin, title="Rotate the signing keys automatically", change_url="")
    gone = ActionItemFactory(incident=secret, owner=org_admin, title="Audit every key", change_url="")
    gone.deleted_at = timezone.now()
    gone.save()
    client.force_login(org_admin)
    page = client.get("/").text
    assert "Rotate the signing keys automatically" in page and "Leaked signing key" in page
    assert "Audit every key" not in page


def test_published_reviews_ask_their_participants_once_and_near_miss_reviews_count(
    client, engineer, facilitator, payments
):
    from postmortems.models import ReviewFeedback, ReviewStatus
    from tests.incidents.factories import NearMissFactory

    published = ReviewFactory(
        title="How the cache stampede was caught",
        facilitator=facilitator,
        participants=[engineer],
        status=ReviewStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(days=3),
    )
    ReviewFactory(
        incident=None,
        near_miss=NearMissFactory(),
        title="The migration that almost locked orders",
        facilitator=facilitator,
        participants=[engineer],
    )
    client.force_login(engineer)
    page = client.get("/").text
    assert "How did this review go?" in page and "How the cache stampede was caught" in page
    assert "The migration that almost locked orders" in page and "Write your account" in page
    assert "Payments" in page and "Engineer" in page  # my teams, with my role
    ReviewFeedback.objects.create(review=published, author=engineer, blameless=5, useful=4)
    client.force_login(facilitator)
    page = client.get("/").text
    assert "Published reviews I facilitated" in page and "How the cache stampede was caught" in page
    assert "You facilitate" in page and "How did" not in page
    client.force_login(engineer)
    assert "How the cache stampede was caught" not in client.get("/").text


def test_being_added_to_a_restricted_incident_shows_it_at_once_on_home_and_in_lists(
    client, engineer, facilitator, outsider, platform
):
    """What restricted incidents someone is on is kept per person: a change to it shows on their next page."""
    from django.urls import reverse

    from postmortems.models import ReviewStatus

    secret = mitigated_incident(platform, responders=[engineer], title="Leaked signing key", restricted=True)
    ActionItemFactory(incident=secret, owner=outsider, title="Rotate the signing keys automatically", change_url="")
    ReviewFactory(
        incident=secret, facilitator=facilitator, title="Review of the key leak", status=ReviewStatus.PUBLISHED,
        published_at=timezone.now(),
    )  # fmt: skip
    client.force_login(outsider)
    pages = {
        "/": "Rotate the signing keys",
        reverse("action_list"): "Rotate the signing keys",
        reverse("review_library"): "Review of the key leak",
    }
    for url, text in pages.items():  # seen once, and kept: nothing of the incident
        assert text not in client.get(url).text
        assert text not in client.get(url).text
    secret.responders.add(outsider)
    for url, text in pages.items():
        assert text in client.get(url).text, url
    secret.responders.remove(outsider)
    for url, text in pages.items():
        assert text not in client.get(url).text, url


def test_a_warm_home_page_reads_the_cache_twice(client, engineer, facilitator, payments, cache_reads):
    """The session with the signed-in person, then the page's versions with the person's unread count and the
    restricted incidents they are on: two cache round trips, however much work the person has."""
    _my_work(payments, engineer, facilitator, 3)
    client.force_login(engineer)
    client.get("/")
    client.get("/")
    cache_reads.clear()
    assert client.get("/").status_code == 200
    assert cache_reads == ["get_many", "get_many"]
