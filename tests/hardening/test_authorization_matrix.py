"""Who may reach every URL of the project, by role and by whose object it is.

Every URL pattern (admin aside) must have a row below saying how to build its arguments and which rule
applies to GET and to POST; a new URL without a row fails ``test_every_url_has_a_row``. Each request runs
in a savepoint that is rolled back, so one row's successful POST cannot change what the next one sees,
and every refused request (and every GET) is checked to have changed nothing.
"""

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership
from actions.models import ActionItem, FixObligation, Notification, NotificationKind, RecurrenceFlag, TeamChatHook
from alerts.models import AlertSource, SourceKind
from api.models import PersonalAccessToken
from api.tokens import create_token
from audit.models import AuditEvent
from incidents.models import Incident, IncidentLink, NearMiss, NearMissThanks, TimelineEntry
from postmortems.models import ContributingFactor, ImprovementOpportunity, Perspective, Review, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory, NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, OpportunityFactory, ReviewFactory

ROLES = ("anonymous", "engineer", "outsider", "facilitator", "manager", "org_admin")

# What a rule may expect: "ok" (allowed), 403, 404, 405, or "login" (sent to sign in).
VIEW = "view"  # anyone who may see the object
EDIT = "edit"  # own team's people (and the incident's responders/facilitator) and admins
FACILITATE = "facilitate"  # the review's facilitator (or the team's facilitators while none is assigned) and admins
PARTICIPANT = "participant"  # the review's participants only
ADMIN = "admin"  # organisation admins only
MANAGER = "manager"  # the team's managers and admins
RECIPIENT = "recipient"  # the notification's recipient only (others get 404: it is not theirs to know of)
PUBLIC = "public"  # no sign-in needed
NOT_ALLOWED = 405
REFUSED_ALWAYS = 403  # the object is in a state where nobody may do this (e.g. exporting a draft)
NOT_SET_UP = "not set up"  # a page of an optional feature that is off here (404 for everyone)
OWN_SECRET = "own secret"  # a web hook that only its sender's secret opens (401 for everyone here, signed in or not)

OWN, OTHER, RESTRICTED, NONE = "own", "other", "restricted", "none"
EVERY_TARGET = (OWN, OTHER, RESTRICTED)
# People who are neither responder nor facilitator of the restricted incident (Maya shares its team).
NOT_RESPONDERS = {"manager", "outsider"}


@dataclass(frozen=True)
class Row:
    get: object
    post: object
    kwargs: Callable = lambda t: {}
    targets: tuple = (NONE,)
    # Logging out ends the session, so that row needs a client of its own for every request.
    fresh_client: bool = False
    # Reachable without signing in (LoginRequiredMiddleware lets it through).
    public: bool = False
    query: str = ""
    data: dict = field(default_factory=dict)
    # An API endpoint: asked with each person's personal access token instead of a session, with the
    # JSON body ``body(world)`` and ``write`` as the method of the "post" rule; "login" then means 401.
    api: bool = False
    write: str = "POST"
    body: Callable = lambda world, obj: {}


def _pks(**attrs):
    """The URL's arguments from the world's objects: ``_pks(pk="review", factor_pk="factor")``."""
    return lambda t: {name: getattr(t, attr).pk for name, attr in attrs.items()}


def _pk(attr, **more):
    return _pks(pk=attr, **more)


def _api_pk(attr, name=None):
    return lambda t: {name or f"{attr}_id": getattr(t, attr).pk}


def _api_incident(world) -> dict:
    return {"title": "Opened through the API", "severity": "sev3", "team": world.own.team.pk,
            "impact_started_at": "2026-01-05T10:00:00Z"}  # fmt: skip


def _api_entry() -> dict:
    return {"occurred_at": "2026-01-05T10:00:00Z", "text": "Alerts fired for the checkout queue."}


