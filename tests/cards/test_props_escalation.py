"""Properties of the escalation form's way back in, and of what support then sees.

Slack hands back the modal's answers and its private_metadata in payloads anyone can forge: the
form reads any of them without failing, the checks answer every bad row under its own field, the
metadata is ours or refused, and the cards built from stored escalations stay within Block Kit's
limits, with nothing a person typed left as live markup and every number masked.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import cache

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import NumberParseException, PhoneNumberFormat
from props import ENTRIES, SLACK_MARKUP, TEXT, forged
from test_escalation import OURS, PERMALINK, SOURCE, record
from test_limits import check_message, mrkdwn_texts

from bot.cards import limits
from bot.cards.escalation import (
    NOTES_MAX,
    EscalationSource,
    escalation_modal,
    escalation_receipt,
    escalation_update,
    escalations_list,
    read_escalation_submission,
    support_message,
)
from bot.cards.ids import entry_ref
from bot.core.catalog import default_catalog
from bot.core.escalation.form import (
    CLOCK_SKEW,
    ExampleInput,
    check_examples,
    example_id_block,
    example_time_block,
    example_to_block,
)
from bot.core.escalation.form import NOTES as ESCALATION_NOTES
from bot.core.escalation.recurrence import needed
from bot.core.escape import unescape
from bot.core.records import Example

CATALOG = default_catalog()
ESCALATING = [e for e in ENTRIES if e.escalation]
VIEW_ERROR = 2000  # Slack's limit for one message under a field (response_action "errors")

# -- JSON as a forged payload carries it -------------------------------------------------------

# props.JSON without floats would never try a float where Slack sends unix seconds.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def fields(rows: int) -> st.SearchStrategy[str]:
    """The block ids of a form with `rows` rows, and now and then one from past its end."""
    kind = st.sampled_from([example_id_block, example_time_block, example_to_block])
    return st.builds(lambda block, n: block(n), kind, st.integers(1, rows + 1)) | st.just(
        ESCALATION_NOTES
    )


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
FIELD_STATE = st.fixed_dictionaries(
    {}, optional={key: SCALARS | VALUES for key in ("type", "value", "selected_date_time")}
)


def _near(field: str) -> st.SearchStrategy:
    """Anything at state.values[field]: mostly the right shape with any value inside."""
    right = st.fixed_dictionaries({field: FIELD_STATE})
    wrong = st.fixed_dictionaries({field: VALUES}) | st.dictionaries(st.text(max_size=12), VALUES)
    return st.tuples(st.just(field), right | wrong | VALUES)


@cache
def shaped_state(rows: int) -> st.SearchStrategy[dict]:
    """Every field of the form in Slack's shape, each holding any value at all."""
    names = [ESCALATION_NOTES] + [
        block(n)
        for n in range(1, rows + 1)
        for block in (example_id_block, example_time_block, example_to_block)
    ]
    key = {name: "selected_date_time" if name.endswith("_time") else "value" for name in names}
    shaped = {
        name: st.fixed_dictionaries({name: st.fixed_dictionaries({key[name]: SCALARS | VALUES})})
        for name in names
    }
    return st.fixed_dictionaries(shaped)


@cache
def near_state(rows: int) -> st.SearchStrategy[dict]:
    """Near misses: the modal's own block and action ids, with anything at any level."""
    return st.lists(fields(rows).flatmap(_near), max_size=3 * rows + 1).map(dict)


@cache
def modal(rows: int) -> dict:
    return escalation_modal(ESCALATING[0], SOURCE, destination=None, rows=rows)


def answers(view: dict, typed: dict[str, object]) -> dict:
    """view.state.values as Slack sends them: block_id -> action_id -> the input's value."""
    values = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            kind = "selected_date_time" if element["type"] == "datetimepicker" else "value"
            values[block["block_id"]] = {
                element["action_id"]: {"type": element["type"], kind: typed[block["block_id"]]}
            }
    return values


