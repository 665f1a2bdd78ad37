"""Null remedies: an action whose substance changes people, not the system.

An action item either changes an artefact (code, a test, an alert, a tool, the pipeline, a
configuration, the runbook's content, who owns what) or it asks people to change: to pay
attention, know more, remember, follow a rule more strictly, or answer for what happened.
Only the first kind makes the same failure less likely next time. The reader works on the
same lemmas and clauses as the blame reader (``clauses``): it finds the action's head verb and
what it acts on, and refuses the action when its substance is people's attention, knowledge or
standing, unless a mechanism (a check that blocks, an automatic alert) carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import lexicon as lx
from .lemmas import is_known, misspelling_of
from .tokens import Sentence, chunks, sentences_in, sentences_of


@dataclass(frozen=True, slots=True)
class NullRemedy:
    """Where an action appeals to people instead of changing the system, and what kind of appeal it is."""

    kind: str  # care, attention, knowledge, standing, obligation, prohibition
    start: int
    end: int


_PREFIXES = lx._words(
    """we i they let's lets please action item items todo ai owner next step steps follow-up followup going
    forward from now on"""
)
_MODAL_HEADS = lx._words("will should must need needs to have has shall can could ought going")
# Verbs whose object decides: "write a memo" appeals to people, "write a runbook section" changes an artefact.
_OBJECT_DECIDES = lx._words(
    """add create write hold run schedule organise organize send post include improve raise share circulate
    publish put set make ensure give do conduct host arrange book start launch plan introduce establish
    increase build get have review revisit update provide offer deliver"""
)
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


def read_remedy(text: str) -> NullRemedy | None:
    """The first part of ``text`` (an action item's title or description) that is a null remedy, or None."""
    for sentence in sentences_of(text):
        found = _read_action(sentence)
        if found:
            return found
    return None


def read_remedy_in_prose(text: str) -> list[NullRemedy]:
    """Null remedies proposed in running text ("We should remind everyone to …"), for the language guide.

    Only sentences written as an action (an imperative, or "we should/will/need to …") are read,
    so an account of what happened ("Priya reminded the channel at 02:10") is left alone.
    """
    found = []
    for offset, chunk in chunks(text):
        for remedy in _prose_remedies_in(chunk):
            found.append(NullRemedy(remedy.kind, remedy.start + offset, remedy.end + offset) if offset else remedy)
    return found


@lru_cache(maxsize=50_000)
def _prose_remedies_in(chunk: str) -> tuple[NullRemedy, ...]:
    found = []
    for sentence in sentences_in(chunk):
        head = _head(sentence)
        if head is None:
            continue
        index, modal = head
        before = sentence.lows[:index]
        # A label before the action ("Decision: hold a retro …").
        lead = all(low in _PREFIXES or not low[:1].isalnum() for low in before) or ":" in before
        if not modal and index and not lead:
            continue
        if not modal and not _reads_as_a_proposal(sentence, index):
            continue  # "Reminded …", "The tool is careful …" tell what happened
        remedy = _read_action(sentence, prose=True)
        if remedy:
            found.append(remedy)
    return tuple(found)


_IMPERATIVES = (
    lx.ATTENTION_VERBS
    | _OBJECT_DECIDES
    | lx._words(
        """be deploy take exercise pay stay double-check follow review check watch don't dont do never avoid stop
    keep try think slow read test always hold"""
    )
)


def _reads_as_a_proposal(sentence: Sentence, index: int) -> bool:
    """An imperative ("Remind …", "Be careful …"), a noun-phrase action ("Training for …"), or
    "Everyone must …" — not a sentence that reports what happened."""
    low = sentence.lows[index]
    if low in lx.ATTENTION_NOUNS:
        # "Retrospective notes are in the folder" reports; "Retrospective with the team" proposes.
        return not any(word in _REPORTING_VERBS for word in sentence.lows[index + 1 : index + 4])
    if low in _IMPERATIVES and low == sentence.lemmas[index]:
        return True
    people = _people_subject(sentence, index)
    if people is not None:
        following = sentence.lows[people : people + 2]
        return bool(set(following) & _OBLIGATIONS)
    return False


_OBLIGATIONS = lx._words("must should need needs ought shall")


def _head(sentence: Sentence) -> tuple[int, bool] | None:
    """Index of the action's head verb, and whether a modal ("we should …") introduced it."""
    i, n, modal = 0, len(sentence), False
    # A label before a colon ("Retro sticky:", "Decision log:", "Action:") names the note; the action follows it.
    label_end = next((k for k in range(1, min(n - 1, 4)) if sentence.lows[k] == ":"), None)
    if label_end is not None:
        i = label_end + 1
    if n > i + 2 and sentence.lows[i] == "let" and sentence.lows[i + 1] == "'s":
        return i + 2, True  # "Let's train …" proposes, as "we will" does
    while i < n and (
        sentence.lows[i] in _PREFIXES
        or sentence.lows[i] in (":", "-", "*", "•", "[", "]", "(", ")", ",")
        or sentence.lows[i].endswith("ly")
        and i + 1 < n
    ):
        if sentence.lows[i] in ("we", "i", "they"):
            modal = True
        i += 1
    if modal:
        start = i
        while i < n and (
            sentence.lows[i] in _MODAL_HEADS
            or sentence.lows[i] in ("also", "all", "really", "definitely", "probably", "going")
        ):
            if sentence.lows[i] in ("have", "has") and (i + 1 >= n or sentence.lows[i + 1] != "to"):
                break  # "we have no alert …" states a fact
            i += 1
        if i == start or all(
            low in ("also", "all", "really", "definitely", "probably") for low in sentence.lows[start:i]
        ):
            return None  # "We did not know …" tells what happened; it proposes nothing
    return (i, modal) if i < n else None


def _span(sentence: Sentence, i: int, j: int) -> tuple[int, int]:
    j = min(max(j, i + 1), len(sentence))
    while j - 1 > i and sentence.lows[j - 1] in (".", ",", ";", ":", "!"):
        j -= 1
    return sentence.starts[i], sentence.end(j - 1)


def _read_action(sentence: Sentence, prose: bool = False) -> NullRemedy | None:
    n = len(sentence)
    lows, lemmas = sentence.lows, sentence.lemmas
    mechanism = any(low in _MECHANISM or lem in _MECHANISM for low, lem in zip(lows, lemmas, strict=True))

    def remedy(kind, i, j):
        return NullRemedy(kind, *_span(sentence, i, j))

    head = _head(sentence)
    if head is None:
        return None
    i, _modal = head
    # "Mandatory training on …", "Refresher on …": the action is itself an appeal to people.
    for k in range(i, min(n, i + 3)):
        if (
            lows[k] in lx.ATTENTION_NOUNS
            and lows[k] not in ("care", "focus", "attention", "warning", "talk", "reading")
            and not mechanism
        ):
            if k == i or lows[k - 1] in (
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
            ):
                return remedy("attention", i, k + 1)
    # "… that everyone knows the escalation path", "make people aware …".
    for k in range(i, n - 1):
        if (
            (lows[k] in lx.PEOPLE_GROUPS or lows[k] in lx.ROLE_NOUNS)
            and lemmas[k + 1] in ("know", "understand", "remember", "be")
            and not mechanism
            and set(lows[:k]) & {"ensure", "sure", "check", "confirm", "verify", "that"}
        ):
            if lemmas[k + 1] != "be" or (
                k + 2 < n and lows[k + 2] in ("aware", "reminded", "trained", "told", "careful", "informed")
            ):
                return remedy("knowledge", k, k + 2)
    if lows[i] in ("the", "a", "an", "this", "that", "its") and _people_subject(sentence, i) is None:
        return None  # "The tool is careful to lock …" says what a system does
    # Care words anywhere: "deploy more carefully", "be cautious", "exercise caution".
    for k, low in enumerate(lows):
        if (
            low in lx.CARE_WORDS
            or misspelling_of(low, lx.CARE_WORDS)
            or low == "strictly"
            or (low == "caution" and k and lemmas[k - 1] in ("exercise", "use", "with"))
        ):
            if not mechanism or low in ("carefully", "careful", "cautious", "cautiously", "strictly"):
                start = k - 1 if k and lows[k - 1] in ("more", "extra", "very", "be", "especially") else k
                return remedy("care", start, k + 1)
        if (
            low in ("attention", "care")
            and k
            and lemmas[k - 1] in ("pay", "take", "more", "closer", "extra", "great", "greater")
        ):
            return remedy("care", k - 1, k + 1)
    for k, lem in enumerate(lemmas):
        if lem == "hold" and any(low in lx.SANCTION_HOLD_WORDS for low in lows[k + 1 : k + 5]):
            return remedy("standing", k, next(j for j in range(k + 1, k + 5) if lows[j] in lx.SANCTION_HOLD_WORDS) + 1)
    if "performance" in lows and any(low in ("plan", "review", "improvement", "conversation") for low in lows):
        k = lows.index("performance")
        return remedy("standing", k, k + 2)
    for k, lem in enumerate(lemmas):
        if lem in ("apologise", "apologize") or (
            lem == "apology" and k and lemmas[k - 1] in ("an", "owe", "public", "formal")
        ):
            return remedy("standing", k, k + 1)
    lem, low = lemmas[i], lows[i]
    rest = set(lemmas[i + 1 :]) | set(lows[i + 1 :])
    # "Don't deploy on Fridays", "Never force-push": a rule for people to hold in mind.
    if low in _PROHIBITIONS or (lem == "do" and i + 1 < n and lows[i + 1] in ("not", "n't")) or lem == "avoid":
        if not mechanism:
            return remedy("prohibition", i, min(n, i + 3))
    if lem == "stop" and i + 1 < n and lows[i + 1].endswith("ing") and not mechanism:
        return remedy("prohibition", i, i + 2)
    # "Remind the team …", "Train Priya …", "Talk to Jonas …", "Tell the contractors to …".
    if (
        lem in ("tell", "ask", "warn", "urge", "instruct")
        and not mechanism
        and any(
            lows[k] == "to" and k + 1 < n and lemmas[k + 1] not in _ARTEFACT_VERBS for k in range(i + 2, min(n, i + 6))
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
        if lem in ("check", "verify", "confirm") and not rest & _HABITUAL:
            return (
                None  # a one-off check is work on the system; "check … before every deploy" is a habit asked of people
            )
        if lem in ("warn", "ask", "tell", "review", "refresh") and (
            mechanism or rest & lx.ARTEFACT_NOUNS and not rest & lx.PEOPLE_GROUPS and not _names_person(sentence, i + 1)
        ):
            return None
        if lem in _KNOWLEDGE_VERBS and lx.trains_a_machine(lows, i):
            return None  # "Retrain the fraud classifier": a machine learns, no person is asked to
        if lem in ("remind",) and mechanism and rest & {"automatically", "automated", "bot", "alert", "alerts", "cron"}:
            return None
        if lem in ("focus", "concentrate") and rest & lx.ARTEFACT_NOUNS and mechanism:
            return None
        if lem == "double-check" and mechanism:
            return None
        kind = (
            "standing" if lem in ("apologise", "apologize") else "knowledge" if lem in _KNOWLEDGE_VERBS else "attention"
        )
        return remedy(kind, i, min(n, i + 3))
    # "Sam to apologise", "On-call engineers must acknowledge faster", "Everyone must read …".
    who_end = _people_subject(sentence, i)
    if who_end is not None:
        k = who_end
        while k < n and (
            lows[k] in _MODAL_HEADS or lows[k] in ("always", "all", "really", "now", "also", "not", "n't", "never")
        ):
            k += 1
        if prose and "have" in lows[who_end:k] and k < n and lows[k] != lemmas[k]:
            return None  # "Priya should have checked …" judges the past; it proposes nothing
        obliged = set(lows[who_end:k]) & (_OBLIGATIONS | {"to", "will"}) and not set(lows[who_end:k]) & {
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
                or (not prose and lemmas[k] not in _ARTEFACT_VERBS and set(lows[who_end:k]) & _OBLIGATIONS)
            )
        ):
            return remedy("obligation", i, k + 1)
        return None
    # The object decides: "write a memo", "hold a meeting", "make sure Sam knows", "put X on a plan".
    if lem in _OBJECT_DECIDES:
        if lem in ("make", "ensure") or (lem == "make" and i + 1 < n and lows[i + 1] == "sure"):
            k = i + 2 if i + 1 < n and lows[i + 1] in ("sure", "certain") else i + 1
            k = k + 1 if k < n and lows[k] == "that" else k
            people = _people_subject(sentence, k)
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
            if lows[k] in (",", ";", "so", "that", "which") and k > i + 1:
                break
            if lows[k] in lx.ATTENTION_NOUNS or lemmas[k] in lx.ATTENTION_NOUNS:
                if lows[k] in ("care", "talk", "warning") and k == i + 1:
                    continue
                if (
                    lows[k] in ("meeting", "meetings", "session", "sessions")
                    and rest & lx.ARTEFACT_NOUNS - {"review"}
                    and mechanism
                ):
                    return None
                if lemmas[k] == "warning" and rest & lx.ARTEFACT_NOUNS:
                    return None
                return remedy("attention", i, k + 1)
            if lemmas[k] in (
                "communication",
                "discipline",
                "diligence",
                "culture",
                "awareness",
                "understanding",
                "knowledge",
                "vigilance",
                "ownership-mindset",
            ):
                if lemmas[k] != "knowledge" or not rest & lx.ARTEFACT_NOUNS:
                    return remedy("attention", i, k + 1)
            if lows[k] in ("plan", "pip") and rest & {"performance", "improvement"}:
                return remedy("standing", i, k + 1)
            if (
                lows[k] == "checklist"
                and rest & {"remind", "reminds", "reminding", "remember", "careful"}
                and not mechanism
            ):
                return remedy("attention", i, k + 1)
        if lem in ("get", "have") and _people_subject(sentence, i + 1) is not None and not mechanism:
            return remedy("attention", i, min(n, i + 3))
    if rest & {"reminder", "reminders", "remind", "reminding"} and not (
        rest & {"automatically", "automated", "bot", "alert", "alerts", "cron", "page", "pages"}
    ):
        k = next(m for m in range(i, n) if lows[m].startswith("remind"))
        return remedy("attention", k, k + 1)
    return None


_HABITUAL = lx._words(
    """before every each always whenever next daily weekly regularly routinely going forward again when after"""
)
_CHECKING_VERBS = lx._words("check verify read follow watch review confirm consult double-check validate test")
_REPORTING_VERBS = lx._words("is are was were has have had took takes stay stays went")
_KNOWLEDGE_VERBS = lx._words("train retrain re-train educate re-educate coach brief mentor lecture instruct refresh")
_ARTEFACT_VERBS = lx._words(
    """add create write build automate alert page block require enforce validate fix remove replace migrate
    upgrade rotate limit set enable disable document update assign own ship merge deploy implement test
    instrument configure move split shard cap pin record store introduce"""
)


def _names_person(sentence: Sentence, i: int) -> bool:
    return any(
        low in lx.PERSON_PRONOUNS or (capital and low in lx.FIRST_NAMES)
        for low, capital in zip(sentence.lows[i : i + 3], sentence.capitals[i : i + 3], strict=True)
    )


def _people_subject(sentence: Sentence, i: int) -> int | None:
    """The index after a mention of people at ``i`` ("everyone", "the on-call engineers", "Sam"), or None."""
    n = len(sentence)
    j = i
    while (
        j < n
        and not (
            sentence.lows[j] in lx.PEOPLE_GROUPS
            and (j + 1 >= n or sentence.lows[j + 1] not in lx.ROLE_NOUNS and sentence.lows[j + 1] not in ("rotation",))
        )
        and sentence.lows[j]
        in (
            "the",
            "our",
            "all",
            "every",
            "each",
            "new",
            "any",
            "other",
            "senior",
            "junior",
            "on-call",
            "oncall",
            "release",
            "platform",
            "support",
            "payments",
            "database",
            "backend",
            "frontend",
            "night",
            "weekend",
        )
    ):
        j += 1
    if j >= n:
        return None
    low, capital = sentence.lows[j], sentence.capitals[j]
    if j + 2 < n and sentence.lows[j + 1] in ("and", "&") and capital:
        other = _people_subject(sentence, j + 2)
        if other is not None:
            return other
    if (
        low in lx.PEOPLE_GROUPS
        or low in lx.ROLE_NOUNS
        or sentence.lemmas[j] in lx.ROLE_NOUNS
        or low in lx.PERSON_PRONOUNS
    ):
        end = j + 1
        while end < n and (sentence.lows[end] in lx.ROLE_NOUNS or sentence.lows[end] in ("rotation",)):
            end += 1
        return end
    if low in ("team", "teams") and j > i:
        return j + 1
    if (
        capital
        and j == i
        and low not in lx.SYSTEM_NAMES
        and low not in lx.PEOPLE_GROUPS
        and sentence.texts[j].isalpha()
        and (
            i
            or low in lx.FIRST_NAMES
            or (j + 1 < n and sentence.lows[j + 1] in ("to", "will", "must", "should") and not is_known(low))
        )
    ):
        end = j + 1
        if end < n and sentence.capitals[end] and sentence.lows[end] not in lx.SYSTEM_NAMES:
            end += 1
        return end
    return None
