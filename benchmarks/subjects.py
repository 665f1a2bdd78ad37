"""Who the benchmarks sign in and what they open: people, incidents, reviews and meetings of the seeded
organisation (``manage.py seed_organisation``), and the key pages over them. Needs Django set up."""

import sys

from benchmarks.load import Page

ROTATE_OVER = 40


def pick_subjects(people: int) -> dict:
    """People to sign in, and the incidents, reviews and meetings they look at (all unrestricted)."""
    from django.db.models import Count

    from accounts.models import Membership, Role, User
    from incidents.models import Incident
    from postmortems.models import Review, ReviewStatus

    manager = Membership.objects.filter(role=Role.MANAGER).select_related("user").first()
    if manager is None:
        sys.exit("No manager in this database: seed it first (manage.py seed_organisation, or --seed).")
    incidents = list(
        Incident.objects.filter(restricted=False, review__isnull=False)
        .annotate(entries=Count("timeline"))
        .filter(entries__gte=5)
        .order_by("-impact_started_at")[:ROTATE_OVER]
    )
    if not incidents:
        sys.exit("No reviewed incidents with a timeline; seed with seed_organisation.")
    reviews = list(Review.objects.filter(incident__in=incidents).select_related("incident"))
    meetings = (
        list(
            Review.objects.filter(status=ReviewStatus.MEETING, incident__restricted=False, facilitator__isnull=False)[
                :10
            ]
        )
        or [review for review in reviews if review.facilitator_id][:1]
    )
    others = list(User.objects.filter(is_active=True).exclude(pk=manager.user_id).order_by("pk")[: people - 1])
    return {
        "manager": manager.user,
        "people": [manager.user, *others],
        "incidents": incidents,
        "reviews": reviews,
        "meetings": meetings,
    }


def key_pages(subjects: dict) -> list[Page]:
    from django.urls import reverse

    incidents, reviews, meetings = subjects["incidents"], subjects["reviews"], subjects["meetings"]
    words = ["database", "timeout", "deploy", "certificate", "queue", "cache", "dns", "retry"]
    return [
        Page("home", [reverse("home")], versions=["incidents", "actions", "reviews"], mixed_share=5),
        Page("dashboard", [reverse("dashboard")], mixed_share=5),
        Page("incident list", first_pages("incident_list", 5), versions=["incidents"], mixed_share=8),
        Page(
            "incident",
            [incident.get_absolute_url() for incident in incidents],
            versions=[f"incident:{i.pk}" for i in incidents] + [f"timeline:{i.pk}" for i in incidents],
            mixed_share=12,
        ),
        Page(
            "review",
            [review.get_absolute_url() for review in reviews],
            versions=[name for review in reviews for name in everything_a_review_shows(review)],
            mixed_share=10,
        ),
        Page(
            "meeting",
            [reverse("review_meeting", args=[review.pk]) for review in meetings],
            versions=[name for review in meetings for name in everything_a_review_shows(review)],
            mixed_share=3,
        ),
        Page("action-item list", first_pages("action_list", 3), versions=["actions"], mixed_share=4),
        Page(
            "library search",
            [reverse("review_library") + f"?q={word}" for word in words],
            versions=["reviews"],
            mixed_share=3,
        ),
    ]


def first_pages(list_url_name: str, count: int) -> list[str]:
    """The addresses of a paginated list's first ``count`` pages, as people step through it."""
    from django.urls import reverse

    return [reverse(list_url_name) + (f"?page={number}" if number > 1 else "") for number in range(1, count + 1)]


def everything_a_review_shows(review) -> list[str]:
    """The versions of every part of a review's page (each list is kept under its own): raised, nothing is kept."""
    parts = ["review", "review-factors", "review-opportunities", "review-notes", "review-actions"]
    return [f"{part}:{review.pk}" for part in parts] + (
        [f"timeline:{review.incident_id}"] if review.incident_id else []
    )


def named(pages: list[Page], names: str) -> list[Page]:
    """The pages a ``--pages "a,b"`` option names, in their own order; all of them when it names none."""
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    return [page for page in pages if page.name in wanted] if wanted else pages