@st.composite
def submissions(draw):
    """(rows, what was typed as ExampleInputs and notes, the state values with one place
    forged, whether the forgery replaced the whole state)."""
    rows = draw(st.integers(1, 20))
    typed, examples = {}, []
    for n in range(1, rows + 1):
        row = ExampleInput(draw(st.text()), draw(st.integers(0, 2**31)), draw(st.text()))
        typed |= {
            example_id_block(n): row.message_id,
            example_time_block(n): row.sent_at,
            example_to_block(n): row.recipient,
        }
        examples.append(row)
    typed[ESCALATION_NOTES] = draw(st.text())
    values = answers(modal(rows), typed)
    forgery = draw(forged(values, VALUES, most=1))
    whole = not isinstance(forgery, dict) or len(values.keys() ^ forgery.keys()) > 1
    return rows, (examples, typed[ESCALATION_NOTES].strip()[:NOTES_MAX]), forgery, whole


def check_read(examples, notes, rows: int) -> None:
    assert isinstance(examples, list) and len(examples) == rows
    for row in examples:
        assert isinstance(row, ExampleInput)
        assert isinstance(row.message_id, str) and isinstance(row.recipient, str)
        assert row.sent_at is None or (
            isinstance(row.sent_at, int) and not isinstance(row.sent_at, bool)
        )
    assert isinstance(notes, str) and notes == notes.strip() and len(notes) <= NOTES_MAX


@given(
    st.integers(1, 20).flatmap(
        lambda rows: st.tuples(st.just(rows), VALUES | near_state(rows) | shaped_state(rows))
    )
)
def test_any_state_values_read_as_rows_or_are_refused(drawn):
    rows, values = drawn
    try:
        examples, notes = read_escalation_submission(values, rows)
    except ValueError:
        assert not isinstance(values, dict)
        return
    assert isinstance(values, dict)
    check_read(examples, notes, rows)


@settings(max_examples=100)
@given(submissions())
def test_a_real_submission_with_one_field_forged_reads_the_rest_as_typed(submission):
    rows, (typed, typed_notes), values, whole = submission
    try:
        examples, notes = read_escalation_submission(values, rows)
    except ValueError:
        assert not isinstance(values, dict)
        return
    check_read(examples, notes, rows)
    if not whole:  # one place forged: at most the one field under it reads differently
        got = [*(v for e in examples for v in (e.message_id, e.sent_at, e.recipient)), notes]
        want = [*(v for e in typed for v in (e.message_id, e.sent_at, e.recipient)), typed_notes]
        assert sum(a != b for a, b in zip(got, want, strict=True)) <= 1


# -- the checks on what was typed --------------------------------------------------------------

_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
# One real-looking number of each kind from every region phonenumbers knows, as E.164.
NUMBERS = sorted(
    {
        phonenumbers.format_number(number, PhoneNumberFormat.E164)
        for region in phonenumbers.SUPPORTED_REGIONS
        for kind in _TYPES
        if (number := phonenumbers.example_number_for_type(region, kind))
    }
)
# By index: a sampled_from over hundreds of numbers makes hypothesis print pages of them.
A_NUMBER = st.integers(0, len(NUMBERS) - 1).map(NUMBERS.__getitem__)
TYPED_NUMBERS = A_NUMBER.flatmap(
    lambda e164: st.sampled_from(
        [
            e164,
            f"  {e164}\n",
            phonenumbers.format_number(phonenumbers.parse(e164), PhoneNumberFormat.INTERNATIONAL),
        ]
    )
)
# Anything else a person or a forger could put in a text field, huge strings included.
HUGE = st.tuples(
    SLACK_MARKUP | st.text(min_size=1, max_size=8), st.integers(100, 3000) | st.just(3000)
).map(lambda piece: piece[0] * piece[1])


