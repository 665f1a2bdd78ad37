from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = "Reviews and learning"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts.models import User
        from audit.registry import track
        from markup.notes import register_language_reader
        from postmortems import signals, versions  # noqa: F401 - connects the receivers
        from postmortems.access import get_review_for_user
        from postmortems.language import notes_for_storage
        from postmortems.language.people import forget_directory_names
        from postmortems.models import ContributingFactor, ImprovementOpportunity, Review
        from postmortems.panels import review_panel, review_panel_kept_by
        from web.panels import register_panel

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
        register_language_reader(notes_for_storage)
        versions.connect()
        post_save.connect(forget_directory_names, sender=User, dispatch_uid="directory_names_saved")
        post_delete.connect(forget_directory_names, sender=User, dispatch_uid="directory_names_deleted")
        register_panel("incident", "postmortems/includes/review_panel.html", review_panel, kept_by=review_panel_kept_by)
