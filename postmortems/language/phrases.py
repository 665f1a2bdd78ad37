"""The phrases the language guide notices, as precompiled regular expressions.

Each phrase set lists its alternatives beside the words they can begin with. The checker
splits the text into words once and tries a phrase set only where one of those words
starts, which keeps a whole review section well within one keystroke pause.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from itertools import compress

_LETTERS = re.compile(r"[^\W\d_]+")
_WORD_START = re.compile(r"\b[^\W\d_]{1,4}")


@dataclass(frozen=True)
class WordIndex:
    """Where each word of a text starts (``positions``) and its ``word_key`` (``keys``), in text order."""

    keys: list[str]
    positions: list[int]

    def where(self, wanted: Container[str]) -> list[tuple[int, str]]:
        """(position, key) of each word whose key is in ``wanted``, in text order."""
        # map/compress/zip keep the loop over every word in C, which matters on every keystroke pause.
        return list(compress(zip(self.positions, self.keys, strict=True), map(wanted.__contains__, self.keys)))


def word_key(word: str) -> str:
    """What the phrase sets index a word by: its first four letters, lower case."""
    return _LETTERS.match(word).group()[:4].lower()


def word_index(text: str) -> WordIndex:
    """The ``WordIndex`` of ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lengthen when lowered ("İ"); offsets must stay the original's
        matches = list(_WORD_START.finditer(text))
        return WordIndex([match.group().lower() for match in matches], [match.start() for match in matches])
    return WordIndex(_WORD_START.findall(lowered), list(map(re.Match.start, _WORD_START.finditer(lowered))))


class PhraseSet:
    """Alternative phrases, each listed with the words it can begin with.

    ``pattern`` is all of them as one regular expression. ``finditer`` finds the same
    matches much faster: at each word it tries only the phrases that can begin with it.
    """

    def __init__(self, *phrases: tuple[str, str], end: str = r"\b", flags: int = re.IGNORECASE):
        def compiled(regexes):
            return re.compile(r"\b(?:" + "|".join(f"(?:{regex})" for regex in regexes) + ")" + end, flags)

        self.pattern = compiled(regex for _, regex in phrases)
        by_key: dict[str, list[str]] = {}
        for first_words, regex in phrases:
            for key in dict.fromkeys(word_key(word) for word in first_words.split()):
                by_key.setdefault(key, []).append(regex)
        self.by_key = {key: compiled(regexes) for key, regexes in by_key.items()}

    def finditer(self, text: str, index: WordIndex) -> Iterator[re.Match]:
        """Like ``pattern.finditer(text)``, for a text whose ``word_index`` is ``index``."""
        resume = 0
        for position, key in index.where(self.by_key):
            if position < resume:
                continue
            match = self.by_key[key].match(text, position)
            if match and match.end() > match.start():
                resume = match.end()
                yield match


# --- people --------------------------------------------------------------------------------

# Roles people write about instead of a name. Only nouns that always mean a person.
ROLE_NOUNS = (
    r"intern|new\s+hire|new\s+starter|new\s+joiner|newbie|junior|DBA|database\s+admin(?:istrator)?|"
    r"sys\s?admin|admin(?:istrator)?|SRE|on-?call(?:er)?(?:\s+(?:engineer|person|dev|developer|SRE))?|"
    r"engineer|developer|dev|programmer|operator|reviewer|approver|author|contractor|consultant|"
    r"release\s+manager|incident\s+commander|tester|QA(?:\s+engineer)?|ops\s+(?:guy|person|engineer)|"
    r"person\s+on\s+call|guy|team\s+lead|tech\s+lead|lead|manager|employee|staffer|analyst|architect|"
    r"support\s+(?:agent|engineer)|customer\s+support\s+agent|product\s+manager|PM|designer"
)
ROLE_MODIFIERS = (
    r"(?:(?:new|junior|senior|primary|secondary|backup|night|weekend|first|second|responsible|same|"
    r"platform|payments|database|backend|frontend|infra(?:structure)?|security|networking|mobile|"
    r"on-?call|other|lone|offshore|remote)\s+)*"
)
ROLE = PhraseSet(
    (
        "the our a an that this one their his her your",
        rf"(?:the|our|an?|that|this|one\s+of\s+the|one\s+of\s+our|their|his|her|your)\s+{ROLE_MODIFIERS}"
        rf"(?:{ROLE_NOUNS})s?",
    ),
)
# Pronouns that almost always stand for a person.
PERSON_PRONOUN = PhraseSet(
    ("he she you someone somebody some whoever", r"he|she|you|someone|somebody|some\s+(?:engineer|dev)|whoever")
)
# "They" also stands for services and queues, so it only counts with a verb only people do.
THEY = PhraseSet(("they", "they"))

