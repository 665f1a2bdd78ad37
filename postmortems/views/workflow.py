"""Moving the review on: the meeting's start and end, the publish check and publishing, and feedback."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from postmortems import meeting, publishing, review_language
from postmortems.access import get_review_for_user
from postmortems.forms import FeedbackForm
from postmortems.models import ReviewFeedback
from postmortems.views.access import require_facilitator
from postmortems.views.reviews import TEMPLATE, base_context, review_context
from web.htmx import HtmxHttpRequest, render_page


@require_POST
def review_status(request: HtmxHttpRequest, pk: int):
    review, _, can_facilitate = get_review_for_user(request.user, pk)
    require_facilitator(can_facilitate)
    if review.is_published:
        raise PermissionDenied("The review is published.")
    action = request.POST.get("action")
    if action == "start_meeting":
        meeting.start_meeting(review)
        return redirect("review_meeting", pk=review.pk)
    if action == "end_meeting":
        meeting.end_meeting(review)
        messages.success(request, "The meeting is over. Tidy up the write-up, then publish it.")
        return redirect(review)
    raise PermissionDenied("Unknown step.")


@require_http_methods(["GET", "POST"])
def review_publish(request: HtmxHttpRequest, pk: int):
    """The gate before publishing: what is missing, and every open language note to rephrase or dismiss."""
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_facilitator(access.can_facilitate)
    if review.is_published:
        return redirect(review)
    if request.method == "POST":
        try:
            publishing.publish(review)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("review_publish", pk=review.pk)
        messages.success(request, "Published. The participants can now tell you how the review went.")
        return redirect(review)
    flags = review_language.open_flags(review)
    context = base_context(request, access) | {
        "blockers": publishing.publish_blockers(review),
        "open_flags": flags,
        "dismissals": review.dismissals.select_related("dismissed_by"),
    }
    return render_page(request, "postmortems/publish.html", context)


@require_POST
def review_flag_dismiss(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_facilitator(access.can_facilitate and not review.is_published)
    try:
        review_language.dismiss_flag(review, request.POST.get("key", ""), request.POST.get("reason", ""), request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Note dismissed, with your reason kept beside the review.")
    return redirect("review_publish", pk=review.pk)


@require_POST
def review_feedback(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    if not (review.is_published and access.is_participant):
        raise PermissionDenied("Feedback is asked of participants once the review is published.")
    if ReviewFeedback.objects.filter(review=review, author=request.user).exists():
        messages.info(request, "You have already told us how the review went. Thank you.")
        return redirect(review)
    form = FeedbackForm(request.POST, prefix="feedback")
    if form.is_valid():
        feedback = form.save(commit=False)
        feedback.review = review
        feedback.author = request.user
        feedback.created_at = timezone.now()
        feedback.save()
        messages.success(request, "Thank you: the facilitator sees the averages and comments, not who wrote them.")
        return redirect(review)
    context = review_context(request, access)
    context["feedback_form"] = form
    return render_page(request, TEMPLATE, context, status=422)