def mistyped(number: str, at: int, digit: int) -> str:
    """`number` with one digit changed: the right length, often no longer a valid number."""
    at = min(at, len(number) - 1)
    return number[:at] + str(digit) + number[at + 1 :]


MISTYPED = st.builds(mistyped, A_NUMBER, st.integers(3, 20), st.integers(0, 9))
JUNK = st.one_of(
    TEXT,
    st.text(),
    HUGE,
    SLACK_MARKUP,
    st.sampled_from(["", " ", "\n\t", "+", "+1", "0", "٣٠٠٠٧", "+1 415 555 0167 ext. 99"]),
    MISTYPED,
    A_NUMBER.map(lambda n: n + "0" * 3),  # too long for its country
    A_NUMBER.map(lambda n: n[1:]),  # without its + (read as `region`'s)
)
REGIONS = st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS))
# Every entry with guidance, but half the time one of the few that ask for several examples
# within a window: the only ones where a count or a window can be got wrong.
FORM_ENTRIES = st.sampled_from(ESCALATING) | st.sampled_from(
    [e for e in ESCALATING if needed(e) > 1]
)


def _window(entry) -> timedelta | None:
    hours = entry.escalation.window_hours if entry.escalation else None
    return timedelta(hours=hours) if hours else None


# When the form is sent: any second this century.
NOWS = st.datetimes(
    datetime(2001, 1, 1), datetime(2090, 1, 1), timezones=st.just(timezone.utc)
).map(lambda now: now.replace(microsecond=0))


def good_rows(entry, now: datetime) -> st.SearchStrategy[ExampleInput]:
    """Rows the checks should take: the provider's id shape, a time in its window, a number."""
    shape = CATALOG.message_id_shape(entry.provider)
    oldest = now - (_window(entry) or timedelta(days=400))
    return st.builds(
        ExampleInput,
        message_id=st.from_regex(shape.pattern, fullmatch=True),
        sent_at=st.integers(int(oldest.timestamp()) + 1, int(now.timestamp())),
        recipient=TYPED_NUMBERS,
    )


def distinct_good_rows(entry, now: datetime, count: int) -> st.SearchStrategy:
    """`count` good rows, each about a different message."""
    return st.lists(
        good_rows(entry, now),
        min_size=count,
        max_size=count,
        unique_by=lambda row: row.message_id.strip().casefold(),
    )


def times(entry, now: datetime) -> st.SearchStrategy[int | None]:
    """No time, times no picker sends, and times either side of the window and the skew."""
    at, skew = int(now.timestamp()), int(CLOCK_SKEW.total_seconds())
    span = int((_window(entry) or timedelta(days=400)).total_seconds())
    edge = st.sampled_from([at - span, at + skew])
    return st.one_of(
        st.none(),
        st.integers(),
        st.sampled_from([-1, -(2**63), 2**31, 2**63, 10**20, 10**400, 253402300800]),
        st.builds(sum, st.tuples(edge, st.integers(-span, span) | st.sampled_from([-1, 0, 1]))),
    )


@st.composite
def forms(draw):
    """(entry, rows, now, region): mostly good rows with a few fields made bad, blanked or
    copied from another row (the same message twice, in another case or with spaces)."""
    entry = draw(FORM_ENTRIES)
    now = draw(NOWS)
    count = draw(st.integers(0, 20))
    rows = draw(distinct_good_rows(entry, now, count))
    for _ in range(draw(st.integers(0, 3)) if rows else 0):
        n = draw(st.integers(0, len(rows) - 1))
        row = rows[n]
        change = draw(st.sampled_from(["id", "time", "to", "blank", "copy"]))
        if change == "id":
            row = ExampleInput(draw(JUNK), row.sent_at, row.recipient)
        elif change == "time":
            row = ExampleInput(row.message_id, draw(times(entry, now)), row.recipient)
        elif change == "to":
            row = ExampleInput(row.message_id, row.sent_at, draw(JUNK))
        elif change == "blank":
            row = ExampleInput("", None, "")
        else:
            other = draw(st.sampled_from(rows)).message_id
            twin = draw(st.sampled_from([other, other.swapcase(), f" {other} "]))
            row = ExampleInput(twin, row.sent_at, row.recipient)
        rows[n] = row
    return entry, rows, now, draw(REGIONS)


