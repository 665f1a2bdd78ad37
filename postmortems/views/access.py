"""What the review views refuse, in the product's words (the access helper decides who may)."""

from django.core.exceptions import PermissionDenied

from postmortems.access import ReviewAccess, get_review_for_user


def require_edit(can_edit: bool) -> None:
    if not can_edit:
        raise PermissionDenied("Only the people taking part can change this review, and only before it is published.")


def require_unpublished(review) -> None:
    if review.is_published:
        raise PermissionDenied("The review is published; it no longer changes.")


def require_facilitator(can_facilitate: bool) -> None:
    if not can_facilitate:
        raise PermissionDenied("Only the review's facilitator can do this.")


def review_to_change(user, pk, may: str, refusal: str) -> ReviewAccess:
    """The review's access for someone about to change it: 403 with ``refusal`` unless the access says they
    ``may`` (an attribute such as ``can_facilitate``), and 403 once it is published."""
    access = get_review_for_user(user, pk)
    if not getattr(access, may):
        raise PermissionDenied(refusal)
    require_unpublished(access.review)
    return access
