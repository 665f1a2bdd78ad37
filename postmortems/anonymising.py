"""Replacing people by their role, for training material and for the library's search text.

Everyone who appears in a text, past or present, by name, username, @handle, e-mail address or chat
mention (``<@U…>``), becomes a role label: "the facilitator", "Engineer A", "Manager B", … The labels
are unique within one text (after Z come AA, AB, …) and handed out in a random order each time, so the
same person is not "Engineer C" in every export and a label cannot be followed from one to the next.

Names that are also ordinary words ("Grant", "May", "Will") are replaced where they read as a name
(with their capital inside a sentence, or as part of a full name), and left alone where they read as
the word ("Grant access to the replica"). Other names are found in any case ("priya").
"""

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from postmortems.language.people import COMMON_WORDS

FACILITATOR = "the facilitator"
WORD = re.compile(r"\w+")
# A chat mention as Slack writes it, optionally with a display name: <@U024BE7LH> or <@U024BE7LH|priya>.
CHAT_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CLOCK_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?(?![\d:])(?:\s?UTC)?")
# After a name that is also a word, at the start of a sentence, what makes it read as the person:
# "Will restarted the consumer", "May said so", "Grant's laptop" (but "Grant access", "May I ask").
ACTS_AS_A_PERSON = re.compile(
    r"(?:'s\b|\s+(?:[a-z]+ed|said|saw|was|had|did|went|took|made|knew|ran|got|wrote|found|told|thought|"
    r"is|has|says|sees|and|or)\b)"
)
# What may come just before a word that opens a sentence, a list item or a heading.
SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|\n\s*(?:[-*]\s+|\d+\.\s+|#+\s+)?|\*\*|\(\s*)$")


@dataclass(frozen=True)
class Someone:
    """What identifies one person in text, and the role they are labelled by."""

    key: object
    role: str
    names: tuple[str, ...] = ()  # display name, full name, first and last name
    username: str = ""
    email: str = ""
    chat_ids: tuple[str, ...] = ()


def letters(number: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB: as many distinct labels as there are people."""
    out = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _reads_as_a_username(person: Someone) -> bool:
    """Whether a username written without "@" can only mean the person ("priya", "j.berg", "ops42"),
    rather than a word ("engineer", "build")."""
    username = person.username.casefold()
    if len(username) < 3 or username in COMMON_WORDS:
        return False
    parts = {part.casefold() for name in person.names for part in name.split()}
    return username in parts or any(not char.isalpha() for char in username)


@dataclass
class _Pattern:
    text: str
    person: object
    ignore_case: bool
    ordinary_word: bool = False


@dataclass
class Anonymiser:
    """Replace every person in texts by a role label; one instance labels one export consistently."""

    people: Iterable[Someone]
    facilitator_key: object = None
    rng: random.Random = field(default_factory=random.SystemRandom)

    def __post_init__(self) -> None:
        self.people = list(self.people)
        self.labels: dict[object, str] = {}
        patterns: list[_Pattern] = []
        self._by_chat_id: dict[str, object] = {}
        for person in self.people:
            for chat_id in person.chat_ids:
                self._by_chat_id[chat_id] = person.key
            if person.email:
                patterns.append(_Pattern(person.email, person.key, ignore_case=True))
            if person.username:
                patterns.append(_Pattern("@" + person.username, person.key, ignore_case=True))
                if _reads_as_a_username(person):
                    patterns.append(_Pattern(person.username, person.key, ignore_case=True))
            for name in person.names:
                name = " ".join(name.split())
                if len(name) < 2:
                    continue
                if " " in name:
                    patterns.append(_Pattern(name, person.key, ignore_case=True))
                    parts = name.split(" ")
                else:
                    parts = [name]
                for part in parts:
                    if len(part) < 2:
                        continue
                    ordinary = part.lower() in COMMON_WORDS
                    patterns.append(_Pattern(part, person.key, ignore_case=not ordinary, ordinary_word=ordinary))
        # Longest first, so "Priya Raman" wins over "Priya"; exact case before any case for the same text.
        patterns.sort(key=lambda p: (-len(p.text), p.ignore_case))
        self._exact: dict[str, _Pattern] = {}
        self._folded: dict[str, _Pattern] = {}
        self._by_first_word: dict[str, list[_Pattern]] = {}
        for p in patterns:
            if p.ignore_case:
                self._folded.setdefault(p.text.casefold(), p)
            else:
                self._exact.setdefault(p.text, p)
            self._by_first_word.setdefault(WORD.search(p.text).group(0).casefold(), []).append(p)
        self._roles = {person.key: person.role for person in self.people}
        self._counts: dict[str, int] = {}

    # --- labels ---------------------------------------------------------------------------------

    def _assign(self, keys: list) -> None:
        """Give labels to people seen for the first time: per role, the next letters in a shuffled order."""
        new = [key for key in dict.fromkeys(keys) if key not in self.labels]
        by_role: dict[str, list] = {}
        for key in new:
            if self.facilitator_key is not None and key == self.facilitator_key:
                self.labels[key] = FACILITATOR
            else:
                by_role.setdefault(self._roles.get(key, "Colleague"), []).append(key)
        for role, group in by_role.items():
            self.rng.shuffle(group)
            for key in group:
                self._counts[role] = self._counts.get(role, 0) + 1
                self.labels[key] = f"{role} {letters(self._counts[role] - 1)}"

    # --- replacing ------------------------------------------------------------------------------

    def _pattern_for(self, matched: str) -> _Pattern | None:
        normalised = " ".join(matched.split())
        return self._exact.get(normalised) or self._folded.get(normalised.casefold())

    def _person_at(self, match: re.Match):
        """Who this match names, or None where a name that is also a word reads as the word."""
        pattern = self._pattern_for(match.group(0))
        if pattern is None:
            return None
        if pattern.ordinary_word:
            # "Grant access …" opens a sentence with the word; "… asked Grant to …" names someone.
            start = match.start()
            opens_sentence = start == 0 or SENTENCE_START.search(match.string[max(0, start - 12) : start])
            if opens_sentence and not ACTS_AS_A_PERSON.match(match.string, match.end()):
                return None
        return pattern.person

    def _mention_key(self, match: re.Match):
        return self._by_chat_id.get(match.group(1), ("chat", match.group(1)))

    def _regex_for(self, text: str) -> re.Pattern | None:
        """One pattern over the people whose first word occurs in ``text`` (a directory of hundreds
        would make a pattern too slow to build and to run)."""
        words = {word.casefold() for word in WORD.findall(text)}
        present = [p for word in words & self._by_first_word.keys() for p in self._by_first_word[word]]
        if not present:
            return None
        present.sort(key=lambda p: (-len(p.text), p.ignore_case))
        alternatives = []
        for p in present:
            body = re.escape(p.text).replace(r"\ ", r"\s+")
            alternatives.append(f"(?i:{body})" if p.ignore_case else body)
        return re.compile(rf"(?<![\w@.+-])(?:{'|'.join(alternatives)})(?![\w@-]|\.\w)")

    def __call__(self, text: str) -> str:
        if not text:
            return text
        regex = self._regex_for(text)
        seen = [self._mention_key(m) for m in CHAT_MENTION.finditer(text)]
        if regex is not None:
            seen += [key for key in map(self._person_at, regex.finditer(text)) if key is not None]
        self._assign(seen)
        # Chat mentions first, parked as placeholders so that no label is ever read again as a name.
        mentions: list[str] = []

        def park(match: re.Match) -> str:
            mentions.append(self.labels[self._mention_key(match)])
            return f"\x00{len(mentions) - 1}\x00"

        def replace(match: re.Match) -> str:
            key = self._person_at(match)
            return match.group(0) if key is None else self.labels[key]

        text = CHAT_MENTION.sub(park, text)
        if regex is not None:
            text = regex.sub(replace, text)
        # An address of someone outside the directory still says who wrote or was written to.
        text = EMAIL.sub("[an e-mail address]", text)
        text = re.sub("\x00(\\d+)\x00", lambda m: mentions[int(m.group(1))], text)
        return re.sub(r"(^|[.!?]\s+|\n\s*(?:[-*]\s+)?|: |\*\*)the facilitator", r"\1The facilitator", text)


def relative_time(moment: datetime, reference: datetime) -> str:
    """A moment as time since detection: "T+14 min", "T+2 h 5 min", "T-3 min", "T+1 d 4 h"."""
    minutes = round((moment - reference).total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else [])
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return f"T{sign}{' '.join(parts)}"


def clock_times_relative_to(reference: datetime | None) -> Callable[[str], str]:
    """A function turning clock times in free text ("at 02:14") into times since ``reference``.

    A bare clock time is read as the one nearest to the reference (UTC), the day before or after
    included. Without a reference (a near miss) a clock time becomes "[a time]".
    """

    def replace(match: re.Match) -> str:
        if reference is None:
            return "[a time]"
        hour, minute = int(match.group(1)), int(match.group(2))
        candidates = [
            datetime.combine(reference.date() + timedelta(days=shift), datetime.min.time(), tzinfo=reference.tzinfo)
            + timedelta(hours=hour, minutes=minute)
            for shift in (-1, 0, 1)
        ]
        return relative_time(min(candidates, key=lambda c: abs(c - reference)), reference)

    return lambda text: CLOCK_TIME.sub(replace, text) if text else text


def people_of(review) -> list[Someone]:
    """Everyone who may appear in a review's text, past or present: the whole directory, people who
    have left included, each with their role (in the review's team, else in any team).

    Participants and the facilitator are asked first, so that where two people share a name the one
    who took part in the review is the one it stands for.
    """
    from accounts.models import Membership, Role, User

    roles: dict[int, str] = {}
    for user_id, team_id, role in Membership.objects.values_list("user_id", "team_id", "role"):
        if team_id == review.team_id or user_id not in roles:
            roles[user_id] = role
    involved = set(review.participants.values_list("pk", flat=True)) | {review.facilitator_id}
    people = sorted(User.objects.all(), key=lambda user: (user.pk not in involved, user.pk))
    return [
        Someone(
            key=user.pk,
            role=Role(roles.get(user.pk, Role.ENGINEER)).label,
            names=tuple(name for name in {user.display_name, user.get_full_name()} if name),
            username=user.username,
            email=user.email,
        )
        for user in people
    ]