def check_errors(errors: dict[str, str], rows: int) -> None:
    """Each error sits under one of the form's fields and fits under it."""
    assert errors
    blocks = {
        block(n)
        for n in range(1, max(1, rows) + 1)
        for block in (example_id_block, example_time_block, example_to_block)
    }
    assert set(errors) <= blocks
    for message in errors.values():
        assert isinstance(message, str) and message.strip()
        assert limits.size(message) <= VIEW_ERROR


def is_e164(number: str) -> bool:
    parsed = phonenumbers.parse(number, None)
    return phonenumbers.is_valid_number(parsed) and (
        phonenumbers.format_number(parsed, PhoneNumberFormat.E164) == number
    )


@settings(max_examples=60)
@given(forms())
def test_the_checks_take_clean_examples_or_say_what_is_wrong_under_its_field(form):
    entry, rows, now, region = form
    shape = CATALOG.message_id_shape(entry.provider)
    examples, errors = check_examples(entry, rows, now=now, region=region, id_shape=shape)
    if examples is not None:
        assert errors == {}
        filled = [
            r for r in rows if r.message_id.strip() or r.sent_at is not None or r.recipient.strip()
        ]
        assert len(examples) == len(filled) >= needed(entry)
        ids = [e.message_id for e in examples]
        assert len({i.casefold() for i in ids}) == len(ids)
        window = _window(entry)
        for example in examples:
            assert shape.matches(example.message_id)
            assert is_e164(example.recipient)
            assert example.sent_at.tzinfo is not None
            assert example.sent_at <= now + CLOCK_SKEW
            assert window is None or example.sent_at >= now - window
    else:
        check_errors(errors, len(rows))


@given(FORM_ENTRIES, NOWS, st.data())
def test_a_time_is_taken_exactly_when_it_is_inside_the_window_and_the_skew(entry, now, data):
    rows = data.draw(distinct_good_rows(entry, now, needed(entry)))
    sent_at = data.draw(times(entry, now))
    rows[0] = ExampleInput(rows[0].message_id, sent_at, rows[0].recipient)
    shape = CATALOG.message_id_shape(entry.provider)
    examples, errors = check_examples(entry, rows, now=now, region="US", id_shape=shape)
    at, window = now.timestamp(), _window(entry)
    inside = (
        sent_at is not None
        and 0 <= sent_at <= at + CLOCK_SKEW.total_seconds()
        and (window is None or sent_at >= at - window.total_seconds())
    )
    assert (examples is not None) == inside, errors
    if not inside:
        check_errors(errors, len(rows))
        assert set(errors) == {example_time_block(1)}


@given(FORM_ENTRIES, NOWS, REGIONS, st.data())
def test_a_recipient_is_taken_only_as_the_valid_number_it_names(entry, now, region, data):
    rows = data.draw(distinct_good_rows(entry, now, needed(entry)))
    typed = data.draw(MISTYPED | TYPED_NUMBERS | JUNK | HUGE)
    rows[0] = ExampleInput(rows[0].message_id, rows[0].sent_at, typed)
    shape = CATALOG.message_id_shape(entry.provider)
    examples, errors = check_examples(entry, rows, now=now, region=region, id_shape=shape)
    if examples is None:
        check_errors(errors, len(rows))
        assert set(errors) == {example_to_block(1)}
    else:
        number = phonenumbers.parse(typed, region)
        assert phonenumbers.is_valid_number(number)
        assert examples[0].recipient == phonenumbers.format_number(number, PhoneNumberFormat.E164)


