"""What an action changes: people's attention, knowledge or standing, or an artefact of the system.

The action's head verb and what it acts on decide. "Remind the team …", "Train Priya …", "deploy more
carefully", "Sam to apologise", "Everyone must read …", "hold a meeting", "put X on a performance plan"
change people; "write a runbook section", "add an alert", "Review the thresholds and lower them" change
the system. A mechanism (a check that blocks, an automatic alert) carries what would otherwise be asked of
people.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lexicon as lx
from .addressees import names_person, people_subject
from .lemmas import misspelling_of
from .proposals import MODAL_HEADS, OBJECT_DECIDES, OBLIGATIONS, action_head
from .tokens import Sentence


@dataclass(frozen=True, slots=True)
class NullRemedy:
    """Where an action appeals to people instead of changing the system, and what kind of appeal it is."""

    kind: str  # care, attention, knowledge, standing, obligation, prohibition
    start: int
    end: int


_KNOWING = lx._words(
    """know knows remember remembers understand understands aware follow follows read reads check checks
    verify verifies double-check review reviews think thinks take takes pay pays use uses be is are
    stay stays keep keeps handle handles test tests ask asks consult"""
)
_AFTER_PERSON_NULL = lx._words(
    """slow stop start be become get take pay focus concentrate learn remember know understand read follow
    review apologise apologize attend watch study practise practice improve double-check"""
)
_PROHIBITIONS = lx._words("don't dont never avoid refrain no")
_MECHANISM = lx._words(
    """block blocks blocking prevent prevents prevented refuse refuses reject rejects enforce enforced enforces
    automatically automated automate automatic bot bots lint linter ci pipeline hook pre-commit gate gates fails
    failing required validation validate validates alerting paging webhook"""
)
_HABITUAL = lx._words(
    """before every each always whenever next daily weekly regularly routinely going forward again when after"""
)
_COMMITTING = lx._words("agree commit promise pledge resolve vow")
_EVERY_TIME = lx._words("always every each whenever again consistently promptly regularly routinely")
_HABIT_PAIRS = {("on", "time"), ("in", "future"), ("going", "forward"), ("from", "now")}
_CHECKING_VERBS = lx._words("check verify read follow watch review confirm consult double-check validate test")
_KNOWLEDGE_VERBS = lx._words("train retrain re-train educate re-educate coach brief mentor lecture instruct refresh")
_ARTEFACT_VERBS = lx._words(
    """add create write build automate alert page block require enforce validate fix remove replace migrate
    upgrade rotate limit set enable disable document update assign own ship merge deploy implement test
    instrument configure move split shard cap pin record store introduce"""
)


def _lesson_taken(sentence: Sentence, i: int) -> int | None:
    """The end of a lesson taken at ``i`` ("complete the secure-coding course"), or None."""
    if sentence.lemmas[i] not in lx.TAKING_PART:
        return None
    for k in range(i + 1, min(len(sentence.lows), i + 5)):
        if sentence.lows[k] in lx.LESSONS:
            return k + 1
        if sentence.lows[k] in {"of", "from", "for", "on", "to", "in", "with", ",", "and"}:
            return None
    return None


def _as_a_habit(lows: list[str]) -> bool:
    """Whether the action is asked as a habit ("on time", "every time", "from now on"), not done once."""
    if not _EVERY_TIME.isdisjoint(lows):
        return True
    return any(pair in _HABIT_PAIRS for pair in zip(lows, lows[1:], strict=False))


def _span(sentence: Sentence, i: int, j: int) -> tuple[int, int]:
    j = min(max(j, i + 1), len(sentence.lows))
    while j - 1 > i and sentence.lows[j - 1] in {".", ",", ";", ":", "!"}:
        j -= 1
    return sentence.starts[i], sentence.end(j - 1)


def read_action(sentence: Sentence, prose: bool = False) -> NullRemedy | None:
    n = len(sentence.lows)
    lows, lemmas = sentence.lows, sentence.lemmas
    # A tool that carries the action; one a person waits or looks for ("wait for CI") carries nothing.
    mechanism = any(
        (low in _MECHANISM or lem in _MECHANISM) and (k == 0 or lows[k - 1] != "for")
        for k, (low, lem) in enumerate(zip(lows, lemmas, strict=True))
    )

    def remedy(kind, i, j):
        return NullRemedy(kind, *_span(sentence, i, j))

    head = action_head(sentence)
    if head is None:
        return None
    i, _modal = head
    # "Mandatory training on …", "Refresher on …": the action is itself an appeal to people.
    for k in range(i, min(n, i + 3)):
        if (
            lows[k] in lx.ATTENTION_NOUNS
            and lows[k] not in {"care", "focus", "attention", "warning", "talk", "reading"}
            and not mechanism
        ):
            if k == i or lows[k - 1] in {
                "mandatory",
                "more",
                "extra",
                "new",
                "a",
                "an",
                "some",
                "regular",
                "annual",
                "yearly",
                "quarterly",
                "monthly",
                "weekly",
                "compulsory",
                "better",
                "additional",
                "strict",
                "stricter",
                "tighter",
                "stronger",
                "greater",
                "closer",
                "full",
            }:
                return remedy("attention", i, k + 1)
    # "… that everyone knows the escalation path", "make people aware …".
    for k in range(i, n - 1):
        if (
            (lows[k] in lx.PEOPLE_GROUPS or lows[k] in lx.ROLE_NOUNS)
            and lemmas[k + 1] in {"know", "understand", "remember", "be"}
            and not mechanism
            and set(lows[:k]) & {"ensure", "sure", "check", "confirm", "verify", "that"}
        ):
            if lemmas[k + 1] != "be" or (
                k + 2 < n and lows[k + 2] in {"aware", "reminded", "trained", "told", "careful", "informed"}
            ):
                return remedy("knowledge", k, k + 2)
    if lows[i] in {"the", "a", "an", "this", "that", "its"} and people_subject(sentence, i) is None:
        return None  # "The tool is careful to lock …" says what a system does
    # Care words anywhere: "deploy more carefully", "be cautious", "exercise caution".
    for k, low in enumerate(lows):
        if (
            low in lx.CARE_WORDS
            or misspelling_of(low, lx.CARE_WORDS)
            or low == "strictly"
            or (low == "caution" and k and lemmas[k - 1] in {"exercise", "use", "with"})
        ):
            if not mechanism or low in {"carefully", "careful", "cautious", "cautiously", "strictly"}:
                start = k - 1 if k and lows[k - 1] in {"more", "extra", "very", "be", "especially"} else k
                return remedy("care", start, k + 1)
        if (
            low in {"attention", "care"}
            and k
            and lemmas[k - 1] in {"pay", "take", "more", "closer", "extra", "great", "greater"}
        ):
            return remedy("care", k - 1, k + 1)
    for k, lem in enumerate(lemmas):
        if lem == "hold" and any(low in lx.SANCTION_HOLD_WORDS for low in lows[k + 1 : k + 5]):
            return remedy("standing", k, next(j for j in range(k + 1, k + 5) if lows[j] in lx.SANCTION_HOLD_WORDS) + 1)
    if "performance" in lows and any(low in {"plan", "review", "improvement", "conversation"} for low in lows):
        k = lows.index("performance")
        return remedy("standing", k, k + 2)
    for k, lem in enumerate(lemmas):
        if lem in {"apologise", "apologize"} or (
            lem == "apology" and k and lemmas[k - 1] in {"an", "owe", "public", "formal"}
        ):
            return remedy("standing", k, k + 1)
    lem, low = lemmas[i], lows[i]
    if lem.startswith("re-") and lem[3:] in lx.ATTENTION_VERBS:
        lem = lem[3:]  # "re-communicate", "re-brief": the same appeal, made again
    rest = set(lemmas[i + 1 :]) | set(lows[i + 1 :])
    # "Don't deploy on Fridays", "Never force-push": a rule for people to hold in mind.
    if low in _PROHIBITIONS or (lem == "do" and i + 1 < n and lows[i + 1] in {"not", "n't"}) or lem == "avoid":
        if not mechanism:
            return remedy("prohibition", i, min(n, i + 3))
    if lem == "stop" and i + 1 < n and lows[i + 1].endswith("ing") and not mechanism:
        return remedy("prohibition", i, i + 2)
    # "Complete the secure-coding course", "Attend a refresher session": taking part in a lesson.
    lesson = _lesson_taken(sentence, i) if not mechanism else None
    if lesson:
        return remedy("attention", i, lesson)
    # "Agree as a team to never deploy …", "Commit to always …": a rule people promise to keep in mind.
    if lem in _COMMITTING and not mechanism:
        for k in range(i + 1, min(n - 1, i + 6)):
            if lows[k] == "to" and lows[k + 1] in {"never", "always", "not"}:
                return remedy("prohibition" if lows[k + 1] != "always" else "obligation", i, k + 2)
    # "Remind the team …", "Train Priya …", "Talk to Jonas …", "Tell the contractors to …".
    if (
        lem in {"tell", "ask", "warn", "urge", "instruct"}
        and not mechanism
        and any(
            lows[k] == "to" and k + 1 < n and (lemmas[k + 1] not in _ARTEFACT_VERBS or _as_a_habit(lows))
            for k in range(i + 2, min(n, i + 6))
        )
    ):
        return remedy("attention", i, min(n, i + 2))
    if any(lows[k] == "and" and k + 1 < n and lemmas[k + 1] in _ARTEFACT_VERBS for k in range(i + 1, n)):
        return None  # "Review the thresholds and lower them to 80 %" changes the alert
    if lem == "make" and i + 3 < n and lows[i + 1] == "it" and lows[i + 2] == "clear":
        return remedy("knowledge", i, i + 3)
    if lem in lx.ATTENTION_VERBS or low in lx.ATTENTION_VERBS:
        if mechanism and lem in _CHECKING_VERBS:
            return None  # "Check pool size against the limit in CI": the check runs in a tool
        if lem in {"check", "verify", "confirm"} and not rest & _HABITUAL:
            return (
                None  # a one-off check is work on the system; "check … before every deploy" is a habit asked of people
            )
        if lem in {"warn", "ask", "tell", "review", "refresh"} and (
            mechanism or rest & lx.ARTEFACT_NOUNS and not rest & lx.PEOPLE_GROUPS and not names_person(sentence, i + 1)
        ):
            return None
        if lem in _KNOWLEDGE_VERBS and lx.trains_a_machine(lows, i):
            return None  # "Retrain the fraud classifier": a machine learns, no person is asked to
        if lem in ("remind",) and mechanism and rest & {"automatically", "automated", "bot", "alert", "alerts", "cron"}:
            return None
        if lem in {"focus", "concentrate"} and rest & lx.ARTEFACT_NOUNS and mechanism:
            return None
        if lem == "double-check" and mechanism:
            return None
        kind = (
            "standing" if lem in {"apologise", "apologize"} else "knowledge" if lem in _KNOWLEDGE_VERBS else "attention"
        )
        return remedy(kind, i, min(n, i + 3))
    # "Sam to apologise", "On-call engineers must acknowledge faster", "Everyone must read …".
    who_end = people_subject(sentence, i)
    if who_end is not None:
        lesson = _lesson_taken(sentence, who_end) if who_end < n and not mechanism else None
        if lesson:
            return remedy("attention", i, lesson)  # "100% of engineers complete incident training"
        k = who_end
        while k < n and (
            lows[k] in MODAL_HEADS or lows[k] in {"always", "all", "really", "now", "also", "not", "n't", "never"}
        ):
            k += 1
        if prose and "have" in lows[who_end:k] and k < n and lows[k] != lemmas[k]:
            return None  # "Priya should have checked …" judges the past; it proposes nothing
        obliged = set(lows[who_end:k]) & (OBLIGATIONS | {"to", "will"}) and not set(lows[who_end:k]) & {
            "could",
            "can",
            "not",
            "n't",
        }
        if (lows[who_end : who_end + 1] == ["has"] or lows[who_end : who_end + 1] == ["have"]) and lows[
            who_end + 1 : who_end + 2
        ] != ["to"]:
            obliged = False
        if (
            obliged
            and k < n
            and k > who_end
            and not mechanism
            and (
                lemmas[k] in lx.ATTENTION_VERBS
                or lemmas[k] in _AFTER_PERSON_NULL
                or lemmas[k] in lx.DUTY_VERBS
                or set(lows[who_end:k]) & {"always", "never"}
                or (lemmas[k] == "do" and set(lows[who_end:k]) & {"must", "should", "need", "needs"})
                # A title that obliges people ("Everyone must use dry-run mode") changes no artefact.
                or (not prose and lemmas[k] not in _ARTEFACT_VERBS and set(lows[who_end:k]) & OBLIGATIONS)
            )
        ):
            return remedy("obligation", i, k + 1)
        return None
    # The object decides: "write a memo", "hold a meeting", "make sure Sam knows", "put X on a plan".
    if lem in OBJECT_DECIDES:
        if lem in {"make", "ensure"} or (lem == "make" and i + 1 < n and lows[i + 1] == "sure"):
            k = i + 2 if i + 1 < n and lows[i + 1] in {"sure", "certain"} else i + 1
            k = k + 1 if k < n and lows[k] == "that" else k
            people = people_subject(sentence, k)
            if people is not None and not mechanism:
                return remedy("knowledge", i, min(n, people + 2))
            if (
                people is not None
                and k < n
                and any(lows[m] in _KNOWING or lemmas[m] in _KNOWING for m in range(people, min(n, people + 3)))
            ):
                if not rest & {"automatically", "automated", "block", "blocks", "fail", "fails", "refuse", "refuses"}:
                    return remedy("knowledge", i, min(n, people + 2))
            return None
        for k in range(i + 1, min(n, i + 12)):
            if lows[k] in {",", ";", "so", "that", "which"} and k > i + 1:
                break
            if lows[k] in lx.ATTENTION_NOUNS or lemmas[k] in lx.ATTENTION_NOUNS:
                if lows[k] in {"care", "talk", "warning"} and k == i + 1:
                    continue
                if (
                    lows[k] in {"meeting", "meetings", "session", "sessions"}
                    and rest & lx.ARTEFACT_NOUNS - {"review"}
                    and mechanism
                ):
                    return None
                if lemmas[k] == "warning" and rest & lx.ARTEFACT_NOUNS:
                    return None
                return remedy("attention", i, k + 1)
            if lemmas[k] in {
                "communication",
                "discipline",
                "diligence",
                "culture",
                "awareness",
                "understanding",
                "knowledge",
                "vigilance",
                "ownership-mindset",
            }:
                if lemmas[k] != "knowledge" or not rest & lx.ARTEFACT_NOUNS:
                    return remedy("attention", i, k + 1)
            if lows[k] in {"plan", "pip"} and rest & {"performance", "improvement"}:
                return remedy("standing", i, k + 1)
            if (
                lows[k] == "checklist"
                and rest & {"remind", "reminds", "reminding", "remember", "careful"}
                and not mechanism
            ):
                return remedy("attention", i, k + 1)
        if lem in {"get", "have"} and people_subject(sentence, i + 1) is not None and not mechanism:
            return remedy("attention", i, min(n, i + 3))
    if rest & {"reminder", "reminders", "remind", "reminding"} and not (
        rest & {"automatically", "automated", "bot", "alert", "alerts", "cron", "page", "pages"}
    ):
        k = next(m for m in range(i, n) if lows[m].startswith("remind"))
        return remedy("attention", k, k + 1)
    return None
