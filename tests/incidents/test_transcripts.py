"""The transcript parser: each format, and properties that hold for any paste."""

import json
import zoneinfo
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.transcripts import measure, parse_transcript

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 1)


def parse(text, tz=BERLIN):
    return parse_transcript(text, day=DAY, tz=tz)


def test_time_only_lines_take_the_given_day_and_zone():
    result = parse("[14:02] priya: checkout latency is up\n[14:05:30] jonas: rolling back 4f2a")
    assert result.format == "chat"
    assert [(e.occurred_at, e.speaker, e.text) for e in result.entries] == [
        (datetime(2026, 3, 1, 14, 2, tzinfo=BERLIN), "priya", "checkout latency is up"),
        (datetime(2026, 3, 1, 14, 5, 30, tzinfo=BERLIN), "jonas", "rolling back 4f2a"),
    ]
    assert result.entries[0].entry_text == "priya: checkout latency is up"
    assert result.unparsed == []


def test_time_only_lines_roll_over_midnight():
    result = parse("[23:58] sam: paging platform\n[00:03] sam: platform joined\n[00:01] maya: slightly out of order")
    days = [e.occurred_at.date() for e in result.entries]
    assert days == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 2)]


def test_full_timestamps_with_seconds_zone_and_t_separator():
    result = parse(
        "2026-03-01 14:02:11 priya: error rate 4%\n"
        "2026-03-01T13:10:00Z alerting: CheckoutErrors firing\n"
        "2026-03-01 15:00+02:00 sam: status page updated"
    )
    assert [e.occurred_at for e in result.entries] == [
        datetime(2026, 3, 1, 14, 2, 11, tzinfo=BERLIN),
        datetime(2026, 3, 1, 13, 10, tzinfo=UTC),
        datetime(2026, 3, 1, 13, 0, tzinfo=UTC),
    ]
    assert result.entries[1].speaker == "alerting"


def test_irc_style_speaker_and_lines_without_speaker():
    result = parse("[14:02] <priya> looking at the dashboards\n[14:03] deploy 812 finished")
    assert [(e.speaker, e.text) for e in result.entries] == [
        ("priya", "looking at the dashboards"),
        ("", "deploy 812 finished"),
    ]


def test_a_url_is_not_taken_for_a_speaker():
    result = parse("[14:02] https://grafana.example.com/d/checkout")
    assert result.entries[0].speaker == ""
    assert result.entries[0].text == "https://grafana.example.com/d/checkout"


def test_indented_lines_continue_the_previous_message():
    result = parse("[14:02] priya: stack trace:\n    at Checkout.pay\n    at Gateway.call\n[14:03] jonas: thanks")
    assert result.entries[0].text == "stack trace:\nat Checkout.pay\nat Gateway.call"
    assert result.entries[0].lines == (1, 2, 3)
    assert result.entries[1].lines == (4,)


def test_unreadable_lines_are_kept_with_a_reason():
    result = parse(
        "joined the channel\n[25:61] priya: impossible time\n[14:02]\n2026-02-30 10:00 sam: no such day\n"
        "[14:04] jonas: fine\n   indented after a good line"
    )
    assert [(u.line, u.reason) for u in result.unparsed] == [
        (1, "No time at the start of the line."),
        (2, "The time is not a real one."),
        (3, "There is no message after the time."),
        (4, "The date or time is not a real one."),
    ]
    assert result.unparsed[0].text == "joined the channel"
    assert result.entries[0].lines == (5, 6)


def test_an_indented_line_after_an_unreadable_one_is_not_glued_to_an_earlier_entry():
    result = parse("[14:02] priya: one\nnoise\n   indented")
    assert result.entries[0].lines == (1,)
    assert [u.line for u in result.unparsed] == [2, 3]