@given(FORM_ENTRIES, NOWS, st.integers(2, 5), st.data())
def test_the_same_message_twice_is_refused_under_the_later_row(entry, now, count, data):
    rows = data.draw(distinct_good_rows(entry, now, count))
    first, later = sorted(data.draw(st.sets(st.integers(0, count - 1), min_size=2, max_size=2)))
    same = rows[first].message_id.strip()
    twin = data.draw(st.sampled_from([same, same.upper(), same.lower(), f" {same}\n"]))
    shape = CATALOG.message_id_shape(entry.provider)
    assume(twin.strip().casefold() == same.casefold() and shape.matches(twin.strip()))
    rows[later] = ExampleInput(twin, rows[later].sent_at, rows[later].recipient)
    examples, errors = check_examples(entry, rows, now=now, region="US", id_shape=shape)
    assert examples is None
    check_errors(errors, len(rows))
    assert set(errors) == {example_id_block(later + 1)}


# -- where an escalation comes from: private_metadata ------------------------------------------

_SOURCE_KEYS = ("channel", "thread_ts", "permalink", "entry")
CHANNELS = st.from_regex(r"[CGD][A-Z0-9]{2,30}", fullmatch=True)
TIMESTAMPS = st.from_regex(r"[0-9]{1,12}\.[0-9]{1,8}", fullmatch=True)
LONGEST_REF = "a" * 31 + "|" + "9" * 60 + "|" + "b" * 31
_REFS = [entry_ref(e) for e in ENTRIES] + [LONGEST_REF]
REFS = st.integers(0, len(_REFS) - 1).map(_REFS.__getitem__)
# Any character the link check might let through, repeated up to the longest link it takes.
LINK_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.characters()
PERMALINKS = (
    st.none()
    | st.just(PERMALINK)
    | st.tuples(st.text(LINK_CHARS, min_size=1, max_size=8), st.integers(1, 1000)).map(
        lambda piece: "https://" + (piece[0] * piece[1])[:1000]
    )
)


@st.composite
def sources(draw) -> EscalationSource:
    """Any source the class accepts."""
    parts = draw(st.tuples(CHANNELS, st.none() | TIMESTAMPS, PERMALINKS, REFS))
    try:
        return EscalationSource(*parts)
    except ValueError:
        assume(False)
        raise


@settings(max_examples=100)
@given(sources())
def test_every_source_round_trips_through_metadata_that_fits(source):
    metadata = source.to_metadata()
    assert limits.size(metadata) <= limits.PRIVATE_METADATA
    assert EscalationSource.from_metadata(metadata) == source


# Found by the two properties above; kept as plain examples.


def test_metadata_nested_deeper_than_json_can_read_is_refused():
    with pytest.raises(ValueError):  # was RecursionError: a forged payload crashed the handler
        EscalationSource.from_metadata("[" * 3000)


@pytest.mark.parametrize("tail", ["é" * 1000, "\x00" * 1000, "a.example/ü"])
def test_a_permalink_json_would_spell_longer_is_refused(tail):
    # was accepted, then to_metadata raised: each character is six in JSON ("\u00e9")
    with pytest.raises(ValueError):
        EscalationSource("C0123456789", None, "https://" + tail, "twilio|30007|")


def test_the_longest_source_fits_its_metadata():
    longest = EscalationSource(
        "C" + "Z" * 30, "9" * 12 + ".99999999", "https://" + "\\" * 1000, LONGEST_REF
    )
    assert limits.size(longest.to_metadata()) <= limits.PRIVATE_METADATA
    assert EscalationSource.from_metadata(longest.to_metadata()) == longest


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


