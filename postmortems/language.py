"""The blameless language guide: notices blaming, judging and hindsight phrasing while people write.

A pure-Python checker built from precompiled regular expressions and a small amount of
token logic, so it can run over a whole review section on every pause in typing. It
leaves plain facts alone: a person's name next to what they did ("Priya joined the call
at 02:20") is a fact; a person named as the one who failed ("Priya broke the deploy")
is not how we want to write about a failure.

Each ``Flag`` says why the phrasing hurts learning and offers a better framing:
we-framing, a how-question, or a change to the system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

PERSON_BLAME = "person_blame"
JUDGING_WORD = "judging_word"
HINDSIGHT = "hindsight"
WHO_QUESTION = "who_question"
ATTENTION_REMEDY = "attention_remedy"

RULES = (PERSON_BLAME, JUDGING_WORD, HINDSIGHT, WHO_QUESTION, ATTENTION_REMEDY)

_KEY_NOISE = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Flag:
    """One phrase the guide suggests rewording, with why and a better framing."""

    rule: str
    start: int
    end: int
    excerpt: str
    why: str
    suggestion: str

    @property
    def key(self) -> str:
        """A stable fingerprint (rule and normalised excerpt), so a dismissal survives edits elsewhere."""
        words = _SPACES.sub(" ", _KEY_NOISE.sub(" ", self.excerpt.replace("’", "'").lower())).strip()
        return f"{self.rule}:{words}"


# --- vocabulary ------------------------------------------------------------------------

# Roles people write about instead of a name. Kept to nouns that always mean a person.
_ROLE_NOUNS = (
    r"intern|new\s+hire|new\s+starter|new\s+joiner|newbie|junior|DBA|database\s+admin(?:istrator)?|"
    r"sys\s?admin|admin(?:istrator)?|SRE|on-?call(?:er)?(?:\s+(?:engineer|person|dev|developer|SRE))?|"
    r"engineer|developer|dev|programmer|operator|reviewer|approver|author|contractor|consultant|"
    r"release\s+manager|incident\s+commander|tester|QA(?:\s+engineer)?|ops\s+(?:guy|person|engineer)|"
    r"person\s+on\s+call|guy|team\s+lead|tech\s+lead|lead|manager|employee|staffer|analyst|architect|"
    r"support\s+(?:agent|engineer)|customer\s+support\s+agent|product\s+manager|PM|designer"
)
_ROLE_MODIFIERS = (
    r"(?:(?:new|junior|senior|primary|secondary|backup|night|weekend|first|second|responsible|same|"
    r"platform|payments|database|backend|frontend|infra(?:structure)?|security|networking|mobile|"
    r"on-?call|other|lone|offshore|remote)\s+)*"
)
_ROLE = re.compile(
    rf"\b(?:the|our|an?|that|this|one\s+of\s+the|one\s+of\s+our|their|his|her|your)\s+{_ROLE_MODIFIERS}"
    rf"(?:{_ROLE_NOUNS})s?\b",
    re.IGNORECASE,
)
# Pronouns that almost always stand for a person.
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|you|someone|somebody|some\s+engineer|some\s+dev)\b", re.IGNORECASE)
# "They" also stands for services and queues, so it only counts with a verb only people do.
_THEY = re.compile(r"\bthey\b", re.IGNORECASE)

_FILLER = (
    r"(?:\s+(?:had|has|have|then|just|simply|also|again|apparently|accidentally|mistakenly|carelessly|"
    r"somehow|completely|totally|clearly|obviously|still|even|probably|basically|evidently|once\s+again|"
    r"of\s+course|unfortunately|really|actually|allegedly|supposedly|repeatedly|ultimately|"
    r"(?:,\s*)?(?:who|which)\s+was\s+on[- ]call(?:\s*,)?))*"
)
_NEG = r"(?:didn['’]t|did\s+not|never|wouldn['’]t|would\s+not|couldn['’]t\s+be\s+bothered\s+to|hadn['’]t|had\s+not)"
_DUTY_VERBS = (
    r"check|test|read|follow|review|verify|notice|look|ask|wait|escalate|update|tell|communicate|bother|"
    r"think|consider|run|validate|confirm|catch|double-?check|monitor|respond|acknowledge|ack|answer|"
    r"pick\s+up|watch|listen|care|pay\s+attention|back\s+up|lock|roll\s+back|renew|document|warn|inform|"
    r"notify|coordinate|announce|use\s+the\s+runbook|heed|bother"
)
# Verbs only a person does: safe even after "they".
_HUMAN_ONLY_PREDICATE = (
    r"forg[oe]t(?:s|ten)?|neglected|did\s+not\s+bother|didn['’]t\s+bother|couldn['’]t\s+be\s+bothered|"
    r"messed\s+(?:it\s+|this\s+|things\s+)?up|screwed\s+(?:it\s+|this\s+|things\s+)?up|"
    r"dropped\s+the\s+ball|botched|fumbled|fat-?fingered|goofed|blundered|"
    r"(?:was|were)\s+(?:asleep|distracted|not\s+paying\s+attention|careless|sloppy|lazy|negligent|reckless)|"
    r"wasn['’]t\s+paying\s+attention|weren['’]t\s+paying\s+attention|"
    r"ignored\s+(?:the|an?|our|all|every|both|several|multiple)\s+(?:\w+\s+){0,2}(?:alerts?|pages?|warnings?|"
    r"runbook|checklist|process|procedure|rules?|advice|instructions?|reviews?|comments?|messages?)|"
    r"made\s+(?:an?|the|another|one|a\s+few|several|some)\s+(?:\w+\s+)?(?:mistakes?|errors?|blunders?|typo|"
    r"bad\s+call|wrong\s+call|poor\s+(?:call|decision|choice))"
)
# Verbs that frame a person (never a system) as the one who failed.
_PERSON_PREDICATE = (
    _HUMAN_ONLY_PREDICATE + r"|failed\s+to\s+\w+|fails\s+to\s+\w+|broke|breaks|has\s+broken|caused|causes|"
    r"took\s+down|brought\s+down|knocked\s+over|knocked\s+out|wiped|nuked|"
    r"missed\s+(?:the|an?|both|all|several|multiple|every)\b|overlooked|ignored|skipped|"
    r"(?:accidentally|mistakenly|carelessly|wrongly|recklessly|blindly)\s+\w+|"
    rf"{_NEG}\s+(?:even\s+|properly\s+|bother\s+to\s+|actually\s+)?(?:{_DUTY_VERBS})\b|"
    r"let\s+(?:the|it|this|that|our|a)\s+(?:\w+\s+){0,3}(?:expire|lapse|slip|fill\s+up|run\s+out|rot)|"
    r"(?:ran|deployed|pushed|shipped|merged|ran|applied|wrote|committed|released|approved|used|typed|"
    r"picked|chose|entered|configured|set)\s+(?:the\s+|an?\s+)?(?:wrong|bad|broken|buggy|faulty|"
    r"incorrect|untested|sloppy|careless)\b|"
    r"(?:is|was|were|are)\s+(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the\s+|this\s+|our\s+)?"
    r"(?:outage|incident|failure|breakage|mess|downtime|problem|bug|mistake|error|break|breaking|causing))"
)
_PREDICATE = re.compile(rf"{_FILLER}\s+(?P<pred>{_PERSON_PREDICATE})", re.IGNORECASE)
_HUMAN_ONLY = re.compile(rf"{_FILLER}\s+(?P<pred>{_HUMAN_ONLY_PREDICATE})", re.IGNORECASE)
_SHOULD_HAVE_AFTER_PERSON = re.compile(
    rf"{_FILLER}\s+(?P<pred>should(?:n['’]t|\s+not)?\s+have\b(?:\s+\w+)?|should['’]ve\b(?:\s+\w+)?)",
    re.IGNORECASE,
)
_POSSESSIVE_BLAME = re.compile(
    r"['’]s?\s+(?:\w+\s+)?(?P<pred>mistakes?|errors?|fault|oversight|blunders?|carelessness|negligence|"
    r"screw-?up|mess-?up|typo|sloppiness|laziness|incompetence|bad\s+(?:change|deploy|config|commit|code|"
    r"migration|query|decision|call|merge|push)|broken\s+(?:change|deploy|config|commit|code|migration|"
    r"query|build)|lack\s+of\s+(?:care|attention|diligence|discipline|experience|judg(?:e)?ment))\b",
    re.IGNORECASE,
)
_CAUSED_BY_BEFORE = re.compile(
    r"\b(?:caused|triggered\s+and\s+caused|started)\s+by\s+$|\bbecause\s+of\s+$|\bdue\s+to\s+$|"
    r"\bblame[sd]?\s+(?:it\s+)?on\s+$|\bfault\s+of\s+$|\bblaming\s+$|\bblame\s+$",
    re.IGNORECASE,
)
_KIND_AFTER_POSSESSIVE = re.compile(
    r"['’]s?\s+(?:quick|fast|prompt|careful|calm|clear|good|great|excellent|early|swift|thorough|sharp|"
    r"help|work|fix|rollback|idea|suggestion|experience|knowledge)\b",
    re.IGNORECASE,
)

_JUDGING = re.compile(
    r"\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppi(?:ly|ness)|"
    r"(?:human|operator|user|pilot|user['’]s)\s+error|incompeten(?:t|ce|tly)|"
    r"lazy(?![- ](?:load|loading|loaded|evaluat\w*|init\w*|import\w*|quer\w+|iterat\w*|eval|seq\w*|"
    r"propert\w*|attribute\w*|field\w*|relation\w*|fetch\w*|mount\w*))|laziness|"
    r"lazily(?!\s+(?:load|evaluat|initiali[sz]|comput|creat|fetch|import|render|mount|instantiat|"
    r"resolv|construct|populat|expand)\w*)|reckless(?:ly|ness)?|stupid(?:ity|ly)?|dumb|idiot(?:ic|s)?|"
    r"foolish(?:ly|ness)?|silly\s+(?:mistake|error|slip)|rookie\s+(?:mistake|error|move)|blunder(?:s|ed)?|"
    r"bone-?headed|inexcusable|unforgivable|irresponsibl[ey]|clueless|amateur(?:ish|s)?|"
    r"fat[- ]finger(?:ed|ing|s)?|dropped\s+the\s+ball|asleep\s+at\s+the\s+wheel|"
    r"screw(?:ed)?[- ]up|screwing\s+up|goof(?:ed)?[- ]?up|"
    r"not\s+paying\s+attention|wasn['’]t\s+paying\s+attention|weren['’]t\s+paying\s+attention|"
    r"inattentive(?:ness)?|lack\s+of\s+(?:care|attention|diligence|discipline|competence|common\s+sense)|"
    r"(?:bad|poor|terrible|questionable)\s+judg(?:e)?ment|(?:bad|poor|terrible|dumb|stupid)\s+decisions?|"
    r"should\s+know\s+better|knew\s+better|(?:there\s+(?:is|was)\s+)?no\s+excuse|"
    r"disciplinary(?:\s+action)?|written\s+warning|formal\s+warning|"
    r"(?:didn['’]t|did\s+not|never|couldn['’]t|could\s+not)\s+(?:even\s+)?(?:be\s+)?bother(?:ed)?(?:\s+to)?|"
    r"bothered\s+to|culprits?|"
    r"at\s+fault|fault\s+lies|(?:my|your|his|her|their|its|whose)\s+fault|"
    r"(?<!git\s)(?<!not\s)(?<!no\s)(?<!without\s)(?<!don['’]t\s)\bblam(?:e|ed|es|ing)\b(?![- ]?(?:less|free))|"
    r"to\s+blame)\b",
    re.IGNORECASE,
)
_NEGATED_BLAME = re.compile(
    r"\b(?:not|no\s+one|nobody|never|isn['’]t|wasn['’]t|without|avoid|no)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)

_HINDSIGHT = re.compile(
    r"\b(?:should(?:n['’]t|\s+not)?\s+have\s+(?:been\s+)?(?:known|noticed|seen|caught|spotted|realised|"
    r"realized|checked|tested|reviewed|asked|waited|read|looked|double-checked|verified|escalated|"
    r"rolled\s+back|paged|thought|anticipated|expected|predicted|foreseen|obvious|clear|careful|more\s+\w+|"
    r"flagged|followed|stopped|listened|confirmed|validated|communicated|picked\s+up|raised|questioned|"
    r"avoided|prevented|done|run|used|asked|understood|recogni[sz]ed|prepared|planned)|"
    r"should['’]ve\b|"
    r"(?:could|would|might)\s+(?:easily\s+|simply\s+|so\s+easily\s+)?have\s+(?:easily\s+)?(?:been\s+)?"
    r"(?:avoided|prevented|caught|noticed|spotted|seen|foreseen|predicted)|"
    r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:obviously|clearly)\b|"
    r"(?<!non-)(?<!non)(?<!not\s)(?<!n['’]t\s)(?<!never\s)(?<!less\s)(?<!un)obvious(?:ly)?|"
    r"(?:was|were|is|are|it['’]s|been|very|so)\s+clearly\b(?!\s+(?:label|mark|document|written|explain|"
    r"communicat|state|name|defin|separat|distinguish|sign|shown))|"
    r"clearly\s+(?:should|wrong|a\s+mistake|an\s+error|visible|broken|not|missed|ignored|failed|"
    r"didn['’]t|did\s+not|had|knew|a\s+bad|the\s+wrong)|"
    r"(?:simply|just|only)\s+(?:needed|had|has|have|need|needs)\s+to|"
    r"all\s+(?:he|she|they|you|someone|anyone|anybody|it|the\s+\w+|\w+)\s+(?:had|needed|has|needs)\s+to\s+do\s+"
    r"(?:was|is)|"
    r"(?:it\s+was\s+|it['’]s\s+|was\s+|is\s+|were\s+|so\s+)?easy\s+to\s+(?:see|spot|notice|catch|predict|"
    r"avoid|prevent|foresee|know)|"
    r"in\s+hindsight|with\s+hindsight|in\s+retrospect|looking\s+back(?=,)|"
    r"failed\s+to\s+(?:notice|see|spot|realise|realize|catch|check|read|recogni[sz]e|anticipate|consider|"
    r"understand|follow|verify|test|review|look|pay\s+attention|act|respond|escalate|communicate|foresee)|"
    r"(?:missed|ignored|overlooked)\s+(?:the|all\s+the|some|several|clear|obvious)\s+(?:obvious\s+)?"
    r"(?:warning\s+)?(?:signs|signals|red\s+flags)|"
    r"(?:anyone|anybody|everyone|any\s+\w+)\s+(?:could|would|should|can)\s+(?:have\s+)?"
    r"(?:seen|known|noticed|spotted|predicted|told|see|know|notice|spot|predict|tell)|"
    r"(?:a|the)\s+(?:clear|glaring|obvious)\s+(?:mistake|error|sign|warning|red\s+flag)|"
    r"it\s+was\s+(?:always\s+)?(?:bound|going)\s+to\s+(?:happen|break|fail))\b",
    re.IGNORECASE | re.MULTILINE,
)

_WHY_SUBJECT = r"(?:you|he|she|they|nobody|no\s+one|no-one|anyone|anybody|someone|somebody|people|the\s+team)"
_WHY_QUESTION = re.compile(
    r"\bwhy\s+(?:on\s+earth\s+)?(?:did|didn['’]t|did\s+not|do|don['’]t|would|wouldn['’]t|were|weren['’]t|"
    r"was|wasn['’]t|has|hasn['’]t|have|haven['’]t|had|hadn['’]t|couldn['’]t|could|is|isn['’]t|"
    rf"are|aren['’]t)\s+{_WHY_SUBJECT}\b[^?.!\n]{{0,160}}\??|"
    r"\bhow\s+could\s+(?:you|he|she|they|anyone|anybody|someone|somebody)\s+(?:not\s+|possibly\s+)?"
    r"[^?.!\n]{0,160}\??",
    re.IGNORECASE,
)
_WHY_PERSON_TAIL = re.compile(
    r"\bwhy\s+(?:on\s+earth\s+)?(?:did|didn['’]t|did\s+not|would|wouldn['’]t|was|wasn['’]t|had|hadn['’]t|"
    r"couldn['’]t|could)\s+$",
    re.IGNORECASE,
)
# Interrogative "who", as opposed to the relative "the engineer who was paged".
_WHO_QUESTION = re.compile(
    r"(?:(?:^|(?<=[.!?:;\"“(\n])|(?<=[.!?:;\"“(]\s)|(?<=\n\s))\s*|"
    r"\b(?:find\s+out|found\s+out|finding\s+out|figure\s+out|figured\s+out|work\s+out|determine|determining|"
    r"identify|identifying|establish|establishing|ask(?:ed|ing)?|know(?:s|ing)?|knew|wonder(?:ed|ing)?|"
    r"track(?:ed)?\s+down|tell\s+us|find|investigate|investigating|question\s+of|matter)\s+)"
    r"(?P<q>who(?:m|['’]s)?\b(?!\s+(?:owns?|owned|maintains?|maintained|will\s+own|should\s+own|is\s+the\s+owner|"
    r"to\s+(?:page|call|contact|ask|escalate)|can\s+help|could\s+help|was\s+available|is\s+available))"
    r"[^?.!\n]{0,160}\??)|"
    r"\bwhose\s+(?:fault|mistake|error|change|commit|deploy|responsibility|idea|call|bad)\b[^?.!\n]{0,120}\??",
    re.IGNORECASE | re.MULTILINE,
)

# Appeals to attention that are an attention remedy wherever they appear.
_ATTENTION_ALWAYS = re.compile(
    r"\b(?:(?:be|being|stay|staying|become|are|is|were|was)\s+(?:more\s+|extra\s+|very\s+|really\s+|much\s+more\s+|"
    r"a\s+lot\s+more\s+|a\s+bit\s+more\s+|especially\s+|doubly\s+|super\s+)?(?:careful|vigilant|attentive|"
    r"diligent|cautious|mindful|alert(?!s)|focused|disciplined)(?!\s+(?:about|with)\s+(?:cost|money))|"
    r"take\s+(?:more|extra|greater|better|special)\s+care|"
    r"pay(?:s|ing)?\s+(?:more\s+|closer\s+|better\s+|extra\s+|careful\s+|close\s+|special\s+)?attention|"
    r"re-?train(?:ed|ing|s)?|re-?educat(?:e|ed|ing|ion)|refresher\s+training|"
    r"(?:more|additional|extra|further)\s+training\s+(?:for|on\s+being)|"
    r"try(?:ing)?\s+harder|work\s+harder|do(?:ing)?\s+better\s+next\s+time|"
    r"(?:don['’]t|do\s+not|won['’]t|will\s+not|never)\s+(?:do|let)\s+(?:it|this|that)\s+(?:happen\s+)?again|"
    r"(?:not|never)\s+(?:to\s+)?(?:do|let)\s+(?:it|this|that)\s+(?:happen\s+)?again|"
    r"(?:this|it)\s+(?:won['’]t|will\s+not|must\s+not|must\s+never|shall\s+not|can['’]t)\s+happen\s+again|"
    r"think\s+twice|slow\s+down\s+and|"
    r"(?:more|extra)\s+(?:care|caution|vigilance|diligence|discipline|attentiveness)|"
    r"(?:read|review|check|test|look|watch|verify|follow|proof-?read|scan)\w*\s+(?:\w+\s+){0,4}?"
    r"(?:more\s+(?:carefully|closely|thoroughly|attentively|diligently)|with\s+more\s+care|properly\s+next\s+time)|"
    r"double-?check(?:s|ed|ing)?\s+(?:\w+\s+){0,5}?(?:next\s+time|in\s+(?:the\s+)?future|going\s+forward|"
    r"from\s+now\s+on|every\s+time|each\s+time|always)|"
    r"(?:always|must|should|will|need\s+to|needs\s+to|have\s+to|has\s+to|please|to)\s+double-?check|"
    r"remind(?:ed|ing|er|ers)?\s+(?:\w+\s+)?(?:people|everyone|everybody|engineers|developers|the\s+team|"
    r"all\s+\w+|staff|the\s+\w+\s+team|on-?call(?:ers)?|reviewers|the\s+(?:intern|engineers?|developers?|"
    r"on-?call\s+engineer|new\s+hires?))(?:\s+to|\s+about|\s+that|\s+of)|"
    r"(?:send|sent|post|posted|share|shared)\s+(?:out\s+)?an?\s+(?:\w+\s+)?(?:reminder|memo|email|announcement)\s+"
    r"(?:to\s+(?:\w+\s+){0,3})?(?:to\s+be|about\s+being|reminding|asking)|"
    r"(?:have|had|need\s+to\s+have|will\s+have)\s+a\s+(?:quiet\s+|serious\s+|stern\s+)?(?:word|talk|chat)\s+with|"
    r"(?:remember|make\s+sure|ensure\s+they|ensure\s+you|be\s+sure)\s+to\s+(?:always\s+)?(?:check|double-?check|"
    r"verify|look|read|test|review|confirm|follow|be|run|ask|pay)|"
    r"(?:keep\s+(?:a\s+)?(?:closer|close|better)\s+(?:eye|watch))|"
    r"(?:stay|be)\s+on\s+(?:top\s+of|the\s+lookout))\b",
    re.IGNORECASE,
)
# "Be careful" is also how a system description reads ("the tool is careful to ..."), so when a
# system is the subject of the clause the phrase is a fact, not a remedy.
_SYSTEM_SUBJECT = re.compile(
    r"\b(?:tool|script|pipeline|ci|check|checks|alert|alerts|bot|service|system|job|linter|test|tests|"
    r"migration|dashboard|config|monitor|monitoring|cli|command|deploy|deployer|scheduler|proxy|cache|"
    r"api|library|client|server|hook|workflow|action|lint|validator|guard|guardrail|runbook|code|"
    r"controller|operator\s+pattern|function|handler|worker|queue|app|application)\b[^.!?\n]{0,40}$",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"(?:[.!?;:\n]|\bbut\b|\band\b|\bso\b|\bwhile\b|\bwhen\b)[^.!?;:\n]*$", re.IGNORECASE)


# --- the product's words ----------------------------------------------------------------

_WHY = {
    PERSON_BLAME: "Naming a person as the one who failed turns a review into a trial and hides the conditions "
    "that made the slip easy.",
    JUDGING_WORD: "Judging words describe a person's character, not the system, and make people stop sharing "
    "what really happened.",
    HINDSIGHT: "Hindsight judges a decision with knowledge nobody had at that moment, so the real question—what "
    "made it look right then—goes unasked.",
    WHO_QUESTION: "Asking who looks for someone to blame; asking how finds the conditions we can change.",
    ATTENTION_REMEDY: "Asking people to be more careful changes nothing in the system, so the same slip stays "
    "just as easy next time.",
}

_SUGGEST_PERSON = (
    "Describe what the system let happen: 'The deploy went out without a canary step…' or speak as a team: "
    "'We deployed a change that…'."
)
_SUGGEST_PERSON_FORGOT = (
    "Describe the step the process left to memory: 'Nothing in the release checklist prompted us to …', "
    "or 'We did not …, because the tool did not ask'."
)
_SUGGEST_POSSESSIVE = (
    "Name the change, not its author: 'The configuration change to …' and say what let it through: "
    "'…reached production without a review step'."
)

_JUDGING_SUGGESTIONS = (
    (
        re.compile(r"human|operator|user|pilot|fat", re.IGNORECASE),
        "Name the condition that made the slip easy: which step, screen or default invited it? "
        "'The command accepted a production host without asking for confirmation.'",
    ),
    (
        re.compile(r"fault|blam|culprit", re.IGNORECASE),
        "Leave fault out and describe how the pieces combined: 'The retry storm and the missing rate limit "
        "together overloaded the database.'",
    ),
    (
        re.compile(r"disciplin|warning", re.IGNORECASE),
        "Keep reviews apart from evaluating people; describe the system change that will make this "
        "class of failure impossible.",
    ),
    (
        re.compile(r"attention|bother", re.IGNORECASE),
        "Say what competed for attention and what signal was missing: 'Three alerts fired at once and "
        "none said which mattered.'",
    ),
)
_JUDGING_DEFAULT = (
    "Describe the action and its context without a verdict: what was done, what the person knew, and what "
    "made it look reasonable at the time."
)

_SUGGEST_HINDSIGHT = (
    "Describe what was known at that moment: 'At 02:14 the dashboard showed …, and we did not yet know …', "
    "then ask what would have made the signal easier to see."
)
_SUGGEST_WHY_YOU = (
    "Ask about the situation, not the person: 'What did the dashboard show at that point?' or 'What made "
    "that look like the right step at the time?'"
)
_WHO_SUGGESTIONS = (
    (
        re.compile(r"approv|review|merg|sign", re.IGNORECASE),
        "Ask how: 'How did this change reach production without review?'",
    ),
    (
        re.compile(r"deploy|push|ship|releas|roll|ran|run", re.IGNORECASE),
        "Ask how: 'How did the pipeline let this change go out without a check?'",
    ),
    (
        re.compile(r"responsib|fault|blame|mistake|caus|broke", re.IGNORECASE),
        "Ask what made it possible: 'Which safeguard was missing, and which part had no clear owner?'",
    ),
)
_WHO_DEFAULT = "Ask how instead: 'How did our process let this happen?' or 'What did people know at that moment?'"

_ATTENTION_SUGGESTIONS = (
    (
        re.compile(r"double|check|verify|confirm|read|review", re.IGNORECASE),
        "Let the tool do the check: for example, the deploy command shows the target environment and asks "
        "for confirmation, or CI blocks the change when the check fails.",
    ),
    (
        re.compile(r"remind|train|educat|memo|email|word|talk|announce|remember", re.IGNORECASE),
        "Build the knowledge into the tool: a checklist step in the pipeline, a warning in the CLI, or a "
        "runbook link in the alert itself.",
    ),
)
_ATTENTION_DEFAULT = (
    "Propose a change to the system instead: a test that catches it, a guardrail that blocks it, an alert "
    "that shows it, or a checklist built into the tool."
)


def _pick(table, excerpt: str, default: str) -> str:
    for pattern, text in table:
        if pattern.search(excerpt):
            return text
    return default


def _flag(text: str, rule: str, start: int, end: int, suggestion: str) -> Flag:
    # Trim whitespace so offsets and the excerpt hug the words.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Flag(rule, start, end, text[start:end], _WHY[rule], suggestion)


# --- the people in the text ---------------------------------------------------------------

# Names that are also ordinary English words only count when written with the same capitals.
_COMMON_WORDS = frozenset(
    """a an and are as at be but by can do for go he her him his i if in is it may me my no not of on or our
    so the to up us we will was were who why how you your all any art bill bob buck chase chip claire crystal
    dawn don faith frank gene grace grant guy hope ivy jack jay jean joy june justice kit lane lee mark max
    miles nick page pat penny ray rich rob rose ruby sandy summer sun sue terry tim tom vic victor will win
    wood young admin root test user ops dev deploy bot system service team""".split()  # noqa: SIM905 - a word list reads better as prose
)
_TOKEN = re.compile(r"@?[^\W\d_][\w]*(?:[.-][^\W_][\w]*)*")


@dataclass(frozen=True)
class _Directory:
    loose: frozenset[tuple[str, ...]]
    exact: frozenset[tuple[str, ...]]
    longest: int


@lru_cache(maxsize=64)
def _directory(people: tuple[str, ...]) -> _Directory:
    loose: set[tuple[str, ...]] = set()
    exact: set[tuple[str, ...]] = set()
    for person in people:
        words = tuple(_TOKEN.findall(person or ""))
        if not words:
            continue
        candidates = {words}
        if len(words) > 1:
            # People write "Priya" as often as "Priya Raman".
            candidates.update((word,) for word in words if len(word) >= 3)
        for candidate in candidates:
            lowered = tuple(word.lower().lstrip("@") for word in candidate)
            if len(candidate) == 1 and (lowered[0] in _COMMON_WORDS or len(lowered[0]) < 2):
                exact.add(tuple(word.lstrip("@") for word in candidate))
            else:
                loose.add(lowered)
    longest = max((len(name) for name in loose | exact), default=0)
    return _Directory(frozenset(loose), frozenset(exact), longest)


def _name_spans(text: str, directory: _Directory) -> list[tuple[int, int]]:
    if not directory.longest:
        return []
    tokens = [(m.start(), m.end(), m.group().lstrip("@")) for m in _TOKEN.finditer(text)]
    spans = []
    i = 0
    while i < len(tokens):
        for size in range(min(directory.longest, len(tokens) - i), 0, -1):
            window = tokens[i : i + size]
            # The words of a name sit next to each other, separated by spaces only.
            if any(not text[a[1] : b[0]].isspace() for a, b in zip(window, window[1:], strict=False)):
                continue
            words = tuple(token[2] for token in window)
            if tuple(word.lower() for word in words) in directory.loose or words in directory.exact:
                spans.append((window[0][0], window[-1][1]))
                i += size - 1
                break
        i += 1
    return spans


def _person_flags(text: str, people: tuple[str, ...]) -> list[Flag]:
    subjects: list[tuple[int, int, bool]] = [(start, end, True) for start, end in _name_spans(text, _directory(people))]
    subjects += [(m.start(), m.end(), True) for m in _ROLE.finditer(text)]
    subjects += [(m.start(), m.end(), True) for m in _PERSON_PRONOUN.finditer(text)]
    subjects += [(m.start(), m.end(), False) for m in _THEY.finditer(text)]

    flags = []
    for start, end, certainly_person in subjects:
        should = _SHOULD_HAVE_AFTER_PERSON.match(text, end)
        if should:
            flags.append(_flag(text, HINDSIGHT, start, should.end(), _SUGGEST_HINDSIGHT))
            continue
        predicate = (_PREDICATE if certainly_person else _HUMAN_ONLY).match(text, end)
        if predicate:
            pred = predicate.group("pred").lower()
            suggestion = _SUGGEST_PERSON_FORGOT if re.match(r"forg|neglect|didn|did not|never", pred) else None
            flags.append(_flag(text, PERSON_BLAME, start, predicate.end(), suggestion or _SUGGEST_PERSON))
            continue
        if not certainly_person:
            continue
        possessive = _POSSESSIVE_BLAME.match(text, end)
        if possessive:
            flags.append(_flag(text, PERSON_BLAME, start, possessive.end(), _SUGGEST_POSSESSIVE))
            continue
        before = _CAUSED_BY_BEFORE.search(text, max(0, start - 30), start)
        if before and not _KIND_AFTER_POSSESSIVE.match(text, end):
            flags.append(_flag(text, PERSON_BLAME, before.start(), end, _SUGGEST_PERSON))
    return flags


# --- the other rules ---------------------------------------------------------------------


def _judging_flags(text: str) -> list[Flag]:
    flags = []
    for match in _JUDGING.finditer(text):
        word = match.group().lower()
        if ("blam" in word or "fault" in word) and _NEGATED_BLAME.search(
            text, max(0, match.start() - 30), match.start()
        ):
            continue
        flags.append(
            _flag(text, JUDGING_WORD, match.start(), match.end(), _pick(_JUDGING_SUGGESTIONS, word, _JUDGING_DEFAULT))
        )
    return flags


def _hindsight_flags(text: str) -> list[Flag]:
    return [_flag(text, HINDSIGHT, m.start(), m.end(), _SUGGEST_HINDSIGHT) for m in _HINDSIGHT.finditer(text)]


def _question_flags(text: str, people: tuple[str, ...]) -> list[Flag]:
    flags = [_flag(text, WHO_QUESTION, m.start(), m.end(), _SUGGEST_WHY_YOU) for m in _WHY_QUESTION.finditer(text)]
    for match in _WHO_QUESTION.finditer(text):
        start = match.start("q") if match.group("q") else match.start()
        excerpt = text[start : match.end()]
        flags.append(_flag(text, WHO_QUESTION, start, match.end(), _pick(_WHO_SUGGESTIONS, excerpt, _WHO_DEFAULT)))
    # "Why didn't Priya …?" and "Why did the intern …?"
    subjects = _name_spans(text, _directory(people)) + [(m.start(), m.end()) for m in _ROLE.finditer(text)]
    for start, _end in subjects:
        why = _WHY_PERSON_TAIL.search(text, max(0, start - 40), start)
        if why:
            stop = re.compile(r"[?.!\n]|$").search(text, start)
            end = min(stop.end() if stop and stop.group() == "?" else stop.start(), start + 200)
            flags.append(_flag(text, WHO_QUESTION, why.start(), end, _SUGGEST_WHY_YOU))
    return flags


def _attention_flags(text: str) -> list[Flag]:
    flags = []
    for match in _ATTENTION_ALWAYS.finditer(text):
        clause = _CLAUSE_START.search(text, max(0, match.start() - 120), match.start())
        clause_start = clause.start() if clause else max(0, match.start() - 120)
        if _SYSTEM_SUBJECT.search(text, clause_start, match.start()):
            continue
        suggestion = _pick(_ATTENTION_SUGGESTIONS, match.group(), _ATTENTION_DEFAULT)
        flags.append(_flag(text, ATTENTION_REMEDY, match.start(), match.end(), suggestion))
    return flags


def _without_overlaps(flags: list[Flag]) -> list[Flag]:
    # The widest phrase wins: it carries the most specific advice ("the intern forgot" over "forgot").
    kept: list[Flag] = []
    for flag in sorted(flags, key=lambda f: (-(f.end - f.start), RULES.index(f.rule), f.start)):
        if flag.end > flag.start and all(flag.end <= k.start or flag.start >= k.end for k in kept):
            kept.append(flag)
    return sorted(kept, key=lambda f: f.start)


# --- the API -------------------------------------------------------------------------------


def check_text(text: str, people: Iterable[str] = ()) -> list[Flag]:
    """Flag blaming, judging, hindsight phrasing, who-questions and attention remedies in ``text``.

    ``people`` are names from the directory (see ``directory_names``); a name only matters
    when the text frames that person as the one who failed. Flags come in text order and
    never overlap.
    """
    if not text or not text.strip():
        return []
    people = tuple(sorted({p for p in people if p}))
    flags = (
        _person_flags(text, people)
        + _question_flags(text, people)
        + _attention_flags(text)
        + _hindsight_flags(text)
        + _judging_flags(text)
    )
    return _without_overlaps(flags)


def find_attention_remedy(text: str) -> Flag | None:
    """The first appeal to attention in ``text`` (an action item that is not a system change), or None."""
    if not text or not text.strip():
        return None
    flags = _without_overlaps(_attention_flags(text))
    return flags[0] if flags else None


DIRECTORY_CACHE_KEY = "postmortems:language:directory-names"
DIRECTORY_CACHE_SECONDS = 300


def directory_names() -> list[str]:
    """Display names and usernames of active people, cached for a few minutes, to pass as ``people``."""
    from django.core.cache import cache

    names = cache.get(DIRECTORY_CACHE_KEY)
    if names is None:
        from accounts.models import User

        names = set()
        for username, display_name, first, last in User.objects.filter(is_active=True).values_list(
            "username", "display_name", "first_name", "last_name"
        ):
            names.add(username)
            if display_name:
                names.add(display_name)
            full = f"{first} {last}".strip()
            if full:
                names.add(full)
        names = sorted(names)
        cache.set(DIRECTORY_CACHE_KEY, names, DIRECTORY_CACHE_SECONDS)
    return names
