"""What people following a live review meeting need to notice, at almost no cost per poll.

Every change that participants must see raises ``Review.change_counter`` (one indexed
row) and records, in the cache, the counter value at which each part of the page last
changed. The meeting page polls ``live_state``: an unchanged review is answered from
one cache round trip with 304 Not Modified, and on a change the page re-fetches only
the parts whose number moved.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from fragments import versions
from fragments.kept import kept_values
from postmortems.models import AGENDA, Review

# The parts of the meeting page that refresh on their own: the agenda (current section),
# the timer, and one list per agenda section.
LIVE_PARTS = ["agenda", "timer", *[section.value for section in AGENDA]]
STATE_TIMEOUT = 60 * 60 * 24
READER_TIMEOUT = 60


def _seq_key(review_id: int) -> str:
    return f"review:{review_id}:seq"


def _part_key(review_id: int, part: str) -> str:
    return f"review:{review_id}:part:{part}"


def reader_fact(review_id: int) -> str:
    """That a person may follow this review's meeting: a fact about them (``fragments.conditional.person_fact``),
    so that the meeting page reads it in the round trip of its versions (``conditional_page(own=...)``)."""
    return f"meeting-reader-{review_id}"


def reader_key(review_id: int, user_id: int) -> str:
    return f"{reader_fact(review_id)}:{user_id}"  # as ``person_fact`` names it


def bump(review_id: int, *parts: str) -> int:
    """Record that ``parts`` of the review changed; returns the new change counter.

    Call inside the transaction that makes the change: the cache learns of it only
    once the change is committed, so a poll never announces what it cannot read yet.
    """
    unknown = set(parts) - set(LIVE_PARTS)
    if unknown:
        raise ValueError(f"Unknown live parts: {sorted(unknown)}")
    Review.objects.filter(pk=review_id).update(change_counter=F("change_counter") + 1)
    # The review's page; the lists of reviews learn of changes they show from the saves themselves
    # (``postmortems.versions``), not from every step of the meeting or every timeline entry.
    versions.bump(f"review:{review_id}")
    seq = Review.objects.filter(pk=review_id).values_list("change_counter", flat=True).get()

    def publish():
        cache.set_many({_seq_key(review_id): seq, **{_part_key(review_id, part): seq for part in parts}}, STATE_TIMEOUT)

    transaction.on_commit(publish, robust=True)
    return seq


def live_state(review_id: int, user_id: int | None = None, request=None) -> tuple[dict, bool]:
    """The review's change counter and the counter at which each part last changed.

    Also answers whether ``user_id`` was recently confirmed as allowed to follow
    this review (see ``remember_reader``), in the same cache round trip. With the page's ``request``, the
    counters are read with its versions (``fragments.kept.kept_values``), before anything it shows.
    """
    keys = [_seq_key(review_id), *[_part_key(review_id, part) for part in LIVE_PARTS]]
    if request is not None:
        values = kept_values(keys, request)
        keys = []
    else:
        values = {}
    if user_id is not None:
        keys.append(reader_key(review_id, user_id))
    if keys:
        values = values | cache.get_many(keys)
    may_read = user_id is not None and bool(values.get(reader_key(review_id, user_id)))
    seq = values.get(_seq_key(review_id))
    if seq is None:
        # The cache lost the state (eviction, restart): start again from the database; every
        # part counts as changed, so pages refresh once and then settle.
        seq = Review.objects.filter(pk=review_id).values_list("change_counter", flat=True).first() or 0
        parts = dict.fromkeys(LIVE_PARTS, seq)
        cache.set_many({_seq_key(review_id): seq, **{_part_key(review_id, p): seq for p in LIVE_PARTS}}, STATE_TIMEOUT)
        return {"seq": seq, "parts": parts}, may_read
    parts = {part: values.get(_part_key(review_id, part), seq) for part in LIVE_PARTS}
    return {"seq": seq, "parts": parts}, may_read


def remember_reader(review_id: int, user_id: int, request=None) -> None:
    """Remember briefly that this person may follow the review, so polls skip the access queries. With the
    meeting page's ``request``: unless its versions' round trip found them remembered already."""
    key = reader_key(review_id, user_id)
    if getattr(getattr(request, "versions", None), "kept", {}).get(key):
        return
    cache.set(key, 1, READER_TIMEOUT)


def forget_readers(review_id: int, user_ids) -> None:
    cache.delete_many([reader_key(review_id, user_id) for user_id in user_ids])
