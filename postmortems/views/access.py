"""What the review views refuse, in the product's words (the access helper decides who may)."""

from django.core.exceptions import PermissionDenied


def require_edit(can_edit: bool) -> None:
    if not can_edit:
        raise PermissionDenied("Only the people taking part can change this review, and only before it is published.")


def require_unpublished(review) -> None:
    if review.is_published:
        raise PermissionDenied("The review is published; it no longer changes.")


def require_facilitator(can_facilitate: bool) -> None:
    if not can_facilitate:
        raise PermissionDenied("Only the review's facilitator can do this.")
