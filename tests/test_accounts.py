from io import StringIO

import pytest
from django.urls import reverse

from accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_log_in(client):
    for url in ["/", reverse("team_list"), reverse("profile")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_log_in_and_out(client, engineer, password):
    response = client.post(reverse("login"), {"username": "priya", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Priya Raman" in response.text
    assert "My work" in response.text

    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.get("/").status_code == 302


def test_wrong_password_keeps_username_and_says_why(client, engineer):
    response = client.post(reverse("login"), {"username": "priya", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="priya"' in response.text


def test_log_out_is_post_only(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("logout")).status_code == 405


def test_home_lists_my_teams(client, engineer):
    client.force_login(engineer)
    response = client.get("/")
    assert "Payments" in response.text
    assert "Engineer" in response.text


def test_home_without_team_explains_what_to_do(client, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    client.force_login(loner)
    assert "You are not in a team yet" in client.get("/").text


def test_team_pages_show_members(client, engineer, teammate):
    client.force_login(engineer)
    assert "Payments" in client.get(reverse("team_list")).text
    response = client.get(reverse("team_detail", args=["payments"]))
    assert "Jonas Berg" in response.text
    assert "Add someone" not in response.text


def test_unknown_team_is_404(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("team_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("who", ["engineer", "facilitator", "manager"])
def test_only_admins_change_membership_on_the_server(client, request, who, outsider):
    person = request.getfixturevalue(who)
    client.force_login(person)
    membership = Membership.objects.get(user=person)

    add = client.post(reverse("team_member_add", args=["payments"]), {"user": outsider.pk, "role": "engineer"})
    promote = client.post(reverse("team_member_role", args=["payments", membership.pk]), {"role": "admin"})
    remove = client.post(reverse("team_member_remove", args=["payments", membership.pk]))

    assert (add.status_code, promote.status_code, remove.status_code) == (403, 403, 403)
    assert "This needs another role" in add.text
    assert not Membership.objects.filter(user=outsider, team__slug="payments").exists()
    membership.refresh_from_db()
    assert membership.role == who


def test_admin_adds_changes_and_removes_members(client, org_admin, engineer, outsider):
    client.force_login(org_admin)
    page = client.get(reverse("team_detail", args=["payments"]))
    assert "Add someone" in page.text

    response = client.post(
        reverse("team_member_add", args=["payments"]), {"user": outsider.pk, "role": "facilitator"}, follow=True
    )
    assert "Otto Nieminen joined Payments as facilitator." in response.text
    membership = Membership.objects.get(user=outsider, team__slug="payments")
    assert membership.role == Role.FACILITATOR

    client.post(reverse("team_member_role", args=["payments", membership.pk]), {"role": "manager"})
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER

    client.post(reverse("team_member_remove", args=["payments", membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_adding_without_a_person_shows_the_error_in_the_form(client, org_admin, payments):
    client.force_login(org_admin)
    response = client.post(reverse("team_member_add", args=["payments"]), {"role": "manager"})
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert '<option value="manager" selected>' in response.text


def test_membership_changes_are_post_only(client, org_admin, engineer):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=engineer)
    assert client.get(reverse("team_member_add", args=["payments"])).status_code == 405
    assert client.get(reverse("team_member_remove", args=["payments", membership.pk])).status_code == 405


def test_has_role_per_team(engineer, facilitator, org_admin, payments, platform):
    assert engineer.has_role(Role.ENGINEER, payments)
    assert not engineer.has_role(Role.FACILITATOR, payments)
    assert facilitator.has_role(Role.FACILITATOR, payments)
    assert not facilitator.has_role(Role.FACILITATOR, platform)
    assert org_admin.has_role(Role.MANAGER, payments)
    assert org_admin.is_org_admin and not engineer.is_org_admin


def test_profile_sets_time_zone_and_times_follow_it(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("profile"), {"display_name": "Priya R.", "email": "p@example.com", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    engineer.refresh_from_db()
    assert engineer.time_zone == "Asia/Tokyo"


def test_profile_rejects_unknown_time_zone_and_keeps_input(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("profile"), {"display_name": "Priya typed this", "email": "p@example.com", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    assert "Priya typed this" in response.text
    assert "Select a valid choice" in response.text


def test_demo_seed_runs_once_and_prints_credentials(db):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Team, User

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo-facilitator-pass" in out.getvalue()
    assert Team.objects.count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "not created again" in again.getvalue()
    assert User.objects.count() == 4


@pytest.mark.django_db
def test_the_sign_in_page_lists_the_demo_sign_ins_in_development_only(client, settings):
    from django.core.management import call_command

    assert "Demo sign-ins" not in client.get(reverse("login")).text  # no demo organisation yet
    call_command("seed_demo", stdout=StringIO())
    page = client.get(reverse("login")).text
    assert "Demo sign-ins" in page and "<code>demo-facilitator-pass</code>" in page
    settings.PRODUCTION = True
    assert "Demo sign-ins" not in client.get(reverse("login")).text


def _request_with_session_of(client):
    from django.test import RequestFactory

    from accounts.signed_in import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    return request


def test_the_signed_in_person_comes_from_the_copy_kept_for_the_session(engineer, payments, django_assert_num_queries):
    from accounts.signed_in import get_user
    from tests.factories import signed_in

    client = signed_in(engineer)
    assert client.get(reverse("team_list")).status_code == 200  # keeps the copy

    with django_assert_num_queries(0):
        person = get_user(_request_with_session_of(client))
        assert person == engineer
        assert (person.username, person.time_zone, person.is_active) == ("priya", engineer.time_zone, True)
        assert person.memberships_by_team == {payments.pk: Role.ENGINEER}
        assert person.backend == "django.contrib.auth.backends.ModelBackend"
    assert not person._state.adding


def test_a_changed_password_or_secret_key_ends_the_session_even_with_a_copy_kept(engineer, settings):
    from tests.factories import signed_in

    client = signed_in(engineer)
    assert client.get(reverse("team_list")).status_code == 200
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
    assert client.get(reverse("team_list")).status_code == 302

    client = signed_in(engineer)
    assert client.get(reverse("team_list")).status_code == 200
    engineer.set_password("a-new-password-9876")
    engineer.save()
    assert client.get(reverse("team_list")).status_code == 302


def test_a_session_with_a_wrong_password_hash_is_not_signed_in(engineer):
    from django.contrib.auth import HASH_SESSION_KEY

    from accounts.signed_in import get_user
    from tests.factories import signed_in

    client = signed_in(engineer)
    assert client.get(reverse("team_list")).status_code == 200
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert not get_user(_request_with_session_of(client)).is_authenticated