MATRIX: dict[str, Row] = {
    # config
    "home": Row(get=VIEW, post=VIEW),
    "healthz": Row(get=PUBLIC, post=NOT_ALLOWED, public=True),
    # accounts
    "login": Row(get=PUBLIC, post=PUBLIC, public=True),
    "logout": Row(get=NOT_ALLOWED, post=VIEW, fresh_client=True),
    # sso: single sign-on is not set up in the tests' settings (tests/sso/ sign in through a real provider).
    "oidc_authentication_init": Row(get=NOT_SET_UP, post=NOT_SET_UP, public=True),
    "oidc_authentication_callback": Row(get=NOT_SET_UP, post=NOT_SET_UP, public=True),
    "profile": Row(get=VIEW, post=VIEW),
    "team_list": Row(get=VIEW, post=VIEW),
    "team_detail": Row(get=VIEW, post=VIEW, kwargs=lambda t: {"slug": t.team.slug}, targets=(OWN, OTHER)),
    "team_member_add": Row(get=NOT_ALLOWED, post=ADMIN, kwargs=lambda t: {"slug": t.team.slug}, targets=(OWN, OTHER)),
    "team_member_role": Row(
        get=NOT_ALLOWED,
        post=ADMIN,
        kwargs=lambda t: {"slug": t.team.slug, "pk": t.member.memberships.get(team=t.team).pk},
        targets=(OWN, OTHER),
        data={"role": "facilitator"},
    ),
    "team_member_remove": Row(
        get=NOT_ALLOWED,
        post=ADMIN,
        kwargs=lambda t: {"slug": t.team.slug, "pk": t.member.memberships.get(team=t.team).pk},
        targets=(OWN, OTHER),
    ),
    # incidents
    "incident_list": Row(get=VIEW, post=VIEW),
    "incident_new": Row(get=VIEW, post=VIEW),
    "incident_detail": Row(get=VIEW, post=VIEW, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "incident_edit": Row(get=EDIT, post=EDIT, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "incident_link_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "incident_link_remove": Row(
        get=NOT_ALLOWED,
        post=EDIT,
        kwargs=_pk("incident", link_pk="link"),
        targets=EVERY_TARGET,
    ),
    "timeline": Row(get=VIEW, post=VIEW, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "timeline_entry_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "timeline_entry_edit": Row(get=EDIT, post=EDIT, kwargs=_pk("incident", entry_pk="entry"), targets=EVERY_TARGET),
    "timeline_entry_delete": Row(
        get=NOT_ALLOWED,
        post=EDIT,
        kwargs=_pk("incident", entry_pk="entry"),
        targets=EVERY_TARGET,
    ),
    "timeline_import": Row(get=EDIT, post=EDIT, kwargs=_pk("incident"), targets=EVERY_TARGET),
    "near_miss_list": Row(get=VIEW, post=VIEW),
    "near_miss_new": Row(get=VIEW, post=VIEW),
    "near_miss_filed": Row(get=VIEW, post=NOT_ALLOWED),
    "near_miss_detail": Row(get=VIEW, post=VIEW, kwargs=_pk("near_miss"), targets=(OWN, OTHER)),
    "near_miss_thank": Row(get=NOT_ALLOWED, post=VIEW, kwargs=_pk("near_miss"), targets=(OWN, OTHER)),
    # reviews
    "review_library": Row(get=VIEW, post=NOT_ALLOWED),
    "review_start": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pks(incident_pk="incident"), targets=EVERY_TARGET),
    "review_start_near_miss": Row(
        get=NOT_ALLOWED, post=EDIT, kwargs=_pks(near_miss_pk="near_miss"), targets=(OWN, OTHER)
    ),
    "review_detail": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_take_on": Row(get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_section": Row(
        get=EDIT, post=EDIT, kwargs=lambda t: {"pk": t.review.pk, "name": "summary"}, targets=EVERY_TARGET
    ),
    "review_check": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "language_check": Row(get=NOT_ALLOWED, post=VIEW),
    "review_participants": Row(get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_schedule": Row(get=FACILITATE, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_invite": Row(get=FACILITATE, post=NOT_ALLOWED, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_perspective": Row(get=PARTICIPANT, post=PARTICIPANT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_factor_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_factor_edit": Row(get=EDIT, post=EDIT, kwargs=_pk("review", factor_pk="factor"), targets=EVERY_TARGET),
    "review_factor_delete": Row(
        get=NOT_ALLOWED,
        post=EDIT,
        kwargs=_pk("review", factor_pk="factor"),
        targets=EVERY_TARGET,
    ),
    "review_opportunity_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "meeting_factor_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "meeting_opportunity_add": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_earlier_fixes": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_opportunity_delete": Row(
        get=NOT_ALLOWED,
        post=EDIT,
        kwargs=_pk("review", opportunity_pk="opportunity"),
        targets=EVERY_TARGET,
    ),
    "review_status": Row(
        get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET, data={"action": "start_meeting"}
    ),
    "review_publish": Row(get=FACILITATE, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_flag_dismiss": Row(get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_flag_keep": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("review"), targets=EVERY_TARGET),
    # Feedback is asked of participants of a published review.
    "review_feedback": Row(
        get=NOT_ALLOWED, post=PARTICIPANT, kwargs=_pk("published_review"), targets=EVERY_TARGET, data={"score": "4"}
    ),
    "review_meeting": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_meeting_state": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_meeting_agenda": Row(
        get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET, data={"section": "timeline"}
    ),
    "review_meeting_timer": Row(
        get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET, data={"action": "pause"}
    ),
    "review_meeting_nudge": Row(get=NOT_ALLOWED, post=FACILITATE, kwargs=_pk("review"), targets=EVERY_TARGET),
    "review_export_markdown": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("published_review"), targets=EVERY_TARGET),
    "review_export_anonymised": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("published_review"), targets=EVERY_TARGET),
    # actions
    "action_list": Row(get=VIEW, post=NOT_ALLOWED),
    "my_action_items": Row(get=VIEW, post=NOT_ALLOWED),
    "action_export": Row(get=VIEW, post=NOT_ALLOWED),
    "action_detail": Row(get=VIEW, post=NOT_ALLOWED, kwargs=_pk("item"), targets=EVERY_TARGET),
    "action_edit": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("item"), targets=EVERY_TARGET),
    "action_status": Row(get=NOT_ALLOWED, post=EDIT, kwargs=_pk("item"), targets=EVERY_TARGET),
    "action_new": Row(get=EDIT, post=EDIT, kwargs=_pks(incident_pk="incident"), targets=EVERY_TARGET),
    "obligation_panel": Row(get=VIEW, post=EDIT, kwargs=_pks(incident_pk="incident"), targets=EVERY_TARGET),
    "review_action_items": Row(get=VIEW, post=EDIT, kwargs=_pks(review_pk="review"), targets=EVERY_TARGET),
    "notifications": Row(get=VIEW, post=NOT_ALLOWED),
    "notifications_badge": Row(get=VIEW, post=NOT_ALLOWED),
    "notifications_read_all": Row(get=NOT_ALLOWED, post=VIEW),
    "notification_settings": Row(get=VIEW, post=VIEW),
    "notification_open": Row(get=NOT_ALLOWED, post=RECIPIENT, kwargs=_pk("notification"), targets=(OWN,)),
    "team_chat_hook": Row(get=MANAGER, post=MANAGER, kwargs=lambda t: {"slug": t.team.slug}, targets=(OWN, OTHER)),
    "recurrence_decide": Row(
        get=NOT_ALLOWED,
        post=FACILITATE,
        kwargs=_pk("flag"),
        targets=EVERY_TARGET,
        data={"decision": "dismiss", "reason": "The later failure came from a path the fix never covered."},
    ),
    # Forge web hooks need no sign-in but a secret: with none set up for the organisation, everyone gets 403.
    "github_hook": Row(get=NOT_ALLOWED, post=REFUSED_ALWAYS, kwargs=lambda t: {"organisation": "acme"}, public=True),
    "gitlab_hook": Row(get=NOT_ALLOWED, post=REFUSED_ALWAYS, kwargs=lambda t: {"organisation": "acme"}, public=True),
    # alerts: monitoring systems post with the source's secret (tests/alerts/ send them signed)
    "alert_hook": Row(get=NOT_ALLOWED, post=OWN_SECRET, public=True, kwargs=lambda t: {"slug": t.alert_source.slug}),
    # slackapp: not set up in the tests' settings (tests/slackapp/ send signed requests)
    "slack_command": Row(get=NOT_ALLOWED, post=NOT_SET_UP, public=True),
    "slack_interaction": Row(get=NOT_ALLOWED, post=NOT_SET_UP, public=True),
    # api: the tokens page, the description, and every endpoint with the rules of the matching pages
    "api_tokens": Row(get=VIEW, post=VIEW, data={"name": "matrix", "scope": "read"}),
    "api_token_revoke": Row(get=NOT_ALLOWED, post=RECIPIENT, kwargs=_pk("token"), targets=(OWN,)),
    # The API's root only tells the framework where the API lives; it answers 404 to everyone.
    "api:api-root": Row(get=NOT_SET_UP, post=NOT_ALLOWED, public=True),
    "api:openapi-json": Row(get=PUBLIC, post=NOT_ALLOWED, public=True),
    "api:openapi-view": Row(get=PUBLIC, post=NOT_ALLOWED, public=True),
    "api:incidents": Row(get=VIEW, post=VIEW, api=True, body=lambda w, t: _api_incident(w)),
    "api:incident": Row(
        get=VIEW,
        post=EDIT,
        api=True,
        write="PATCH",
        kwargs=_api_pk("incident"),
        targets=EVERY_TARGET,
        body=lambda w, t: {"title": "Renamed through the API"},
    ),
    "api:incident_timeline": Row(
        get=VIEW,
        post=EDIT,
        api=True,
        kwargs=_api_pk("incident"),
        targets=EVERY_TARGET,
        body=lambda w, t: _api_entry(),
    ),
    "api:incident_obligation": Row(
        get=VIEW, post=NOT_ALLOWED, api=True, kwargs=_api_pk("incident"), targets=EVERY_TARGET
    ),
    "api:near_misses": Row(
        get=NOT_ALLOWED,
        post=VIEW,
        api=True,
        body=lambda w, t: {
            "what_almost_happened": "A config push nearly went to every region.",
            "how_caught": "review",
        },
    ),
    "api:reviews": Row(get=VIEW, post=NOT_ALLOWED, api=True),
    "api:review": Row(
        get=VIEW, post=NOT_ALLOWED, api=True, kwargs=_api_pk("review", "review_id"), targets=EVERY_TARGET
    ),
    "api:action_items": Row(get=VIEW, post=NOT_ALLOWED, api=True),
    "api:incident_action_items": Row(
        get=VIEW,
        post=EDIT,
        api=True,
        kwargs=_api_pk("incident"),
        targets=EVERY_TARGET,
        body=lambda w, t: {"title": "Add a canary stage to deploys", "kind": "guardrail"},
    ),
    "api:action_item": Row(
        get=VIEW,
        post=EDIT,
        api=True,
        write="PATCH",
        kwargs=_api_pk("item", "item_id"),
        targets=EVERY_TARGET,
        body=lambda w, t: {"priority": "high"},
    ),
    "api:obligations": Row(get=VIEW, post=NOT_ALLOWED, api=True),
    # dashboard
    "dashboard": Row(get=VIEW, post=NOT_ALLOWED),
    "dashboard_export": Row(get=VIEW, post=NOT_ALLOWED, kwargs=lambda t: {"name": "time-to-detect"}),
    # audit: each tracked page's history follows the page's own access helper.
    "audit_history": Row(
        get=VIEW,
        post=VIEW,
        kwargs=lambda t: {"label": "incidents.incident", "pk": t.incident.pk},
        targets=EVERY_TARGET,
    ),
}