METADATA = st.one_of(
    st.text(),
    HUGE,
    VALUES.map(_dumps),
    st.fixed_dictionaries({k: VALUES | JUNK | REFS | CHANNELS for k in _SOURCE_KEYS}).map(_dumps),
    sources()
    .map(lambda s: json.loads(s.to_metadata()))
    .flatmap(lambda data: forged(data, VALUES | JUNK, most=1))
    .map(_dumps),
    # Our own metadata padded past the limit: JSON allows any amount of whitespace.
    st.tuples(
        sources().map(EscalationSource.to_metadata), st.integers(0, 3000) | st.just(3000)
    ).map(lambda padded: padded[0] + " " * padded[1]),
    # Deep nesting: JSON decoders recurse, and the limit is on size, not depth.
    st.tuples(
        st.sampled_from(["[", '{"a":', '[{"channel":']), st.integers(1, 3000) | st.just(3000)
    ).map(lambda piece: piece[0] * piece[1]),
)


@settings(max_examples=150)
@given(METADATA)
def test_any_metadata_is_a_source_or_refused(metadata):
    try:
        source = EscalationSource.from_metadata(metadata)
    except ValueError:
        return
    assert limits.size(metadata) <= limits.PRIVATE_METADATA
    assert EscalationSource.from_metadata(source.to_metadata()) == source


# -- what support and the requester see --------------------------------------------------------

# What people type into notes, and what a forged or odd record could carry anywhere else.
HOSTILE = st.one_of(
    TEXT,
    HUGE,
    st.lists(
        SLACK_MARKUP | st.sampled_from(["&", "<", ">", "`", "*", "_", "~", "|", "\n"]) | TEXT,
        max_size=8,
    ).map(" ".join),
)
USERS = st.sampled_from(["U0REQUESTER", "U0SUPPORTER", ""]) | HOSTILE
CONVERSATIONS = (
    st.sampled_from(["C0123456789", "G0PRIVATE1", "D0DIRECT01", "C0SUPPORT01"]) | HOSTILE
)
LINKS = st.one_of(
    st.none(),
    st.just(PERMALINK),
    HOSTILE,
    st.sampled_from(
        [
            "https://x.example|y",
            "<https://x.example|y>",
            "https://evil.example/<!channel>",
            "https://a.example/?a=1&b=2&lt;@U123&gt;",
            "https://" + "x" * 1001,
            "https://a.example/" + "&" * 990,
        ]
    ),
)
NUMBER_OR_NOT = A_NUMBER | JUNK
WHEN = st.datetimes(datetime(2001, 1, 1), datetime(2090, 1, 1), timezones=st.just(timezone.utc))
# Users we vouch for get a live mention: the only "<@" a card may carry.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
# Our own markup besides OURS: channel mentions and the link back to the thread.
_OUR_LINKS = re.compile(r"<#[CGD][A-Z0-9]{2,30}>|<https://[^\s<>|]+\|open the thread>")
_LOOSE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
EXAMPLES = st.builds(Example, HOSTILE, WHEN, NUMBER_OR_NOT)


@st.composite
def records(draw, with_examples: bool = True):
    """(entry, an escalation about it) with anything at all in what people or payloads gave."""
    entry = draw(st.sampled_from(ESCALATING))
    key = draw(st.just(entry.key) | st.tuples(HOSTILE, HOSTILE, st.none() | HOSTILE))
    return entry, record(
        provider=key[0],
        code=key[1],
        scope=key[2],
        requester=draw(USERS),
        source_channel=draw(CONVERSATIONS),
        permalink=draw(LINKS),
        examples=tuple(draw(st.lists(EXAMPLES, max_size=20))) if with_examples else (),
        notes=draw(HOSTILE),
        support_channel=draw(CONVERSATIONS),
        id=draw(st.integers(1, 2**63 - 1)),
        state=draw(st.sampled_from(["open", "acknowledged", "resolved"])),
        acknowledged_by=draw(st.none() | USERS),
        resolved_by=draw(st.none() | USERS),
        created_at=draw(WHEN),
    )


