"""The blameless language guide: each rule, its advice and offsets, the directory, speed, and the corpus."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.remedies import check_remedy, is_null_remedy
from postmortems import language
from postmortems.language import Flag, check_text, directory_names, find_attention_remedy, read_language, tokens
from postmortems.language.clauses import SentenceReader, _findings_in
from postmortems.language.remedies import _prose_remedies_in
from postmortems.language.tokens import chunks, sentences_in
from tests.factories import UserFactory

PEOPLE = ["Priya Raman", "priya", "Jonas Berg", "jonas", "Sam Lindqvist", "sam"]

CORPUS = Path(__file__).with_name("language_corpus.tsv")
# The directory the corpus is checked against: the test cast plus the other names its sentences use.
CORPUS_PEOPLE = [
    *["Priya Raman", "priya", "Jonas Berg", "jonas", "Sam Lindqvist", "sam", "Maya Chen", "maya"],
    *["Alex Morgan", "alex", "Otto Nieminen", "otto", "Lena Fischer", "lena", "Ravi Patel", "ravi"],
    *["Aiko Tanaka", "aiko", "Grace Okafor", "grace", "Mark Davies", "mdavies", "Will Turner", "wturner"],
]


REMEDY_CORPUS = Path(__file__).with_name("remedy_corpus.tsv")
_BATCH = re.compile(r"^# batch (?P<batch>\d+)(?: \((?P<header>[^)]*)\))?")
_FIRST_SIGHT = re.compile(
    r"first sight: (?:precision (?P<precision>[\d.]+), )?recall (?P<recall>[\d.]+)(?:, real fixes refused (?P<refused>[\d.]+))?"
)


def _read_corpus(path):
    """(rows, first sight by batch): rows are (line number, batch, label, text); a batch's header line
    carries the figures measured before any rule was changed for it (batches 12 on, and the remedy corpus)."""
    rows, batch, first_sight = [], "", {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        header = _BATCH.match(line)
        if header:
            batch = header.group("batch")
            recorded = _FIRST_SIGHT.search(header.group("header") or "")
            if recorded:
                first_sight[batch] = {name: float(value) for name, value in recorded.groupdict().items() if value}
        elif line.strip() and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((number, batch, label, text))
    return rows, first_sight


def _corpus():
    """(line number, batch, label, sentence) for each labelled sentence."""
    return _read_corpus(CORPUS)[0]


def rules(text, people=PEOPLE):
    return [(flag.rule, flag.excerpt) for flag in check_text(text, people)]


# --- each rule: what it flags, what it leaves alone ------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Priya broke the deploy.", "Priya broke"),
        ("At 02:10 the intern forgot to run the migration.", "the intern forgot"),
        ("The on-call engineer failed to acknowledge the page.", "The on-call engineer failed to acknowledge"),
        ("It was Jonas's mistake.", "Jonas's mistake"),
        ("It was Jonas’ mistake.", "Jonas’ mistake"),
        ("The outage was caused by Sam.", "caused by Sam"),
        ("The DBA dropped the wrong table.", "The DBA dropped the wrong"),
        ("Priya Raman didn't follow the runbook.", "Priya Raman didn't follow"),
        ("Root cause: the new hire ran the cleanup job.", "Root cause: the new hire"),
        ("Someone forgot to renew the certificate.", "Someone forgot"),
        ("The outage was X's mistake.", "X's mistake"),
        ("The fault lies with the platform team.", "The fault lies with the platform team"),
    ],
)
def test_person_blame_marks_the_person_and_the_failure(text, excerpt):
    flags = check_text(text, PEOPLE)
    assert [(flag.rule, flag.excerpt) for flag in flags] == [("person_blame", excerpt)]
    assert text[flags[0].start : flags[0].end] == excerpt
    assert flags[0].suggestion.startswith(("Describe", "Name the change"))


@pytest.mark.parametrize(
    "text",
    [
        "Priya joined the call at 02:20.",
        "The on-call engineer paged the database team.",
        "The deploy failed to complete.",
        "Jonas rolled back the release and error rates recovered.",
        "Sam didn't know the flag also controlled the EU region.",
        "Thanks to Priya's quick rollback, impact stayed under ten minutes.",
        "The engineer who was paged first joined at 02:14.",
        "Priya was responsible for the migration project.",
        "A schema change broke the nightly report.",
        "Priya's error budget dashboard turned red at 02:10.",
        "Kafka's error log showed the rebalance.",
    ],
)
def test_facts_about_people_are_left_alone(text):
    assert rules(text) == []


def test_a_name_counts_when_the_directory_or_a_given_name_list_knows_it_or_no_dictionary_does():
    assert rules("Priya broke the deploy.", people=["Priya Raman"]) == [("person_blame", "Priya broke")]
    # Given names the directory does not know, and words no dictionary knows, written like a name.
    assert rules("Svetlana broke the deploy.", people=[]) == [("person_blame", "Svetlana broke")]
    assert rules("Quillon broke the deploy.", people=[]) == [("person_blame", "Quillon broke")]
    # Systems, and capitalised ordinary words, are not people.
    assert rules("Kafka broke the consumer group.", people=[]) == []
    assert rules("Checkout broke after the deploy.", people=[]) == []
    # Machines do not forget: an unknown capitalised name with a verb only people do is still a person.
    assert rules("Bob forgot to renew the certificate.", people=[]) == [("person_blame", "Bob forgot")]
    assert rules("Kafka failed to elect a leader.", people=[]) == []


def test_names_that_are_ordinary_words_need_their_capitals():
    people = ["Will Turner", "will"]
    assert rules("Will forgot to drain the node.", people) == [("person_blame", "Will forgot")]
    assert rules("Will broke the build.", people) == [("person_blame", "Will broke")]
    assert rules("The job will fail to start without the secret.", people) == []
    assert rules("Will joined the call from Berlin.", people) == []
    # Usernames of service accounts read as words, not as people.
    assert rules("The build broke after the base image changed.", ["build", "jenkins", "Deploy Bot"]) == []
    assert rules("jenkins broke the build", ["jenkins"]) == []


def test_usernames_and_first_names_from_the_directory():
    assert rules("@jonas broke staging", PEOPLE) == [("person_blame", "@jonas broke")]
    assert rules("jonas broke staging", PEOPLE) == [("person_blame", "jonas broke")]
    assert rules("Berg broke staging", PEOPLE) == [("person_blame", "Berg broke")]
    assert rules("jonas-berg broke staging", PEOPLE) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("This was human error.", "human error"),
        ("A careless change to the retry policy.", "careless"),
        ("The rollout was reckless.", "reckless"),
        ("It was a stupid mistake.", "stupid mistake"),
        ("Root cause: operator error.", "operator error"),
        ("It was entirely their fault.", "their fault"),
        ("We keep blaming the tooling.", "blaming"),
        ("The fat-finger in the CLI took out the cache.", "fat-finger"),
    ],
)
def test_judging_words(text, excerpt):
    assert rules(text) == [("judging_word", excerpt)]


@pytest.mark.parametrize(
    "text",
    [
        "The queue is fault-tolerant, so no messages were lost.",
        "We ran a fault injection test.",
        "git blame shows the timeout changed in March.",
        "The page uses lazy loading for images.",
        "We agreed on a blameless format.",
        "Nobody is to blame; the system allowed a one-character change to take down checkout.",
        "It was nobody's fault.",
        "A faulty disk on db-3 stalled replication.",
        "The proxy is a dumb pipe; the retries come from the client.",
        "Cassandra answered from a sloppy quorum.",
        "The disk reported its fault code to the controller.",
    ],
)
def test_technical_and_blameless_uses_of_judging_words_are_left_alone(text):
    assert rules(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("We should have known the replica was lagging.", "We should have known"),
        ("Obviously the new timeout was far too low.", "Obviously"),
        ("The fix simply needed to restart the consumer.", "simply needed to"),
        ("It was easy to see that the queue would overflow.", "It was easy to see"),
        ("In hindsight, the retry limit was too high.", "In hindsight"),
        ("This could easily have been avoided.", "could easily have been avoided"),
        ("If Jonas had waited for the canary, none of this would have happened.", "If Jonas had waited"),
        ("Priya should have checked the region.", "Priya should have checked"),
    ],
)
def test_hindsight(text, excerpt):
    assert rules(text) == [("hindsight", excerpt)]


@pytest.mark.parametrize(
    "text",
    [
        "The alert should fire when the queue backs up for five minutes.",
        "We should add a test for the empty cart.",
        "The alert should have fired at 02:00 but its threshold was above the peak.",
        "It was not obvious from the logs that two deploys were running.",
        "The interaction between retries and timeouts was non-obvious.",
        "The dashboard did not clearly show replication lag.",
        "If the alert had fired earlier, we would have recovered sooner.",
        "We should have a runbook for this.",
        "Priya should have access to the payments dashboard.",
        "The new dashboard makes it easy to see lag per shard.",
        "Aiko had never operated the failover tool before, and its help text was empty.",
    ],
)
def test_specifications_and_system_counterfactuals_are_not_hindsight(text):
    assert rules(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt", "advice"),
    [
        ("Who approved this change?", "Who approved this change?", "How did this change reach production"),
        ("We need to find out who pushed the config.", "who pushed the config", "How did the pipeline"),
        ("Who is responsible for the outage?", "Who is responsible for the outage?", "Which safeguard"),
        ("Why did you restart the primary?", "Why did you restart the primary?", "What made that look"),
        ("Why didn't Priya page the DBA?", "Why didn't Priya page the DBA?", "What made that look"),
        ("Whose fault was it?", "Whose fault was it?", "Which safeguard"),
    ],
)
def test_who_and_why_you_questions_get_a_how_question(text, excerpt, advice):
    flags = check_text(text, PEOPLE)
    assert [(flag.rule, flag.excerpt) for flag in flags] == [("who_question", excerpt)]
    assert advice in flags[0].suggestion


@pytest.mark.parametrize(
    "text",
    [
        "How did the change reach production without a review?",
        "Why did the health check pass while the service returned errors?",
        "People who were on the call agreed to pause deploys.",
        "Who owns the billing exporter is now in the service catalogue.",
        "Who was affected, and for how long?",
        "Who: Priya and Jonas",
    ],
)
def test_how_questions_and_relative_who_are_left_alone(text):
    assert rules(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Be more careful when running migrations.", "Be more careful"),
        ("Engineers will pay more attention to the deploy output.", "pay more attention"),
        ("Double-check the target environment next time.", "Double-check the target environment next time"),
        ("Remind everyone to check the feature flags.", "Remind everyone to"),
        ("Retrain the on-call rotation.", "Retrain the on-call"),
        ("We will try harder.", "try harder"),
        ("Don't do it again.", "Don't do it again"),
        ("Reviewers should read diffs more carefully.", "read diffs more carefully"),
        ("We will remind people.", "remind people"),
    ],
)
def test_attention_remedies(text, excerpt):
    flags = check_text(text, PEOPLE)
    assert [(flag.rule, flag.excerpt) for flag in flags] == [("attention_remedy", excerpt)]
    assert find_attention_remedy(text) == flags[0]
    assert re.search(r"test|guardrail|alert|checklist|CI|tool", flags[0].suggestion)


@pytest.mark.parametrize(
    "text",
    [
        "Add a CI check that blocks merges without an approving review.",
        "Make the deploy command print the target environment and ask for confirmation.",
        "Alert 30 days before any certificate expires.",
        "The tool is careful to lock the table only for the final rename.",
        "We were careful to keep the old endpoint running.",
        "The new dashboard draws attention to the slowest shard.",
        "The deploy tool should double-check the region before it runs.",
    ],
)
def test_system_changes_are_not_attention_remedies(text):
    assert find_attention_remedy(text) is None
    assert rules(text) == []


def test_find_attention_remedy_looks_only_for_appeals_to_attention():
    assert find_attention_remedy("") is None
    assert find_attention_remedy("Fix Priya's mistake in the config") is None
    flag = find_attention_remedy("Add an alert, and remind engineers to check the flag, and be careful")
    assert (flag.rule, flag.excerpt) == ("attention_remedy", "remind engineers to")


# --- flags as a whole ----------------------------------------------------------------------------


def test_flags_come_in_text_order_without_overlaps_and_explain_themselves():
    text = (
        "Summary: checkout was down for 38 minutes.\n\n"
        "Priya joined at 02:20. The intern forgot to run the migration, which was careless. "
        "Obviously we should have known. Who approved this? Next time, be more careful."
    )
    flags = check_text(text, PEOPLE)
    assert [flag.rule for flag in flags] == [
        "person_blame",
        "judging_word",
        "hindsight",
        "hindsight",
        "who_question",
        "attention_remedy",
    ]
    for flag in flags:
        assert text[flag.start : flag.end] == flag.excerpt
        assert flag.why.endswith(".") and flag.suggestion
    assert all(a.end <= b.start for a, b in zip(flags, flags[1:], strict=False))


def test_markdown_emphasis_and_asides_do_not_hide_blame():
    assert rules("**Priya** broke the deploy.") == [("person_blame", "Priya** broke")]
    assert rules("The outage was caused by *Jonas*.") == [("person_blame", "caused by *Jonas*")]
    assert rules("Sam, once again, forgot to hand over.") == [("person_blame", "Sam, once again, forgot")]
    assert rules("- Who approved this?") == [("who_question", "Who approved this?")]


def test_advice_fits_what_the_person_is_said_to_have_done():
    missed, forgot, broke = (
        check_text(text, PEOPLE)[0]
        for text in ("Jonas didn't notice the alert.", "Jonas forgot to renew it.", "Jonas broke checkout.")
    )
    assert "signal" in missed.suggestion
    assert "left to memory" in forgot.suggestion
    assert broke.suggestion.startswith("Describe what the system let happen")
    assert len({missed.suggestion, forgot.suggestion, broke.suggestion}) == 3


def test_the_widest_phrase_wins_an_overlap():
    # "failed to notice" alone is hindsight; with the role in front it is about the person.
    assert rules("The on-call person failed to notice the lag.") == [
        ("person_blame", "The on-call person failed to notice")
    ]


def test_key_is_stable_across_edits_elsewhere_and_spelling_of_space_and_case():
    first = check_text("Priya broke the deploy.", PEOPLE)[0]
    moved = check_text("At 02:10, after the alert,   PRIYA  broke the deploy again!", PEOPLE)[0]
    assert first.key == moved.key == "person_blame:priya broke"
    assert first.start != moved.start
    curly = check_text("It was Jonas’s mistake.", PEOPLE)[0]
    straight = check_text("it was jonas's mistake", PEOPLE)[0]
    assert curly.key == straight.key
    assert check_text("Who approved this?")[0].key != check_text("Who merged this?")[0].key


def test_key_fits_the_dismissal_column_even_for_a_long_excerpt():
    words = " ".join(["the", "retry", "budget", "and", "the", "pool"] * 30)
    question = check_text(f"Why didn't Priya see that {words}?", PEOPLE)[0]
    assert question.rule == "who_question" and len(question.excerpt) <= 200 and len(question.key) <= 200

    def key(excerpt):
        return Flag("who_question", 0, len(excerpt), excerpt, "why", "suggestion").key

    long_excerpt = f"Why didn't Priya see that {words}?"
    assert len(key(long_excerpt)) == 200 and key(long_excerpt).startswith("who_question:why didn t priya see")
    assert key(long_excerpt) == key(long_excerpt.upper())
    assert key(long_excerpt) != key(long_excerpt.replace("pool?", "cache?"))


def test_empty_and_blank_text():
    assert check_text("") == []
    assert check_text(" \n\t ") == []


def test_flags_are_immutable_values():
    flag = check_text("This was human error.")[0]
    assert isinstance(flag, Flag)
    with pytest.raises(AttributeError):
        flag.rule = "ok"
    assert flag == check_text("This was human error.")[0]
    # The guide makes its flags without the dataclass's constructor: they are the values it would make.
    made = Flag(**flag.as_dict())
    assert (flag, hash(flag), repr(flag)) == (made, hash(made), repr(made))
    moved = check_text("Fine. This was human error.")[0]
    assert moved == Flag(**{**flag.as_dict(), "start": flag.start + 6, "end": flag.end + 6})


# --- the directory --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_directory_names_lists_active_people_and_is_cached(engineer, teammate, django_assert_num_queries):
    UserFactory(username="gone", display_name="Gone Person", is_active=False)
    UserFactory(username="kim", display_name="", first_name="Kim", last_name="Park")

    with django_assert_num_queries(1):
        names = directory_names()
    assert {"priya", "Priya Raman", "jonas", "Jonas Berg", "kim", "Kim Park"} <= set(names)
    assert "gone" not in names and "Gone Person" not in names

    with django_assert_num_queries(0):
        assert directory_names() == names  # kept in the cache (and briefly in the process)

    UserFactory(username="newcomer")  # someone joins: the next check reads the directory afresh
    assert "newcomer" in directory_names()
    assert rules("Priya Raman broke the deploy.", directory_names()) == [("person_blame", "Priya Raman broke")]


# --- robustness and speed ----------------------------------------------------------------------------

_CORPUS_WORDS = sorted({word for *_, sentence in _corpus() for word in sentence.split()})


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.lists(st.sampled_from(_CORPUS_WORDS + ["\n", "?", "'s", "’", "İ", "Will", "@priya"]), max_size=60).map(
            " ".join
        ),
    ),
    people=st.lists(st.one_of(st.text(max_size=20), st.sampled_from(PEOPLE)), max_size=5),
)
def test_check_text_never_raises_and_offsets_stay_in_the_text(text, people):
    flags = check_text(text, people)
    position = 0
    for flag in flags:
        assert 0 <= position <= flag.start < flag.end <= len(text)
        assert text[flag.start : flag.end] == flag.excerpt
        assert flag.excerpt == flag.excerpt.strip()
        assert flag.key.startswith(flag.rule + ":") and len(flag.key) <= 200 and len(flag.excerpt) <= 300
        position = flag.end
    remedy = find_attention_remedy(text)
    assert remedy is None or remedy.rule == "attention_remedy"


# Where a sentence ends, said one character at a time: the definition ``chunks`` must keep.
_SENTENCE_BY_CHARACTER = re.compile(
    r"\S[^\n]*?(?:(?:(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bMx)\.|[!?;])(?=\s|$)|(?=\n)|$)"
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "Mr", "Mrs", "Dr", "Ms", "Mx", "xMr", ".", "!", "?", ";", " ", "\n", "\t", "e.g.", "’"]),
        max_size=40,
    ).map("".join)
)
def test_sentences_end_where_they_did_when_read_a_character_at_a_time(text):
    pieces = list(chunks(text))
    assert pieces == [(match.start(), match.group()) for match in _SENTENCE_BY_CHARACTER.finditer(text)]
    # A piece cut again is itself alone: the guide reads each piece without cutting it a second time.
    assert all(list(chunks(piece)) == [(0, piece)] for _, piece in pieces)


def _sentences_cut_whole(text):
    """The sentences of ``text`` with its tokens found by one pass of the token pattern over the whole text."""
    sentences, current = [], []
    for match in tokens._TOKEN.finditer(text):
        for offset, _length, word, low, lem, capital in tokens._word_parts(match[0]):
            if (
                low == "."
                and current
                and current[-1][1] in ("mr", "mrs", "ms", "mx", "dr", "mister", "missus", "madam")
            ):
                continue
            if low in (".", "!", "?", ";", "\n"):
                if low != "\n":
                    current.append((word, low, lem, match.start() + offset, capital))
                if current:
                    sentences.append(current)
                current = []
            else:
                current.append((word, low, lem, match.start() + offset, capital))
    return sentences + [current] if current else sentences


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["a", "Jonas", "s", "'", "’", "-", "@", "1", ":", ".", "%", ",", " ", "\n", "\t", "\u2003", "Mr", "é²"]
        ),
        max_size=30,
    ).map("".join)
)
def test_pieces_between_spaces_give_the_tokens_the_text_cut_whole_gives(text):
    # Each piece between spaces is cut into tokens once and kept; the tokens are those of the whole text.
    cut = [list(zip(s.texts, s.lows, s.lemmas, s.starts, s.capitals, strict=True)) for s in tokens.sentences_of(text)]
    assert cut == _sentences_cut_whole(text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 4000,
        "the " * 1000,
        " " * 3990 + "who broke it?",
        "Priya " * 660,
        "why did you " * 330,
        "should have " * 330,
        "remind the team " * 250,
        "-" * 4000,
    ],
    ids=["one-word", "the", "spaces", "names", "why", "should", "remind", "dashes"],
)
def test_pathological_text_is_checked_without_error(text):
    # Text made of nothing but triggers; benchmarks/language.py measures how long it takes.
    flags = check_text(text, PEOPLE)
    assert all(0 <= flag.start < flag.end <= len(text) for flag in flags)


# --- the measured corpus ---------------------------------------------------------------------------------


def _figures(rows):
    """Precision and recall of "has at least one flag", and the sentences counted wrong."""
    true_pos = false_pos = false_neg = right_rule = 0
    wrong = []
    for number, _batch, label, sentence in rows:
        flags = check_text(sentence, CORPUS_PEOPLE)
        if label == "ok" and flags:
            false_pos += 1
            wrong.append(f"line {number}, flagged plain text: {sentence} -> {[flag.excerpt for flag in flags]}")
        elif label != "ok" and flags:
            true_pos += 1
            right_rule += label in {flag.rule for flag in flags}
        elif label != "ok":
            false_neg += 1
            wrong.append(f"line {number}, missed {label}: {sentence}")
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    return precision, recall, right_rule / max(true_pos, 1), wrong


def test_corpus_is_large_balanced_and_labelled_with_known_rules():
    rows = _corpus()
    labels = [label for _, _, label, _ in rows]
    blameful = sum(label != "ok" for label in labels)
    assert len(rows) >= 200
    assert 0.4 <= blameful / len(rows) <= 0.6
    assert set(labels) == {"ok", "person_blame", "judging_word", "hindsight", "who_question", "attention_remedy"}
    assert len({sentence for *_, sentence in rows}) == len(rows), "a sentence appears twice"
    assert all(batch for _, batch, _, _ in rows)


def _forget_readings():
    for cached in (language._checked_sentence, _findings_in, _prose_remedies_in, sentences_in):
        cached.cache_clear()


def test_the_readers_shortcuts_never_change_a_reading(monkeypatch):
    """A reading skips a sentence without any of its starting words; read word by word instead, every
    sentence of both corpora gets the same notes."""
    texts = [text for _, _, _, text in _corpus() + _read_corpus(REMEDY_CORPUS)[0]]
    _forget_readings()
    with_shortcuts = [check_text(text, CORPUS_PEOPLE) for text in texts]
    monkeypatch.setattr(SentenceReader, "mentions", lambda reader, words: True)
    _forget_readings()
    try:
        assert [check_text(text, CORPUS_PEOPLE) for text in texts] == with_shortcuts
    finally:
        _forget_readings()


def test_corpus_precision_and_recall():
    """Overall figures now, and the latest batch's figures as recorded at first sight (before any rule changed)."""
    rows, first_sight = _read_corpus(CORPUS)
    precision, recall, right_rule, wrong = _figures(rows)
    figures = (
        f"blame corpus of {len(rows)} sentences: precision {precision:.3f}, recall {recall:.3f} now; "
        f"the expected rule is among the flags for {right_rule:.1%} of the flagged sentences"
    )
    for batch in dict.fromkeys(batch for _, batch, _, _ in rows):
        in_batch = [row for row in rows if row[1] == batch]
        batch_precision, batch_recall, _, _ = _figures(in_batch)
        seen = first_sight.get(batch)
        at_first = f"; first sight {seen['precision']:.3f} / {seen['recall']:.3f}" if seen else ""
        figures += f"\n  batch {batch} ({len(in_batch)}): now {batch_precision:.3f} / {batch_recall:.3f}{at_first}"
    latest = max(first_sight, key=int)
    figures += (
        f"\nlatest batch {latest} at first sight: precision {first_sight[latest]['precision']:.3f}, "
        f"recall {first_sight[latest]['recall']:.3f}"
    )
    print("\n" + figures + "".join(f"\n  {line}" for line in wrong))
    assert len(rows) >= 2000
    assert precision >= 0.97 and recall >= 0.97, figures + "".join(f"\n  {line}" for line in wrong)
    assert latest == max((batch for _, batch, _, _ in rows), key=int), "the last batch has no first-sight figures"