def project_url_names() -> set[str]:
    """Every named URL pattern, walking includes; the admin is left to guard itself."""
    names: set[str] = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(pattern.url_patterns, route, f"{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"The URL {route!r} has no name, so the matrix cannot list it."
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def expected(rule, role: str, target: str, world, public: bool = False) -> object:
    """What ``role`` should get from a URL under ``rule`` on ``target``'s object."""
    if rule == PUBLIC:
        return "ok"
    if rule == NOT_SET_UP:
        return 404
    if rule == OWN_SECRET:
        return 401
    # Signing in comes first (the middleware), then the method, then the object and the rules.
    if role == "anonymous" and not public:
        return "login"
    if rule in (NOT_ALLOWED, REFUSED_ALWAYS):
        return rule
    if target == RESTRICTED and role in NOT_RESPONDERS:
        return 404
    if rule == VIEW:
        return "ok"
    if rule == ADMIN:
        return "ok" if role == "org_admin" else 403
    if rule == RECIPIENT:
        return "ok" if role == "engineer" else 404
    if rule == MANAGER:
        return "ok" if role == "org_admin" or (target == OWN and role == "manager") else 403
    if rule == PARTICIPANT:
        return "ok" if role in world.participants[target] else 403
    if rule == FACILITATE:
        allowed = {OWN: {"facilitator", "org_admin"}, OTHER: {"org_admin"}, RESTRICTED: {"facilitator", "org_admin"}}
        return "ok" if role in allowed[target] else 403
    if rule == EDIT:
        allowed = {
            OWN: {"engineer", "facilitator", "manager", "org_admin"},
            OTHER: {"outsider", "org_admin"},
            # The responder, the incident's facilitator and admins; the others already got 404.
            RESTRICTED: {"engineer", "facilitator", "org_admin"},
            NONE: set(ROLES),
        }
        return "ok" if role in allowed[target] else 403
    raise AssertionError(f"unknown rule {rule!r}")


def _objects_for(team, member, participant, incident_fields=None, responders=(), facilitator=None):
    def an_incident():
        return IncidentFactory(
            team=team, facilitator=facilitator, responders=list(responders), **(incident_fields or {})
        )

    incident = an_incident()
    neighbour = IncidentFactory(team=team)
    review = ReviewFactory(incident=incident)
    published = ReviewFactory(incident=an_incident(), status=ReviewStatus.PUBLISHED)
    if participant:
        review.participants.add(participant)
        published.participants.add(participant)
    item = ActionItemFactory(incident=incident, team=team, owner=member)
    factor = ContributingFactorFactory(review=review)
    return SimpleNamespace(
        team=team,
        member=member,
        incident=incident,
        link=IncidentLink.objects.create(from_incident=incident, to_incident=neighbour),
        entry=TimelineEntryFactory(incident=incident),
        review=review,
        published_review=published,
        factor=factor,
        opportunity=OpportunityFactory(review=review),
        item=item,
        flag=RecurrenceFlag.objects.create(fix=item, earlier_factor=factor, later_factor=factor),
        near_miss=NearMissFactory(team=team, reporter=member),
    )


def build_world(cast: dict):
    """Payments' objects (own), Platform's (other) and a restricted Payments incident with its review,
    where Priya is a responder and Sam the facilitator; Maya (Payments) and Otto are neither."""
    c = SimpleNamespace(**cast)
    world = SimpleNamespace(
        own=_objects_for(c.payments, c.teammate, participant=c.engineer),
        other=_objects_for(c.platform, c.platform_member, participant=c.outsider),
        restricted=_objects_for(
            c.payments,
            c.teammate,
            participant=None,
            incident_fields={"restricted": True},
            responders=[c.engineer],
            facilitator=c.facilitator,
        ),
        none=SimpleNamespace(),
        participants={OWN: {"engineer"}, OTHER: {"outsider"}, RESTRICTED: set(), NONE: set()},
        users={role: cast[role] for role in ROLES if role != "anonymous"},
    )
    world.none.alert_source = AlertSource.objects.create(
        name="Matrix", slug="matrix", kind=SourceKind.ALERTMANAGER, team=c.payments, secret="matrix-secret"
    )
    world.own.token, _ = create_token(c.engineer, name="matrix", scope="read")
    world.secrets = {role: create_token(user, name="matrix", scope="write")[1] for role, user in world.users.items()}
    for target in (world.own, world.other, world.restricted):
        FixObligation.objects.get_or_create(
            incident=target.incident,
            defaults={"starts_at": timezone.now(), "deadline": timezone.now() + timedelta(hours=48)},
        )
    world.own.notification = Notification.objects.create(
        recipient=c.engineer, kind=NotificationKind.THANKS, title="Someone thanked you", url="/notifications/"
    )
    return world


@pytest.fixture
def cast(payments, platform, engineer, teammate, facilitator, manager, org_admin, outsider):
    from tests.factories import MembershipFactory, UserFactory

    platform_member = UserFactory(username="pia", display_name="Pia Koski")
    MembershipFactory(user=platform_member, team=platform, role="engineer")
    return {
        "payments": payments,
        "platform": platform,
        "engineer": engineer,
        "teammate": teammate,
        "facilitator": facilitator,
        "manager": manager,
        "org_admin": org_admin,
        "outsider": outsider,
        "platform_member": platform_member,
    }


def _snapshot_querysets() -> list:
    return [
        AuditEvent.objects.all(),
        Incident.objects.all(),
        IncidentLink.objects.all(),
        TimelineEntry.objects.all(),
        NearMiss.objects.all(),
        NearMissThanks.objects.all(),
        Review.objects.all(),
        Review.objects.filter(facilitator__isnull=False),
        Review.objects.exclude(status=ReviewStatus.DRAFT),
        Perspective.objects.all(),
        ContributingFactor.objects.all(),
        ImprovementOpportunity.objects.all(),
        ActionItem.objects.all(),
        Membership.objects.all(),
        Notification.objects.filter(read_at__isnull=True),
        TeamChatHook.objects.all(),
        PersonalAccessToken.objects.filter(revoked_at__isnull=True),
    ]


@functools.cache
def _snapshot_sql() -> tuple[str, tuple]:
    """The snapshot's SQL, compiled once: compiling 16 querysets for every request cost more than running them."""
    parts, params = [], []
    for number, queryset in enumerate(_snapshot_querysets()):
        sql, query_params = queryset.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{number})")
        params.extend(query_params)
    return "SELECT " + ", ".join(parts), tuple(params)