def check_card(message, *users: str | None) -> None:
    """Within Block Kit's limits, and nothing anyone typed left as markup: after our own
    mentions, date tokens, channel mentions and link, no < > or bare & is left."""
    mentions = [re.escape(f"<@{u}>") for u in users if u and _USER_ID.fullmatch(u)]
    ours = "|".join([OURS, *mentions])
    check_message(message, ours=ours)
    for text in [message.text, *mrkdwn_texts(message.blocks)]:
        left = _OUR_LINKS.sub("", re.sub(ours, "", text))
        assert "<" not in left and ">" not in left, text
        assert not _LOOSE_AMPERSAND.search(left), text


def people(record) -> tuple[str | None, ...]:
    return record.requester, record.acknowledged_by, record.resolved_by


@settings(max_examples=40)
@given(records(), st.booleans())
def test_the_support_post_fits_and_carries_no_typed_markup(drawn, mask):
    entry, escalation = drawn
    check_card(support_message(escalation, entry, mask_numbers=mask), *people(escalation))


@settings(max_examples=40)
@given(records(with_examples=False), st.booleans(), st.none() | HOSTILE, USERS)
def test_the_notes_back_to_the_thread_fit_and_carry_no_typed_markup(drawn, delivered, why, by):
    _, escalation = drawn
    receipt = escalation_receipt(escalation, delivered=delivered, problem=why)
    check_card(receipt, *people(escalation))
    check_card(escalation_update(escalation, by=by), *people(escalation), by)


@settings(max_examples=20)
@given(
    st.lists(records(with_examples=False), min_size=1, max_size=4),
    st.integers(0, 60) | st.just(60),
    st.none() | HUGE,
)
def test_the_open_list_fits_and_carries_no_typed_markup(drawn, count, where):
    """`count` escalations made from a few drawn ones; `where`, when drawn, is everyone's source
    channel, long enough that each line needs a section of its own."""
    escalations = [
        replace(
            drawn[n % len(drawn)][1],
            id=n + 1,
            source_channel=where or drawn[n % len(drawn)][1].source_channel,
        )
        for n in range(count)
    ]
    users = [u for escalation in escalations for u in people(escalation)]
    check_card(escalations_list(escalations, CATALOG), *users)


def _groups(number: str) -> list[str] | None:
    """Country code then the digit groups phonenumbers writes, or None for no number at all."""
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return None
    return re.findall(r"\d+", phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL))


def beyond_first_group(shown: str, recipient: str) -> str:
    """The digits `shown` gives away after the country code and the first of several groups."""
    groups = _groups(recipient)
    if not groups or not shown.startswith("+"):
        return "".join(re.findall(r"\d", shown))
    country, *rest = shown.split(" ")
    assert country == "+" + groups[0], shown
    if len(groups) > 2 and rest and rest[0] == groups[1]:
        rest = rest[1:]
    return "".join(re.findall(r"\d", " ".join(rest)))


TAME_IDS = st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True)


@settings(max_examples=80)
@given(st.lists(st.builds(Example, TAME_IDS, WHEN, NUMBER_OR_NOT), min_size=1, max_size=20))
def test_masked_numbers_show_the_country_code_first_group_and_last_two_digits(examples):
    entry = ESCALATING[0]
    post = support_message(record(examples=tuple(examples), notes=""), entry, mask_numbers=True)
    lines = [
        line
        for text in mrkdwn_texts(post.blocks)
        for line in text.split("\n")
        if re.match(r"\d+\. `SM", line)
    ]
    assert len(lines) == len(examples)
    for line, example in zip(lines, examples, strict=True):
        shown = unescape(line.rsplit(" · to ", 1)[1])
        tail = beyond_first_group(shown, example.recipient)
        assert len(tail) <= 2, (shown, example.recipient)
        if example.recipient in NUMBERS:  # a stored E.164 number: its own last two digits
            assert tail == example.recipient[-2:], shown
