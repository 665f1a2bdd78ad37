"""The session and the signed-in person from one cache round trip, with no database query.

Django's cached_db sessions cost a cache read, and ``AuthenticationMiddleware`` then a database query
for the person on every request. Here the session's own cache read also fetches a copy of the person
kept for this session and the ``people`` version (``fragments.versions``), which rises with every
change to a person, a membership or a team. The copy is used only while that number is unchanged, only
for the person the session names, and only after Django's own check of the session's password hash;
the copy holds the person's memberships too, which decide what they may do on every page;
otherwise the person is read as Django does and the copy kept again. A deactivated account or a new
password therefore takes effect on the very next request.

Used as ``SESSION_ENGINE = "accounts.signed_in"`` together with ``accounts.middleware.SignedInMiddleware``, which
sets ``request.user`` from ``get_user`` at once, not behind Django's lazy proxy: every request asks who is
signed in, and a page reads the person's attributes a few hundred times, each read through the proxy
costing several calls.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.db.models.base import ModelState
from django.utils.crypto import constant_time_compare

from fragments.versions import current
from fragments.versions import key as version_key

PEOPLE = version_key("people")


class SessionStore(cached_db.SessionStore):
    kept_person = None
    people_version = None

    @property
    def person_key(self) -> str:
        return f"signed-in-person:{self.cache_key}"

    def load(self):
        try:
            found = self._cache.get_many([self.cache_key, self.person_key, PEOPLE])
        except Exception:  # noqa: BLE001 - as Django's own: an unusable key means no session
            found = {}
        self.kept_person = found.get(self.person_key)
        self.people_version = found.get(PEOPLE)
        data = found.get(self.cache_key)
        if data is None:
            s = self._get_session_from_db()
            if s:
                data = self.decode(s.session_data)
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
            else:
                data = {}
        return data

    def keep_person(self, user, version) -> None:
        # Plain values, not the pickled model: unpickling a model looks its class up and rebuilds its state
        # on every request, and a copy kept by an older version of the code could not be read back.
        values = {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}
        copy = (version, values, user.memberships_by_team, user._state.db)
        self._cache.set(self.person_key, copy, self.get_expiry_age())


def _person_from(values: dict, memberships: dict, db: str | None):
    """The person as the database would give them, with their memberships already read."""
    user_class = auth.get_user_model()
    user = user_class.__new__(user_class)  # as unpickling a model does: no __init__ for values read before
    user.__dict__.update(values)
    user.__dict__["memberships_by_team"] = memberships  # the cached_property, already read
    user._state = ModelState()
    user._state.adding = False
    user._state.db = db
    return user


def session_auth_hash(user) -> str:
    """``user.get_session_auth_hash()``, an HMAC of the password hash computed once per process for each."""
    return _session_auth_hash(type(user), user.password, settings.SECRET_KEY)


@lru_cache(maxsize=1024)
def _session_auth_hash(user_class, password: str, secret_key: str) -> str:
    # The secret is part of the key only so that a changed SECRET_KEY is never answered from before.
    return user_class(password=password).get_session_auth_hash()


def _kept_person(session):
    """The copy kept for this session, if it still stands for the person the session names."""
    user_id = session.get(SESSION_KEY)  # loads the session, and with it the kept copy
    kept = session.kept_person
    if user_id is None or kept is None or session.people_version is None or kept[0] != session.people_version:
        return None
    user = _person_from(*kept[1:])
    if str(user.pk) != str(user_id) or session.get(BACKEND_SESSION_KEY) not in (settings.AUTHENTICATION_BACKENDS):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, session_auth_hash(user)):
        return None
    if not getattr(user, "is_active", True):
        return None
    user.backend = session[BACKEND_SESSION_KEY]
    return user


def get_user(request):
    if hasattr(request, "_cached_user"):
        return request._cached_user
    session = request.session
    user = _kept_person(session) if isinstance(session, SessionStore) else None
    if user is None:
        # The number read before the person, so that a change made meanwhile leaves the copy stale.
        version = session.people_version if isinstance(session, SessionStore) else None
        if version is None:
            version = current(["people"])["people"]
        user = auth.get_user(request)
        if user.is_authenticated and isinstance(session, SessionStore) and session.session_key:
            # Kept with the copy: every page asks what this person may do (memberships raise ``people`` too).
            user.memberships_by_team  # noqa: B018
            session.keep_person(user, version)
    request._cached_user = user
    return user
