"""The blameless language guide: rules, offsets, advice, and the measured corpus."""

import pytest

from postmortems.language import Flag, check_text, find_attention_remedy

PEOPLE = ["Priya Raman", "priya", "Jonas Berg", "jonas", "Sam Lindqvist", "sam"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Priya broke the deploy.", "person_blame"),
        ("The intern forgot to run the migration.", "person_blame"),
        ("This was human error.", "judging_word"),
        ("We should have known the replica was lagging.", "hindsight"),
        ("Who approved this?", "who_question"),
        ("Next time we will be more careful.", "attention_remedy"),
    ],
)
def test_each_rule_flags_its_phrasing(text, rule):
    flags = check_text(text, PEOPLE)
    assert [flag.rule for flag in flags] == [rule]
    flag = flags[0]
    assert text[flag.start : flag.end] == flag.excerpt
    assert flag.why and flag.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "Priya joined the call at 02:20.",
        "The on-call engineer paged the database team.",
        "The deploy failed to complete.",
        "The alert should fire when the queue backs up.",
        "We should add a test.",
    ],
)
def test_plain_facts_are_left_alone(text):
    assert check_text(text, PEOPLE) == []


def test_attention_remedy_for_action_items():
    assert isinstance(find_attention_remedy("Remind engineers to double-check the region"), Flag)
    assert find_attention_remedy("Add a CI check that blocks deploys without review") is None