FILLER = (
    r"(?:\s+(?:had|has|have|then|just|simply|also|again|apparently|accidentally|mistakenly|carelessly|"
    r"somehow|completely|totally|clearly|obviously|still|even|probably|basically|evidently|once\s+again|"
    r"of\s+course|unfortunately|really|actually|allegedly|supposedly|repeatedly|ultimately|"
    r"(?:,\s*)?(?:who|which)\s+was\s+on[- ]call(?:\s*,)?)|"
    # "the contractor, who never considered timeouts"
    r"\s*,\s*who(?=\s)|"
    # "Grace, once again, forgot …"
    r"\s*,\s*(?:once\s+again|yet\s+again|again|as\s+usual|of\s+course|apparently|unfortunately|evidently|"
    r"it\s+seems|predictably)\s*,)*"
)
NEGATION = r"(?:didn['’]t|did\s+not|never|wouldn['’]t|would\s+not|couldn['’]t\s+be\s+bothered\s+to|hadn['’]t|had\s+not)"
# "should have known" judges the past; "should have access" asks for something now.
PAST_PARTICIPLE = (
    r"(?:been|[a-z]+(?:ed|en|wn|ne|ht|un|ung|ade|ept|elt)|sent|spent|meant|lent|learnt|paid|said|laid|got|"
    r"forgot|told|held|sold|read|set|put|let|hit|cut|shut|split|quit|spread|run|come|become)\b"
)
# What a person knew or was given is a fact about the situation, not a failure.
STATE_VERBS = (
    r"(?:received|got|saw|heard|knew|had|expected|meant|intended|needed|owned|realised|realized|understood|"
    r"thought|imagined|learned|learnt|found|worked|joined|used|been)\b"
)
# Finding or repairing the broken thing is what responders do; it frames nobody as the cause.
REPAIR_VERBS = (
    r"(?:fixed|reverted|replaced|identified|reported|flagged|removed|patched|spotted|noticed|traced|isolated|"
    r"debugged|investigated|diagnosed|rolled|caught|detected|discovered|located|repaired|restarted|drained|"
    r"quarantined|disabled|documented|described|explained|showed|shared|pointed|highlighted|confirmed)\b"
)
DUTY_VERBS = (
    r"check|test|read|follow|review|verify|notice|look|ask|wait|escalate|update|tell|communicate|bother|"
    r"think|consider|run|validate|confirm|catch|double[- ]?check|monitor|respond|acknowledge|ack|answer|"
    r"pick\s+up|watch|listen|care|pay\s+attention|back\s+up|lock|roll\s+back|renew|document|warn|inform|"
    r"notify|coordinate|announce|use\s+the\s+runbook|heed"
)
# Verbs only a person does: safe even after "they" or an unknown capitalised name.
HUMAN_ONLY_PREDICATE = (
    r"forg[oe]t(?:s|ten)?|neglected|did\s+not\s+bother|didn['’]t\s+bother|couldn['’]t\s+be\s+bothered|"
    r"messed\s+(?:it\s+|this\s+|things\s+)?up|screwed\s+(?:it\s+|this\s+|things\s+)?up|"
    r"dropped\s+the\s+ball|botched|fumbled|fat-?fingered|goofed|blundered|slept\s+through|fell\s+(?:back\s+)?asleep|"
    r"went\s+back\s+to\s+(?:sleep|bed)|rubber[- ]?stamped|waved\s+(?:it|this|the\s+\w+)\s+through|"
    r"abandoned|deserted|walked\s+away|left\s+(?:him|her|them|us|\w+)\s+(?:alone|stranded|hanging)|"
    r"(?:was|were)\s+too\s+(?:busy|distracted|tired|slow|lazy|careless|rushed|hasty|impatient)\b|"
    r"(?:was|were)\s+(?:asleep|distracted|not\s+paying\s+attention|careless|sloppy|lazy|negligent|reckless)|"
    r"wasn['’]t\s+paying\s+attention|weren['’]t\s+paying\s+attention|"
    r"ignored\s+(?:the|an?|our|all|every|both|several|multiple)\s+(?:\w+\s+){0,2}(?:alerts?|pages?|warnings?|"
    r"runbook|checklist|process|procedure|rules?|advice|instructions?|reviews?|comments?|messages?)|"
    r"made\s+(?:an?|the|another|one|a\s+few|several|some)\s+(?:\w+\s+)?(?:mistakes?|errors?|blunders?|typo|"
    r"bad\s+call|wrong\s+call|poor\s+(?:call|decision|choice))"
)
# Verbs that frame a person (never a system) as the one who failed.
PERSON_PREDICATE = (
    HUMAN_ONLY_PREDICATE + r"|failed\s+to\s+\w+|fails\s+to\s+\w+|broke|breaks|has\s+broken|caused|causes|"
    r"took\s+down|brought\s+down|knocked\s+over|knocked\s+out|wiped|nuked|"
    # "missed the page while driving" tells the circumstance, which is what a review wants.
    r"missed\s+(?:the|an?|both|all|several|multiple|every)\b(?![^.!?\n]{0,40}\b(?:while|because|as|since|during)\b)|"
    r"overlooked|ignored|skipped|took\s+(?:far\s+|way\s+|much\s+)?(?:too\s+long|ages|forever)\s+to|"
    r"(?:accidentally|mistakenly|carelessly|wrongly|recklessly|blindly)\s+\w+|"
    rf"{NEGATION}\s+(?:even\s+|properly\s+|bother\s+to\s+|actually\s+)?(?:{DUTY_VERBS})\b|"
    # "had never operated it before" is experience, not a failure.
    rf"(?<!had\s)never\s+(?!{STATE_VERBS})[a-z]+(?:ed|t|ne|wn)\b(?![^.!?\n]{{0,60}}\bbefore\b)|"
    r"let\s+(?:the|it|this|that|our|a)\s+(?:\w+\s+){0,3}(?:expire|lapse|slip|fill\s+up|run\s+out|rot)|"
    r"left\s+(?:\w+\s+){1,3}?(?:running|open|enabled|unattended|unlocked|(?:switched|turned)\s+on)\b|"
    r"left\s+(?:the\s+)?(?:\w+\s+){0,2}(?:logging|debug\w*|flag|mode|it|this|that|access)\s+on\b|"
    r"left\s+(?:\w+\s+){1,3}?(?:half[- ]?(?:done|finished|way)|unfinished|incomplete|broken|in\s+a\s+"
    r"(?:bad|broken|half-\w+|messy)\s+state)|"
    r"(?:is|was|were|are)\s+(?:the\s+)?(?:main\s+|real\s+|only\s+|sole\s+|root\s+)?(?:cause|culprit)\b"
    r"(?!\s+analysis)|(?:is|was|were|are)\s+(?:the\s+)?source\s+of\s+(?:the|this|our)\s+(?:outage|incident|"
    r"problem|failure|trouble)|"
    r"(?:is|was|were|are)\s+(?:the\s+)?(?:main\s+|real\s+|only\s+|sole\s+)?reason\s+(?:for\s+the\s+"
    r"(?:outage|incident|failure|downtime|breakage|data\s+loss)|(?:that\s+)?(?:we|it|this|checkout|prod|production|"
    r"the\s+\w+)\s+(?:lost|broke|failed|went\s+down|crashed|had\s+an?\s+outage))|"
    r"(?:is|was|were|are)\s+(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the\s+|this\s+|our\s+)?"
    r"(?:outage|incident|failure|breakage|mess|downtime|problem|bug|mistake|error|break|breaking|causing))"
)
# Any verb, then a word a few words on that turns the act into the person's slip. Tried only
# when one of ``WIDE_PREDICATE_MARKERS`` follows the person, as these are the costly patterns.
WIDE_PERSON_PREDICATE = (
    r"[a-z]+(?:\s+\w+){0,5}?\s+(?:by\s+(?:accident|mistake)|without\s+(?:even\s+|properly\s+|first\s+)?"
    r"(?:reading|checking|testing|looking|reviewing|asking|telling|verifying|thinking|warning|"
    r"understanding|running\s+the\s+tests|a\s+second\s+thought))|"
    rf"(?!{STATE_VERBS}|{REPAIR_VERBS})[a-z]+(?:\s+(?:out|up|in|off|on|over|through))?\s+(?:the|an?)\s+"
    r"(?:wrong|incorrect|bad|broken|buggy|faulty|untested)\b|"
    # "Jonas pushed a config that broke login": the person's action as the cause.
    r"[a-z]+\s+(?:[\w-]+\s+){1,4}?(?:that|which)\s+(?:then\s+)?(?:broke|caused|took\s+(?:down|out)|"
    r"brought\s+down|corrupted|wiped|deleted|crashed|knocked\s+out|started\s+the\s+outage|locked|"
    r"overloaded|exhausted|blocked|flooded|dropped|truncated|killed|stalled|saturated|leaked|"
    r"disabled|froze|hung|wedged|filled|double-\w+|over(?:wrote|charged|paid|loaded|flowed)|lost|leaked|exposed|"
    r"duplicated|erased|purged|emptied|invalidated|destroyed)|"
    # "paused the job far too late"
    r"[a-z]+(?:\s+[\w-]+){0,5}?\s+(?:far\s+|way\s+|much\s+)?too\s+(?:late|slowly|early|soon|hastily)\b|"
    # "deployed to production instead of staging": the wrong target, told as the person's slip.
    r"[a-z]+(?:\s+[\w-]+){0,6}?\s+instead\s+of\s+(?:the\s+|a\s+)?(?:staging|test|testing|dev|development|"
    r"sandbox|dry[- ]?run|replica|canary|local)\b|"
    r"[a-z]+(?:\s+[\w-]+){0,5}?\s+without\s+(?:any\s+|an?\s+)?(?:approval|review|permission|sign-?off|"
    r"telling\s+anyone|asking\s+anyone)\b"
)
WIDE_PREDICATE_MARKERS = (
    "accident", "mistake", "without", "wrong", "incorrect", "bad", "broken", "buggy", "faulty", "untested",
    "that", "which", "instead", "too",
)  # fmt: skip
PREDICATE = re.compile(rf"{FILLER}\s+(?P<pred>{PERSON_PREDICATE})", re.IGNORECASE)
WIDE_PREDICATE = re.compile(rf"{FILLER}\s+(?P<pred>{WIDE_PERSON_PREDICATE})", re.IGNORECASE)
HUMAN_ONLY = re.compile(rf"{FILLER}\s+(?P<pred>{HUMAN_ONLY_PREDICATE})", re.IGNORECASE)
# "Priya acknowledged the page and then went back to sleep", "… and blocked the nightly job".
LATER_HUMAN_ONLY = re.compile(
    rf"{FILLER}\s+[a-z]+(?:\s+[\w-]+){{0,7}}?,?\s+(?:and|but)\s+(?:then\s+|also\s+|still\s+|so\s+)?"
    rf"(?P<pred>{HUMAN_ONLY_PREDICATE}|broke|blocked|took\s+down|brought\s+down|caused\s+(?:the|an?)|crashed|"
    r"wiped|corrupted|knocked\s+out|overloaded|exhausted|double-\w+)",
    re.IGNORECASE,
)
SHOULD_HAVE_AFTER_PERSON = re.compile(
    rf"{FILLER}\s+(?P<pred>should(?:n['’]t|\s+not|\s+never)?\s+(?:ever\s+)?have\s+(?:{PAST_PARTICIPLE})|"
    r"should['’]ve\b(?:\s+\w+)?)",
    re.IGNORECASE,
)
POSSESSIVE_BLAME = re.compile(
    r"['’]s?\s+(?:"
    # "Sam's decision to fail over caused the split-brain": the person's act as the cause.
    r"(?:[\w-]+\s+){0,3}?(?:decision|change|script|deploy(?:ment)?|commit|config(?:uration)?|migration|code|query|"
    r"command|rollout|push|merge|patch|refactor|PR|pull\s+request|action|edit|call|choice|fix|hotfix)"
    r"(?:\s+[\w-]+){0,4}?\s+(?:caused|broke|wiped|deleted|took\s+(?:down|out)|brought\s+down|corrupted|"
    r"crashed|led\s+to|resulted\s+in|made\s+(?:it|this|things)\s+worse|started\s+the|cost\s+us)|"
    # "Priya's upgrade broke DNS", "It was Sam's cleanup that destroyed the data" (not "Jonas's phone died").
    r"(?!(?:phone|laptop|pager|device|connection|internet|wi-?fi|vpn|headset|computer|machine)\b)"
    r"(?:[\w-]+\s+){1,3}?(?:that\s+|which\s+)?(?:caused\s+(?:the|an?|this)|broke|wiped|destroyed|took\s+down|"
    r"brought\s+down|corrupted|double-\w+)|"
    r"(?:[\w-]+\s+){0,3}?(?:change|script|deploy(?:ment)?|commit|config(?:uration)?|migration|code|query|command|"
    r"patch|refactor|PR|pull\s+request|fix|hotfix)\s+(?:was|were|is)\s+(?:\w+\s+)?(?:wrong|broken|buggy|bad|"
    r"incorrect|faulty|sloppy|untested)|"
    # "Jonas's mistake", "the intern's sloppy code".
    r"(?:\w+\s+)?(?:mistakes?|errors?(?!\s+(?:budgets?|logs?|rates?|messages?|codes?|pages?|handl\w+|counts?|"
    r"tracking|reports?|alerts?|dashboards?|spikes?))|fault(?![- ]?(?:toleran|domain|code|injection))|oversight|"
    r"blunders?|carelessness|negligence|"
    r"screw-?up|mess-?up|typo|sloppiness|laziness|incompetence|bad\s+(?:change|deploy|config|commit|code|"
    r"migration|query|decision|call|merge|push)|broken\s+(?:change|deploy|config|commit|code|migration|"
    r"query|build)|lack\s+of\s+(?:care|attention|diligence|discipline|experience|judg(?:e)?ment)))\b",
    re.IGNORECASE,
)
CAUSED_BY_BEFORE = re.compile(
    r"\b(?:caused|introduced|broken|botched|wiped)\s+by\s+$|\bbecause\s+of\s+$|\bdue\s+to\s+$|"
    r"\b(?:mistakes?|errors?|blunders?|slips?|screw-?ups?)\s+(?:\w+\s+){0,3}?by\s+$|"
    r"\b(?:(?:all|entirely|squarely|solely|purely|largely|mostly|completely)\s+)?down\s+to\s+$|"
    # "got worse because Maya approved the change": a harm explained by a person.
    # "Thanks to …" is as often gratitude: it counts only after a harm.
    r"\b(?:worse|failed|broke|broken|down|outage|lost|crashed|corrupted|stalled|errors|stale|delayed|leak\w*|"
    r"breach|wrong|happened|occurred)\b[^.!?\n]{0,40}?(?:\bbecause|\bthanks\s+to)\s+$|"
    r"\b(?:worse|failed|broke|broken|down|outage|lost|crashed|corrupted|stalled|errors)\b[^.!?\n]{0,40}?"
    r"\bbecause\s+$|"
    r"\broot\s+cause\s*(?:was|is|:|=|-|–|—)\s*$|"
    r"\b(?:outage|incident|failure|breakage|this|that|it|one|mess|downtime)\s+(?:is|was|['’]s)\s+"
    r"(?:all\s+|entirely\s+|squarely\s+|totally\s+|100%\s+)?on\s+$|"
    r"\b(?:mess|trouble|whole\s+thing|it\s+all|all\s+this|everything|chaos)\s+(?:started|began|happened|"
    r"kicked\s+off)\s+(?:when|because|after)\s+$|"
    r"\bblame[sd]?\s+(?:it\s+)?on\s+$|\bfault\s+of\s+$|\bblaming\s+$|\bblame\s+$",
    re.IGNORECASE,
)
# "X's mistake" about a capitalised word the directory does not know.
UNKNOWN_POSSESSIVE_BLAME = re.compile(
    r"['’]s?\s+(?:mistake|fault(?![- ]?(?:toleran|domain|code|injection))|blunder|carelessness|negligence|"
    r"sloppiness|laziness|incompetence)\b",
    re.IGNORECASE,
)
# "Because of Otto's graph" credits a person; "because of Otto's change" makes them the cause.
POSSESSIVE = re.compile(r"['’]s?\b")
POSSESSIVE_ACTION = re.compile(
    r"['’]s?\s+(?:\w+\s+)?(?:changes?|deploy(?:ment)?s?|commits?|config(?:uration)?|push|merge|migration|typo|"
    r"script|command|decisions?|mistakes?|errors?|code|query|patch|rollout|release|edit|update|actions?|"
    r"fault|choices?|call|refactor|PR|pull\s+request|backfill|cleanup|upgrade|experiment|import|job)\b",
    re.IGNORECASE,
)
# "If it weren't for Lena, the outage would never have happened."
BUT_FOR_BEFORE = re.compile(
    r"\bif\s+it\s+(?:weren['’]t|wasn['’]t|were\s+not|was\s+not|hadn['’]t\s+been|had\s+not\s+been)\s+for\s+$",
    re.IGNORECASE,
)
BUT_FOR_HARM = re.compile(
    r"[^.!?\n]{0,120}?(?:(?:never|not|n['’]t)\s+(?:have\s+)?(?:happened|occurred|broken|failed|gone\s+down|"
    r"been\s+(?:an?\s+)?(?:outage|incident|problem))|(?:been|gone)\s+fine|no\s+(?:outage|incident))",
    re.IGNORECASE,
)
# Counterfactuals about a person: "If Jonas had waited …", "Had the on-call engineer read …".
IF_BEFORE = re.compile(r"\b(?:if|unless)\s+$", re.IGNORECASE)
HAD_BEFORE = re.compile(r"(?:^|(?<=[.!?;:\n])\s*|\band\s+|\bbut\s+)had\s+$", re.IGNORECASE)
IF_AFTER = re.compile(
    r"\s+(?:only\s+|just\s+)?had(?:n['’]t|\s+not)?\s+(?:just\s+|simply\s+|only\s+|been\s+)?[a-z]+",
    re.IGNORECASE,
)
HAD_AFTER = re.compile(r"\s+(?:not\s+|just\s+|simply\s+|only\s+|been\s+)?[a-z]+", re.IGNORECASE)


ALL_PHRASE_SETS = {
    "role": ROLE,
    "person_pronoun": PERSON_PRONOUN,
    "they": THEY,
}