def state_snapshot() -> tuple:
    """Counts that any change a refused request (or a GET) could make would move, in one query."""
    sql, params = _snapshot_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _client_for(role: str, world, clients: dict, fresh: bool = False, **client_options) -> Client:
    if fresh or role not in clients:
        client = Client(**client_options)
        if role != "anonymous":
            client.force_login(world.users[role])
        if fresh:
            return client
        clients[role] = client
    return clients[role]


def _request(client: Client, method: str, url: str, data: dict, before: tuple | None = None, **headers):
    """One request inside a savepoint that is always rolled back, with the state before and after
    (``before`` may be given when the caller already knows it)."""
    with transaction.atomic():
        if before is None:
            before = state_snapshot()
        response = client.get(url, headers=headers) if method == "GET" else client.post(url, data, headers=headers)
        after = state_snapshot()
        transaction.set_rollback(True)
    return response, before, after


def _api_request(world, role: str, method: str, url: str, body: dict, before: tuple):
    """One API request with ``role``'s token (none for anonymous), rolled back like the others."""
    headers = {"Authorization": f"Bearer {world.secrets[role]}"} if role != "anonymous" else {}
    client = Client()
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.generic(method, url, json.dumps(body), content_type="application/json", headers=headers)
        after = state_snapshot()
        transaction.set_rollback(True)
    return response, before, after