def test_slack_export_list_and_wrapped_forms():
    messages = [
        {"type": "message", "ts": "1772370131.000200", "user": "U1", "text": "checkout errors <!here>",
         "user_profile": {"real_name": "Priya Raman"}},
        {"type": "message", "subtype": "channel_join", "ts": "1772370140.0", "user": "U2", "text": ""},
        {"type": "message", "ts": "not a time", "text": "broken"},
        {"type": "message", "ts": "1772370200", "username": "grafana",
         "text": "Alert: <https://grafana.example.com/d/1|Checkout errors> &gt; 5%"},
    ]  # fmt: skip
    for pasted in (json.dumps(messages), json.dumps({"messages": messages})):
        result = parse(pasted)
        assert result.format == "slack"
        assert [(e.speaker, e.text, e.lines) for e in result.entries] == [
            ("Priya Raman", "checkout errors <!here>", (1,)),
            ("grafana", "Alert: Checkout errors (https://grafana.example.com/d/1) > 5%", (4,)),
        ]
        assert result.entries[0].occurred_at == datetime.fromtimestamp(1772370131.0002, tz=UTC)
        assert [(u.line, u.reason) for u in result.unparsed] == [
            (2, "The message has no text."),
            (3, "The message has no readable time (ts)."),
        ]


def test_json_that_is_not_a_slack_export_is_read_as_lines():
    result = parse("[1, 2, 3]")
    assert result.format == "chat"
    assert [u.line for u in result.unparsed] == [1]


def test_empty_paste():
    assert parse("  \n\n").format == "empty"


def test_measure_counts_bytes_and_lines():
    assert measure("ä\nb\n") == (5, 2)  # ä is two bytes in UTF-8


# --- properties ------------------------------------------------------------------------------------

line_shapes = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda h, m, name, text: f"[{h}:{m:02d}] {name}: {text}",
        st.integers(0, 30), st.integers(0, 70), st.text(max_size=10), st.text(max_size=30),
    ),
    st.builds(
        lambda y, mo, d, h, text: f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:00:00 {text}",
        st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25), st.text(max_size=30),
    ),
    st.builds(lambda text: "   " + text, st.text(max_size=30)),
)  # fmt: skip
zones = st.sampled_from([UTC, BERLIN, zoneinfo.ZoneInfo("Pacific/Kiritimati"), zoneinfo.ZoneInfo("America/St_Johns")])
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(line_shapes, max_size=25), day=days, tz=zones)
def test_any_paste_parses_without_error_and_every_line_is_accounted_for(lines, day, tz):
    text = "\n".join(lines)
    result = parse_transcript(text, day=day, tz=tz)
    if result.format == "slack":
        return  # a generated paste that happens to be a JSON export is covered by the next property
    non_blank = {number for number, line in enumerate(text.splitlines(), start=1) if line.strip()}
    in_entries = [number for entry in result.entries for number in entry.lines]
    in_unparsed = [u.line for u in result.unparsed]
    assert sorted(in_entries + in_unparsed) == sorted(non_blank)  # each line exactly once
    for entry in result.entries:
        assert entry.text.strip()
        assert entry.occurred_at.tzinfo is not None
    for unparsed in result.unparsed:
        assert unparsed.reason and unparsed.text == text.splitlines()[unparsed.line - 1]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
slack_messages = st.fixed_dictionaries(
    {},
    optional={
        "ts": st.one_of(st.text(max_size=12), st.floats(), st.integers(), json_values,
                        st.integers(-10**12, 10**11).map(str)),
        "text": st.one_of(st.text(max_size=40), json_values),
        "user": json_values,
        "user_profile": json_values,
        "subtype": st.text(max_size=10),
    },
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(st.one_of(slack_messages, json_values), min_size=1, max_size=12), wrapped=st.booleans())
def test_any_json_paste_parses_without_error_and_every_message_is_accounted_for(messages, wrapped):
    text = json.dumps({"messages": messages} if wrapped else messages)
    result = parse_transcript(text, day=DAY, tz=UTC)
    if result.format == "slack":
        numbers = sorted([n for e in result.entries for n in e.lines] + [u.line for u in result.unparsed])
        assert numbers == list(range(1, len(messages) + 1))
    else:  # a list of non-messages is read as plain lines
        assert result.format == "chat"


@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    parse_transcript(text, day=DAY, tz=BERLIN)
