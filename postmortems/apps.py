from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = "Reviews and learning"

    def ready(self):
        from audit.registry import track
        from postmortems import signals  # noqa: F401 - connects the receivers
        from postmortems.access import get_review_for_user
        from postmortems.models import ContributingFactor, ImprovementOpportunity, Review

        track(
            Review,
            fields=["title", "team", "facilitator", "status", "summary", "impact", "went_well", "got_lucky"]
            + ["meeting_at", "meeting_minutes", "meeting_place"],
            m2m=["participants"],
            access=lambda user, pk: get_review_for_user(user, pk).review,
        )
        track(
            ContributingFactor,
            fields=["description", "category", "depth", "service"],
            m2m=["timeline_entries"],
            scope="review",
        )
        track(ImprovementOpportunity, fields=["question"], scope="review")