def _check(response, want, method: str, url: str, role: str, changed: bool, api: bool = False) -> str | None:
    status = response.status_code
    where = f"{method} {url} as {role}: got {status}"
    if status >= 500:
        return f"{where}, a server error"
    if want == "login" and api:
        if status != 401:
            return f"{where}, expected 401 without a token"
        if changed:
            return f"{where}, and the database changed"
        return None
    if want == "login":
        location = response.headers.get("Location", "")
        if status != 302 or not location.startswith(reverse("login")):
            return f"{where}, expected a redirect to sign in"
        if changed:
            return f"{where}, and the database changed"
        return None
    if want == "ok":
        if status in (403, 404, 405):
            return f"{where}, expected to be allowed"
        if method == "GET" and status not in (200, 302):
            return f"{where}, expected the page"
        if method == "GET" and changed:
            return f"{where}, and a GET changed the database"
        return None
    if status != want:
        return f"{where}, expected {want}"
    if changed:
        return f"{where}, refused yet the database changed"
    return None


def test_every_url_has_a_row():
    names = project_url_names()
    missing = sorted(names - MATRIX.keys())
    assert not missing, f"URL names with no row in the authorization matrix: {', '.join(missing)}"
    stale = sorted(MATRIX.keys() - names)
    assert not stale, f"Rows for URL names that no longer exist: {', '.join(stale)}"


