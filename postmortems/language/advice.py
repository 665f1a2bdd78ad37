"""What the language guide says about each flag: why the phrasing hurts learning, and a better framing."""

from __future__ import annotations

import re

PERSON_BLAME = "person_blame"
JUDGING_WORD = "judging_word"
HINDSIGHT = "hindsight"
WHO_QUESTION = "who_question"
ATTENTION_REMEDY = "attention_remedy"

RULES = (PERSON_BLAME, WHO_QUESTION, ATTENTION_REMEDY, HINDSIGHT, JUDGING_WORD)

WHY = {
    PERSON_BLAME: "Naming a person as the one who failed turns a review into a trial and hides the conditions "
    "that made the slip easy.",
    JUDGING_WORD: "Judging words describe a person's character, not the system, and make people stop sharing "
    "what really happened.",
    HINDSIGHT: "Hindsight judges a decision with knowledge nobody had at that moment, so the real question "
    "(what made it look right then) goes unasked.",
    WHO_QUESTION: "Asking who looks for someone to blame; asking how finds the conditions we can change.",
    ATTENTION_REMEDY: "Asking people to be more careful changes nothing in the system, so the same slip stays "
    "just as easy next time.",
}

PERSON = (
    "Describe what the system let happen: 'The deploy went out without a canary step…', or speak as a team: "
    "'We deployed a change that…'."
)
PERSON_FORGOT = (
    "Describe the step the process left to memory: 'Nothing in the release checklist prompted us to …', "
    "or 'We did not …, because the tool did not ask'."
)
PERSON_MISSED_SIGNAL = (
    "Describe the signal as it looked then and what competed with it: 'The alert went to a channel nobody "
    "watched at night, and three other pages fired at once'."
)
PERSON_POSSESSIVE = (
    "Name the change, not its author: 'The configuration change to …', and say what let it through: "
    "'…reached production without a review step'."
)
HINDSIGHT_FRAMING = (
    "Describe what was known at that moment: 'At 02:14 the dashboard showed …, and we did not yet know …', "
    "then ask what would have made the signal easier to see."
)
WHY_YOU = (
    "Ask about the situation, not the person: 'What did the dashboard show at that point?' or 'What made "
    "that look like the right step at the time?'"
)


def _by_cue(*pairs: tuple[str, str]) -> tuple[tuple[re.Pattern, re.Pattern, str], ...]:
    """(cue, framing) pairs, each cue a pattern read in any case: an excerpt gets the first framing whose cue it holds.

    Each cue (written in lower case) is also kept without IGNORECASE: an ASCII excerpt is lowered once and read
    with that, which finds the same and is several times faster than matching each letter in any case.
    """
    return tuple((re.compile(cue, re.IGNORECASE), re.compile(cue), framing) for cue, framing in pairs)


_JUDGING = _by_cue(
    (
        r"human|operator|user|pilot|fat",
        "Name the condition that made the slip easy: which step, screen or default invited it? "
        "'The command accepted a production host without asking for confirmation.'",
    ),
    (
        r"fault|blam|culprit",
        "Leave fault out and describe how the pieces combined: 'The retry storm and the missing rate limit "
        "together overloaded the database.'",
    ),
    (
        r"disciplin|warning",
        "Keep reviews apart from evaluating people; describe the system change that will make this "
        "class of failure impossible.",
    ),
    (
        r"attention|bother|asleep",
        "Say what competed for attention and what signal was missing: 'Three alerts fired at once and "
        "none said which mattered.'",
    ),
)
_JUDGING_DEFAULT = (
    "Describe the action and its context without a verdict: what was done, what the person knew, and what "
    "made it look reasonable at the time."
)

_WHO = _by_cue(
    (
        r"approv|review|merg|sign",
        "Ask how: 'How did this change reach production without review?'",
    ),
    (
        r"deploy|push|ship|releas|roll|\bran\b|\brun\b",
        "Ask how: 'How did the pipeline let this change go out without a check?'",
    ),
    (
        r"responsib|fault|blame|mistake|caus|broke",
        "Ask what made it possible: 'Which safeguard was missing, and which part had no clear owner?'",
    ),
)
_WHO_DEFAULT = "Ask how instead: 'How did our process let this happen?' or 'What did people know at that moment?'"

