"""Any change to the project's own records makes every cached page stale."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from pagecache.pages import pages_changed

# The apps whose records the pages show (accounts: names, time zones and roles decide what a page says).
SHOWN_APPS = {"accounts", "audit", "incidents", "postmortems", "actions"}


def _changed(sender, **kwargs) -> None:
    if sender._meta.app_label not in SHOWN_APPS:
        return
    pages_changed()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _changed(sender)


def connect() -> None:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SHOWN_APPS:
            post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model._meta.label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model._meta.label}")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pages-m2m")
