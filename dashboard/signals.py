"""Any change to the data the dashboard summarises makes its cached aggregates stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from dashboard.freshness import bump_version
from incidents.signals import near_misses_released


def _changed(sender, instance=None, **kwargs) -> None:
    # An anonymous report waiting for the hourly release is in no figure yet, and raising the number when it
    # is filed would record that moment: the release raises it for the whole batch.
    if getattr(instance, "awaiting_release", False):
        return
    # Raised now and again after the commit (fragments.versions.bump): figures computed meanwhile from the
    # data before the change are never kept under the new number.
    bump_version()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _changed(sender)


def summarised_models() -> list:
    from accounts.models import Membership
    from actions.models import ActionItem, FixObligation, RecurrenceFlag
    from incidents.models import Incident, NearMiss
    from postmortems.models import ContributingFactor, FlagDismissal, Perspective, Review, ReviewFeedback

    # Timeline entries and improvement questions are left out on purpose: they change many times a minute
    # during an incident, and only touch the open-language-note share of reviews still in review, which the
    # cache's ten-minute lifetime refreshes anyway.
    # Memberships decide who is an admin, and so who counts restricted incidents.
    return [
        Membership,
        Incident,
        NearMiss,
        ActionItem,
        FixObligation,
        RecurrenceFlag,
        Review,
        Perspective,
        ContributingFactor,
        FlagDismissal,
        ReviewFeedback,
    ]


def connect() -> None:
    from actions.models import ActionItem
    from incidents.models import Incident

    for model in summarised_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"dashboard-delete-{model._meta.label}")
    # Who responds to a restricted incident decides who may count it; what a fix addresses decides recurrences.
    near_misses_released.connect(_changed, dispatch_uid="dashboard-near-misses-released")
    for through in (Incident.responders.through, ActionItem.addresses.through):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"dashboard-m2m-{through._meta.label}")