_ATTENTION = _by_cue(
    (
        r"double|check|verify|confirm|read|review|look|watch|eye",
        "Let the tool do the check: for example, the deploy command shows the target environment and asks "
        "for confirmation, or CI blocks the change when the check fails.",
    ),
    (
        r"remind|train|educat|memo|email|word|talk|chat|announce|remember",
        "Build the knowledge into the tool: a checklist step in the pipeline, a warning in the CLI, or a "
        "runbook link in the alert itself.",
    ),
)
_ATTENTION_DEFAULT = (
    "Propose a change to the system instead: a test that catches it, a guardrail that blocks it, an alert "
    "that shows it, or a checklist built into the tool."
)


_PERSON = _by_cue(
    (
        r"notic|\bsee\b|\bsaw\b|spot|catch|caught|respond|acknowledg|\back\b|answer|pick\s+up|escalat|watch|"
        r"monitor|missed|ignored|overlooked|slept|sleep|asleep|busy|distracted|attention",
        PERSON_MISSED_SIGNAL,
    ),
    (r"forg|neglect|didn|did\s+not|never|hadn|had\s+not|skipped", PERSON_FORGOT),
)


def _first_fitting(table, excerpt: str, default: str) -> str:
    if excerpt.isascii():
        lowered = excerpt.lower()
        for _any_case, lower_case, text in table:
            if lower_case.search(lowered):
                return text
        return default
    for any_case, _lower_case, text in table:
        if any_case.search(excerpt):
            return text
    return default


def for_person(predicate: str) -> str:
    """The better framing for a person named as the one who failed, by what they are said to have done."""
    return _first_fitting(_PERSON, predicate, PERSON)


def for_judging_word(excerpt: str) -> str:
    return _first_fitting(_JUDGING, excerpt, _JUDGING_DEFAULT)


def for_who_question(excerpt: str) -> str:
    return _first_fitting(_WHO, excerpt, _WHO_DEFAULT)


def for_attention_remedy(excerpt: str) -> str:
    return _first_fitting(_ATTENTION, excerpt, _ATTENTION_DEFAULT)


REPEAT = (
    "Describe what keeps making this step easy to get wrong: 'This is the third time the nightly job has "
    "failed on a schema change; nothing in the pipeline checks for one.'"
)
SANCTION = (
    "Keep reviews apart from evaluating people. Ask what would make this class of failure impossible, and "
    "write that down as an action item."
)
EVALUATION = (
    "Describe the conditions instead of naming a person: 'How did it happen that …?' — which safeguard was "
    "missing, and what made the step look safe at the time?"
)
_BY_KIND = {
    "subject_harm": PERSON,
    "possessive": PERSON_POSSESSIVE,
    "evaluation": EVALUATION,
    "cleft": PERSON,
    "sanction": SANCTION,
    "counterfactual": HINDSIGHT_FRAMING,
    "interrogation": WHY_YOU,
    "repeat": REPEAT,
}


def for_kind(kind: str) -> str:
    """The better framing for what the clause reader found."""
    return _BY_KIND.get(kind, PERSON)


_REMEDY_KIND = {
    "care": "Care cannot be added to a person; it can be built into the tool. Say which check, guardrail or "
    "signal would catch the slip without anyone having to be careful.",
    "prohibition": "A rule people must remember fails on the night it matters. Make the tool enforce it: block "
    "the step, ask for confirmation, or fail the pipeline.",
    "knowledge": "Knowledge in one person's head leaves with them. Put it where the work happens: the runbook "
    "step, the alert text, a warning in the CLI, a check in CI.",
    "obligation": "Asking people to do better changes nothing in the system. Name the artefact that will change: "
    "a test, an alert, a tool, the pipeline, a configuration, the runbook, an owner.",
    "standing": "Consequences for a person are not a fix, and they keep people from speaking up next time. "
    "Propose a change to the system instead.",
    "attention": "A reminder, a meeting or a training fades within weeks. Propose what changes in the system: "
    "a test that catches it, a guardrail that blocks it, an alert that shows it.",
}


def for_remedy_kind(kind: str, excerpt: str) -> str:
    """The better framing for a null remedy, by what it appeals to."""
    return _REMEDY_KIND.get(kind) or for_attention_remedy(excerpt)