def test_anonymous_admin_is_sent_to_the_admins_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


# Building the world takes a second or two, so each test takes a slice of the rows rather than one.
ROW_GROUPS = [sorted(MATRIX)[start : start + 12] for start in range(0, len(MATRIX), 12)]


@pytest.mark.parametrize("names", ROW_GROUPS, ids=lambda names: f"{names[0]}..{names[-1]}")
def test_authorization_matrix(names, cast):
    world = build_world(cast)
    # One signed-in client per person for the whole slice: every request is rolled back, so the rows
    # cannot see each other's changes, and signing in again for every row only cost time.
    clients: dict[str, Client] = {}
    for role in ROLES:
        _client_for(role, world, clients)
    # Every request below is rolled back, so the state before each one is this one.
    baseline = state_snapshot()
    problems = []
    for name in names:
        problems.extend(_problems_with_row(name, world, clients, baseline))
    assert not problems, "\n".join(problems)


# VIEW depends neither on the role nor on the team: whoever is signed in sees what is not restricted. So
# the least privileged stand for everyone: on our own object (and on pages without one) an engineer of the
# team and an engineer of another team (a page that wrongly asked for a role, or for membership, refuses
# one of them), on the other team's object an engineer from outside it. On the restricted object, the
# only one VIEW refuses to some, everyone is asked. (A manager still gets every page in the walk of
# tests/dashboard/test_no_per_person.py, which fails on a server error.)
VIEW_ROLES = {NONE: ("engineer", "outsider"), OWN: ("engineer", "outsider"), OTHER: ("engineer",)}


def _asked(row: Row, rule, role: str, target: str) -> bool:
    """Whether ``role`` is asked about ``target`` under ``rule`` (a cheaper set with the same coverage)."""
    if rule == NOT_ALLOWED:
        # The method is checked before the person or the object: once per row is enough
        # (test_post_only_views_answer_405_to_get_and_change_nothing covers every target).
        return (role, target) == ("engineer", row.targets[0])
    if role == "anonymous":
        # Signing in is checked before the object: once per row, on its first target.
        return target == row.targets[0]
    if rule == VIEW and target in VIEW_ROLES:
        return role in VIEW_ROLES[target]
    return True


def _problems_with_row(name: str, world, clients: dict[str, Client], baseline: tuple) -> list[str]:
    row = MATRIX[name]
    problems = []
    for target in row.targets:
        url = reverse(name, kwargs=row.kwargs(getattr(world, target))) + row.query
        for role in ROLES:
            for method, rule in (("GET", row.get), (row.write, row.post)):
                if not _asked(row, rule, role, target):
                    continue
                want = expected(rule, role, target, world, row.public)
                if row.api:
                    body = row.body(world, getattr(world, target))
                    response, before, after = _api_request(world, role, method, url, body, baseline)
                else:
                    client = _client_for(role, world, clients, fresh=row.fresh_client)
                    # A fresh client has just signed in, which may itself be recorded: measure again.
                    before = None if row.fresh_client else baseline
                    response, before, after = _request(client, method, url, row.data, before=before)
                problem = _check(response, want, method, f"{url} ({target})", role, before != after, row.api)
                if problem:
                    problems.append(problem)
    return problems


def _state_changing_rows():
    return sorted(name for name, row in MATRIX.items() if row.post != NOT_ALLOWED and row.get == NOT_ALLOWED)


def test_post_only_views_answer_405_to_get_and_change_nothing(cast):
    world = build_world(cast)
    clients: dict[str, Client] = {}
    post_only = _state_changing_rows()
    assert len(post_only) > 20
    for name in post_only:
        row = MATRIX[name]
        for target in row.targets:
            url = reverse(name, kwargs=row.kwargs(getattr(world, target)))
            # The method is checked before the object or the person, so an admin stands for everyone.
            client = _client_for("org_admin", world, clients)
            response, before, after = _request(client, "GET", url, {})
            assert response.status_code == 405, f"GET {url}: {response.status_code}"
            assert before == after, f"GET {url} changed the database"


