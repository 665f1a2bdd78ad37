"""Names, roles and teams show on every page: a change to them raises the ``people`` version."""

from fragments.versions import bump_on_change


def _people(instance, update_fields=None, **kwargs):
    # Signing in only records the time (``last_login``); nothing a page shows changes.
    if update_fields is not None and not set(update_fields) - {"last_login"}:
        return []
    return ["people"]


def connect() -> None:
    from accounts.models import Membership, Team, User

    for model in (User, Membership, Team):
        bump_on_change(model, _people)
