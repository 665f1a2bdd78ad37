"""What participants said about a review, shown only as a summary of enough people to protect each one."""

from django.db.models import Avg, Count

from accounts.privacy import enough_people, too_few_message
from postmortems.models import Review, ReviewFeedback


def feedback_summary(review: Review) -> dict:
    """Averages and comments, never tied to names, and nothing at all below ``PRIVACY_MIN_PEOPLE`` answers.

    ``shown`` says whether the figures may be displayed; when not, ``message`` explains why and the
    averages, the count and the comments are left out entirely (not merely hidden by the template).
    """
    answers = ReviewFeedback.objects.filter(review=review)
    summary = answers.aggregate(count=Count("author", distinct=True), blameless=Avg("blameless"), useful=Avg("useful"))
    count = summary["count"]
    if not enough_people(count):
        return {"any": count > 0, "shown": False, "message": too_few_message()}
    comments = list(answers.exclude(comment="").order_by("?").values_list("comment", flat=True))
    return {"any": True, "shown": True, **summary, "comments": comments}