def _first_allowed_role(row: Row, target: str, world) -> str:
    for role in ("org_admin", "engineer", "outsider", "facilitator", "manager", "anonymous"):
        if expected(row.post, role, target, world, row.public) == "ok":
            return role
    raise AssertionError(f"nobody may POST to this row on {target}")


def test_every_state_change_needs_the_csrf_token(cast):
    """Without the token a POST is refused; with it in htmx's header the same POST goes through."""
    world = build_world(cast)
    clients: dict[str, Client] = {}
    checked = 0
    for name, row in sorted(MATRIX.items()):
        # The API takes no cookies, only tokens, so there is no request to forge (tests/api check a session is refused).
        if row.post in (NOT_ALLOWED, REFUSED_ALWAYS, NOT_SET_UP, OWN_SECRET) or row.api:
            continue
        target = row.targets[0]
        url = reverse(name, kwargs=row.kwargs(getattr(world, target)))
        role = _first_allowed_role(row, target, world)
        client = _client_for(role, world, clients, fresh=row.fresh_client, enforce_csrf_checks=True)
        if "csrftoken" not in client.cookies:  # once per client: the cookie then stays
            client.get(reverse("login") if role == "anonymous" else reverse("profile"))
        token = client.cookies.get("csrftoken")
        assert token, "the sign-in page sets the CSRF cookie"

        response, before, after = _request(client, "POST", url, row.data)
        assert response.status_code == 403, f"POST {url} as {role} without a CSRF token: {response.status_code}"
        assert before == after, f"POST {url} without a CSRF token changed the database"

        response, _, _ = _request(client, "POST", url, row.data, x_csrftoken=token.value, hx_request="true")
        assert response.status_code not in (403, 404, 405), f"htmx POST {url} as {role}: {response.status_code}"
        assert response.status_code < 500
        checked += 1
    assert checked > 40


# --- deliveries: a restricted incident reaches only the people who may see it ---------------------------
#
# Every way the incident leaves the page (an inbox row, an email, a team chat message, a calendar invite)
# and every list of people offered for it (the owner picker, the participant picker) is asked who it
# reaches, out of the whole cast. Each must reach exactly the people who may see the incident: its
# responder (Priya), its facilitator (Sam) and the admin (Alex); never Jonas and Maya (its own team, not on
# it) nor the people of another team.
MAY_SEE_RESTRICTED = {"priya", "sam", "alex"}


def _everyone(cast) -> list:
    return [person for person in cast.values() if hasattr(person, "username")]


def _reached_by_inbox(world, cast, mailoutbox) -> set[str]:
    from actions.notify import notify_many

    incident = world.restricted.incident
    notify_many(
        _everyone(cast),
        NotificationKind.FIX_DUE_SOON,
        f"The systemic fix for “{incident.title}” is due",
        incident=incident,
    )
    return set(Notification.objects.filter(incident=incident).values_list("recipient__username", flat=True))


def _reached_by_email(world, cast, mailoutbox) -> set[str]:
    from actions.models import Delivery
    from actions.notify import deliver_one, notify_many

    incident = world.restricted.incident
    notify_many(
        _everyone(cast),
        NotificationKind.FIX_DUE_SOON,
        f"The systemic fix for “{incident.title}” is due",
        incident=incident,
    )
    for pk in Delivery.objects.values_list("pk", flat=True):
        deliver_one(pk, immediate=True)
    by_address = {person.email: person.username for person in _everyone(cast)}
    return {by_address[address] for mail in mailoutbox for address in mail.to if incident.title in mail.subject}


def _reached_by_new_owner_notice(world, cast, mailoutbox) -> set[str]:
    """The action item of the restricted incident is given to each person in turn."""
    from actions.services import tell_new_owner

    item = world.restricted.item
    for person in _everyone(cast):
        item.owner = person
        tell_new_owner(item, previous_owner_id=None, changed_by=None)
    return set(
        Notification.objects.filter(incident=world.restricted.incident).values_list("recipient__username", flat=True)
    )


def _reached_by_chat(world, cast, mailoutbox) -> set[str]:
    """A team channel reaches every member of the team: the incident's team chat is asked."""
    from actions.notify import notify_team_chats

    incident = world.restricted.incident
    TeamChatHook.objects.create(team=incident.team, url="http://127.0.0.1:9/hook")
    notify_team_chats([incident.team], f"The systemic fix for “{incident.title}” is due", incident=incident)
    return _chat_members(incident.team)


def _reached_by_invite(world, cast, mailoutbox) -> set[str]:
    """Everyone was made a participant (as if before the incident was restricted); the invite is downloaded."""
    import datetime as dt

    review = world.restricted.review
    review.participants.set(_everyone(cast))
    review.facilitator = cast["facilitator"]
    review.meeting_at = dt.datetime(2030, 1, 7, 10, tzinfo=dt.UTC)
    review.save()
    client = Client()
    client.force_login(cast["facilitator"])
    invite = client.get(reverse("review_invite", args=[review.pk])).content.decode()
    assert world.restricted.incident.title not in invite, "the invite names the restricted incident"
    unfolded = invite.replace("\r\n ", "")
    return {person.username for person in _everyone(cast) if f"mailto:{person.email}" in unfolded}


