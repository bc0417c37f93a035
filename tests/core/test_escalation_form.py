"""The escalation form's checks: each rule refuses what it should and lets good rows through."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.catalog import Entry, load_catalog
from bot.core.escalation.form import ExampleInput, check_examples
from bot.core.records import Example

CATALOG = load_catalog([])
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
AN_HOUR_AGO = int((NOW - timedelta(hours=1)).timestamp())
SIDS = ["SM" + c * 32 for c in "abcdef"]
UUID = "40317159-3d1c-4a0b-a7d4-4c9b3e4f5a6b"
EMPTY = ExampleInput("", None, "")


def entry(provider: str, code: str) -> Entry:
    found = CATALOG.get(provider, code)
    assert found is not None
    return found


E30007 = entry("twilio", "30007")  # 3 examples within 7 days
E30024 = entry("twilio", "30024")  # 3 examples, no window
E33000 = entry("smsfactory", "33000")  # guidance without figures


def row(n: int = 0, *, sent_at: int | None = AN_HOUR_AGO, to: str = "+1 415 555 0167"):
    return ExampleInput(SIDS[n], sent_at, to)


def _id(message_id: str) -> ExampleInput:
    return ExampleInput(message_id, AN_HOUR_AGO, "+14155550100")


def good(count: int = 3) -> list[ExampleInput]:
    return [row(n) for n in range(count)]


def check(rows, e: Entry = E30007, *, region: str = "US"):
    return check_examples(
        e, rows, now=NOW, region=region, id_shape=CATALOG.message_id_shape(e.provider)
    )


# -- a good form -------------------------------------------------------------------------------


def test_complete_rows_come_back_clean():
    rows = [
        ExampleInput(f"  {SIDS[0]}\n", AN_HOUR_AGO, " (415) 555-0167 "),
        ExampleInput(SIDS[1], AN_HOUR_AGO - 60, "+44 20 7946 0958"),
        ExampleInput(SIDS[2], AN_HOUR_AGO - 120, "+33 6 12 34 56 78"),
    ]
    examples, errors = check(rows)
    assert errors == {}
    assert examples == [
        Example(SIDS[0], NOW - timedelta(hours=1), "+14155550167"),
        Example(SIDS[1], NOW - timedelta(hours=1, minutes=1), "+442079460958"),
        Example(SIDS[2], NOW - timedelta(hours=1, minutes=2), "+33612345678"),
    ]
    assert all(e.sent_at.tzinfo is timezone.utc for e in examples)


def test_entirely_empty_rows_are_skipped():
    examples, errors = check([EMPTY, *good(3), EMPTY])
    assert errors == {} and [e.message_id for e in examples] == SIDS[:3]


# -- missing fields ----------------------------------------------------------------------------


def test_a_partly_filled_row_names_each_missing_field():
    rows = [*good(2), ExampleInput(SIDS[2], None, "")]
    examples, errors = check(rows)
    assert examples is None
    assert errors == {
        "example_3_time": "Pick when the message was sent",
        "example_3_to": "Add the recipient's number",
    }


def test_a_row_with_only_a_number_asks_for_the_id_and_time():
    _, errors = check([*good(2), ExampleInput("", None, "+14155550100")])
    assert errors == {
        "example_3_id": "Add the message id",
        "example_3_time": "Pick when the message was sent",
    }


def test_whitespace_is_not_a_value():
    _, errors = check([*good(2), ExampleInput("   ", AN_HOUR_AGO, "+14155550100")])
    assert errors == {"example_3_id": "Add the message id"}


# -- message id shapes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["SM123", "MG" + "a" * 32, "SM" + "a" * 31 + "z", "https://console.twilio.com/x"]
)
def test_twilio_ids_must_be_message_sids(bad):
    _, errors = check([*good(2), _id(bad)])
    assert errors == {
        "example_3_id": "Not a Twilio message id: expected a message SID, which is SM or MM "
        "followed by 32 hex digits"
    }


def test_mms_sids_are_message_sids_too():
    examples, errors = check([*good(2), _id("MM" + "0123456789ABCDEF" * 2)])
    assert errors == {} and len(examples) == 3


def test_telnyx_ids_must_be_uuids():
    telnyx = entry("telnyx", "40002")
    _, errors = check([_id("SM" + "a" * 32)], telnyx)
    assert errors["example_1_id"].startswith("Not a Telnyx message id: expected a message id, ")
    examples, errors = check([_id(UUID)], telnyx)
    assert errors == {} and examples[0].message_id == UUID


def test_other_providers_take_any_id_without_spaces():
    _, errors = check([_id("req 42")], E33000)
    assert errors == {
        "example_1_id": "Not a SMSFactory message id: expected the provider's message id, "
        "which is 1 to 100 characters with no spaces"
    }
    _, errors = check([_id("r" * 101)], E33000)
    assert "example_1_id" in errors
    examples, errors = check([_id("req-42")], E33000)
    assert errors == {} and examples[0].message_id == "req-42"


# -- duplicates --------------------------------------------------------------------------------


def test_a_repeated_message_id_is_an_error_on_the_later_row():
    rows = [row(0), row(1), row(0)]
    _, errors = check(rows)
    assert errors == {
        "example_3_id": "Same message as example 1: each example needs a different message"
    }


def test_duplicates_ignore_case_and_spaces():
    rows = [row(0), row(1), ExampleInput(" " + SIDS[1].upper() + " ", AN_HOUR_AGO, "+14155550100")]
    _, errors = check(rows)
    assert set(errors) == {"example_3_id"} and "example 2" in errors["example_3_id"]


# -- times -------------------------------------------------------------------------------------


def at(delta: timedelta) -> int:
    return int((NOW + delta).timestamp())


def test_a_time_in_the_future_is_refused():
    _, errors = check([*good(2), row(2, sent_at=at(timedelta(minutes=6)))])
    assert errors == {
        "example_3_time": "That time is in the future: pick when the message was sent"
    }


def test_a_few_minutes_of_clock_skew_is_allowed():
    examples, errors = check([*good(2), row(2, sent_at=at(timedelta(minutes=4)))])
    assert errors == {} and len(examples) == 3


def test_a_time_older_than_the_window_is_refused():
    _, errors = check([*good(2), row(2, sent_at=at(-timedelta(days=7, seconds=1)))])
    assert errors == {
        "example_3_time": "Older than 7 days: Twilio wants examples from the last 7 days"
    }


def test_a_time_just_inside_the_window_is_taken():
    examples, errors = check(
        [*good(2), row(2, sent_at=at(-timedelta(days=7) + timedelta(minutes=1)))]
    )
    assert errors == {} and len(examples) == 3


def test_without_a_window_old_examples_are_fine():
    old = at(-timedelta(days=60))
    examples, errors = check([row(n, sent_at=old) for n in range(3)], E30024)
    assert errors == {} and len(examples) == 3


@pytest.mark.parametrize("forged", [True, -1, 10**20])
def test_a_time_no_picker_sends_is_refused(forged):
    _, errors = check([*good(2), row(2, sent_at=forged)])
    assert errors == {"example_3_time": "Pick the date and time again: this one could not be read"}


# -- numbers -----------------------------------------------------------------------------------


def test_a_number_that_is_not_one_is_refused():
    _, errors = check([*good(2), row(2, to="555")])
    assert errors == {
        "example_3_to": "“555” is not a phone number: write it with its country code, "
        "like +1 415 555 0123"
    }


def test_numbers_without_a_country_code_are_read_in_the_region():
    examples, errors = check([row(0, to="020 7946 0958")], E33000, region="GB")
    assert errors == {} and examples[0].recipient == "+442079460958"
    _, errors = check([row(0, to="020 7946 0958")], E33000, region="US")
    assert "example_1_to" in errors


# -- how many ----------------------------------------------------------------------------------


def test_too_few_examples_is_an_error_on_the_first_empty_row():
    _, errors = check([row(0), EMPTY, EMPTY])
    assert errors == {"example_2_id": "Twilio support asks for 3 examples; you gave 1. Add 2 more"}


def test_none_given_when_one_is_needed():
    _, errors = check([EMPTY], E33000)
    assert errors == {
        "example_1_id": "Add an example: its message id, when it was sent and the number"
    }


def test_none_given_when_three_are_needed():
    _, errors = check([EMPTY, EMPTY, EMPTY])
    assert errors == {"example_1_id": "Twilio support asks for 3 examples; you gave 0. Add 3 more"}


def test_exactly_as_many_as_needed_is_enough():
    examples, errors = check([row(0)], E33000)
    assert errors == {} and len(examples) == 1
    examples, errors = check(good(3))
    assert errors == {} and len(examples) == 3


def test_a_bad_complete_row_still_counts_as_given():
    """The count error speaks of rows filled in; the bad row has its own error."""
    _, errors = check([row(0), row(1, to="555"), EMPTY])
    assert errors["example_2_to"].startswith("“555” is not a phone number")
    assert errors["example_3_id"] == "Twilio support asks for 3 examples; you gave 2. Add 1 more"


def test_partly_filled_rows_speak_for_themselves():
    """No empty row to put the count on: the missing fields already say what to add."""
    _, errors = check([row(0), row(1), ExampleInput(SIDS[2], None, "")])
    assert set(errors) == {"example_3_time", "example_3_to"}


def test_no_rows_at_all_still_answers_in_the_form():
    _, errors = check([])
    assert errors == {"example_1_id": "Twilio support asks for 3 examples; you gave 0. Add 3 more"}


def test_every_error_is_short():
    rows = [
        ExampleInput("x" * 500, at(timedelta(days=3)), "9" * 500),
        ExampleInput("", 1, "abc"),
        row(0),
        row(0, to="nope"),
    ]
    _, errors = check(rows)
    assert len(errors) >= 6
    assert all(len(message) <= 150 for message in errors.values()), errors