def test_latest_batch_met_the_target_at_first_sight():
    # Batches 22, 24, 26 and 27 stay on record below target at first sight; each was followed by rules
    # widened in general terms and a fresh batch, and the latest is read here as it was recorded.
    _rows, first_sight = _read_corpus(CORPUS)
    latest = first_sight[max(first_sight, key=int)]
    assert latest["precision"] >= 0.9 and latest["recall"] >= 0.9, latest


def test_remedy_corpus_recall_and_real_fixes_refused():
    """Null remedies are refused; real fixes are not. Overall now, and the latest batch at first sight."""
    rows, first_sight = _read_corpus(REMEDY_CORPUS)
    assert len(rows) >= 400
    nulls = [text for _, _, label, text in rows if label == "null"]
    reals = [text for _, _, label, text in rows if label == "real"]
    assert 0.45 <= len(nulls) / len(rows) <= 0.55 and len(nulls) + len(reals) == len(rows)
    assert len(set(nulls + reals)) == len(rows), "a title appears twice"
    missed = [text for text in nulls if not is_null_remedy(text)]
    refused = [text for text in reals if is_null_remedy(text)]
    recall, refused_share = 1 - len(missed) / len(nulls), len(refused) / len(reals)
    latest = max(first_sight, key=int)
    figures = (
        f"remedy corpus of {len(rows)} titles: recall {recall:.3f}, real fixes refused {refused_share:.3f} now; "
        f"latest batch {latest} at first sight: recall {first_sight[latest]['recall']:.3f}, "
        f"real fixes refused {first_sight[latest]['refused']:.3f}"
    )
    print("\n" + figures + "".join(f"\n  missed: {t}" for t in missed) + "".join(f"\n  refused: {t}" for t in refused))
    assert recall >= 0.95 and refused_share <= 0.02, figures
    assert first_sight[latest]["recall"] >= 0.9 and first_sight[latest]["refused"] <= 0.02, figures