def _offered_as_owner(world, cast, mailoutbox) -> set[str]:
    client = Client()
    client.force_login(cast["facilitator"])
    page = client.get(reverse("action_new", args=[world.restricted.incident.pk])).text
    options = page.split('name="owner"')[1].split("</select>")[0]
    return {person.username for person in _everyone(cast) if f">{person.name}</option>" in options}


def _offered_as_participant(world, cast, mailoutbox) -> set[str]:
    review = world.restricted.review
    review.facilitator = cast["facilitator"]
    review.save()
    client = Client()
    client.force_login(cast["facilitator"])
    page = client.get(review.get_absolute_url()).text
    offered = {person.username for person in _everyone(cast) if f'name="participants" value="{person.pk}"' in page}
    # Asking for someone who is not offered adds nobody.
    client.post(reverse("review_participants", args=[review.pk]), {"participants": [p.pk for p in _everyone(cast)]})
    return offered | set(review.participants.values_list("username", flat=True))


def _chat_members(team) -> set[str]:
    """A team chat message reaches every member of the team, if one was queued."""
    from actions.models import Delivery

    if not Delivery.objects.filter(channel="chat").exists():
        return set()
    return set(Membership.objects.filter(team=team).values_list("user__username", flat=True))


def _reached_by_facilitator_request(world, cast, mailoutbox) -> set[str]:
    """The restricted incident's review waits for a facilitator: the team's facilitators are asked by inbox,
    e-mail and the team's chat."""
    from postmortems import events

    review = world.restricted.review
    review.facilitator = None
    review.save()
    TeamChatHook.objects.create(team=review.team, url="http://127.0.0.1:9/hook")
    events.facilitator_requested.send(sender=Review, review=review)
    told = Notification.objects.filter(incident=world.restricted.incident)
    return set(told.values_list("recipient__username", flat=True)) | _chat_members(review.team)


def _reached_by_slack_announcement(world, cast, mailoutbox) -> set[str]:
    """With the Slack app set up, a new incident is announced in its team's channel."""
    from django.test import override_settings

    TeamChatHook.objects.create(team=cast["payments"], url="http://127.0.0.1:9/hook")
    with override_settings(SLACK_SIGNING_SECRET="s", SLACK_BOT_TOKEN="xoxb-matrix", SLACK_ANNOUNCE_INCIDENTS=True):
        IncidentFactory(team=cast["payments"], restricted=True, title="A second restricted incident")
    return _chat_members(cast["payments"])


def _reached_by_weekly_digest(world, cast, mailoutbox) -> set[str]:
    """Each manager's weekly digest lists their teams' overdue action items."""
    from actions.reminders import digest_message

    item = world.restricted.item
    item.due_on = timezone.localdate() - timedelta(days=3)
    item.save()
    return {
        person.username for person in _everyone(cast) if item.title in "".join(digest_message(person, timezone.now()))
    }


DELIVERIES = {
    "inbox": _reached_by_inbox,
    "email": _reached_by_email,
    "action item owner notice": _reached_by_new_owner_notice,
    "team chat": _reached_by_chat,
    "calendar invite": _reached_by_invite,
    "owner picker": _offered_as_owner,
    "participant picker": _offered_as_participant,
    "facilitator request": _reached_by_facilitator_request,
    "Slack announcement": _reached_by_slack_announcement,
    "weekly digest": _reached_by_weekly_digest,
}


# Who each delivery must still reach: a check that only refused everyone would prove nothing. A team
# channel is never used for a restricted incident; the owner picker lists the people near the incident
# (its teams, responders and facilitator), so the admin of another team is not among them.
MUST_REACH = {
    "team chat": set(),
    "owner picker": {"priya", "sam"},
    # Sam facilitates for Payments; nobody else who may see the incident facilitates for its team.
    "facilitator request": {"sam"},
    "Slack announcement": set(),
    # The digest goes to managers; no manager is on the restricted incident.
    "weekly digest": set(),
}


@pytest.mark.parametrize("delivery", DELIVERIES)
def test_a_restricted_incident_reaches_only_those_who_may_see_it(delivery, cast, mailoutbox):
    world = build_world(cast)
    reached = DELIVERIES[delivery](world, cast, mailoutbox)
    assert reached <= MAY_SEE_RESTRICTED, f"{delivery} reached {sorted(reached - MAY_SEE_RESTRICTED)}"
    must_reach = MUST_REACH.get(delivery, MAY_SEE_RESTRICTED)
    assert reached >= must_reach, f"{delivery} left out {sorted(must_reach - reached)}, who may see the incident"