def test_a_refused_remedy_says_why_and_offers_a_system_change():
    verdict = check_remedy("Deploy more carefully on Fridays")
    assert verdict.refused and verdict.excerpt == "more carefully"
    assert "not a fix" in verdict.explanation and verdict.suggestion
    assert check_remedy("Remind everyone to double-check the region before deploying").rewrite.startswith(
        "Make the tooling check the region"
    )
    assert not check_remedy("Make the deploy CLI print the target region and require typing it to confirm").refused


@pytest.mark.parametrize(
    ("text", "rewrite"),
    [
        ("Tomás's push took the payments API offline.", "Our push took the payments API offline."),
        ("At 02:10 the intern forgot to run the migration.", "At 02:10 we forgot to run the migration."),
        (
            "Ingrid ought to have checked the replica lag before failing over.",
            "What would have helped us check the replica lag before failing over at that moment?",
        ),
        ("Why did you restart the primary?", "What made restarting the primary look like the right step at the time?"),
        ("Honestly Deepa is the reason checkout went down.", "How did it happen that checkout went down?"),
    ],
)
def test_a_better_framing_rewrites_the_writers_own_sentence(text, rewrite):
    flag = check_text(text, [])[0]
    assert flag.rewrite == rewrite
    assert text[flag.rewrite_start : flag.rewrite_end] == text.strip()


def test_text_in_a_language_the_guide_cannot_read_is_not_checked_never_clean():
    german = read_language("Der Dienst ist ausgefallen, weil niemand die Warnung rechtzeitig gesehen hat.")
    assert (german.checked, german.flags, german.language) == (False, [], "de")
    english = read_language("The deploy went out at 02:10 and the consumer lag grew for an hour.")
    assert english.checked and english.flags == []
    assert read_language("p99 up, k8s HPA 3->12").checked  # too short to tell: read as it is
