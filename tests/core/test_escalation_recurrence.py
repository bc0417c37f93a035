"""When a channel has seen a code often enough to escalate, and how the answer says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.catalog import Entry, EscalationPolicy, load_catalog
from bot.core.escalation.recurrence import needed, note, ordinal, window

CATALOG = load_catalog([])


def twilio(code: str) -> Entry:
    found = CATALOG.get("twilio", code)
    assert found is not None
    return found


def with_escalation(**figures) -> Entry:
    base = twilio("30007")
    escalation = EscalationPolicy(
        when="Always.", collect=("message SID",), team="Acme desk", **figures
    )
    return Entry(**{**base.__dict__, "escalation": escalation})


@pytest.mark.parametrize(
    ("code", "hours"),
    [("30003", 24), ("30004", 24), ("30005", 24), ("30007", 168), ("30008", 48)],
)
def test_the_window_is_the_entry_s_own(code, hours):
    assert window(twilio(code)) == timedelta(hours=hours)


def test_a_count_without_a_window_counts_over_a_day():
    assert window(twilio("30024")) == timedelta(hours=24)


def test_no_count_means_no_window():
    assert window(twilio("21610")) is None  # no escalation at all
    assert window(with_escalation(window_hours=48)) is None  # a window but no count
    assert CATALOG.get("smsfactory", "33000").escalation is not None
    assert window(CATALOG.get("smsfactory", "33000")) is None


def test_needed_is_the_count_or_one():
    assert needed(twilio("30007")) == 3
    assert needed(CATALOG.get("smsfactory", "33000")) == 1
    assert needed(twilio("21610")) == 1


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (10, "tenth"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (24, "24th"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals(n, word):
    assert ordinal(n) == word


def test_ordinals_start_at_one():
    with pytest.raises(ValueError):
        ordinal(0)


def test_the_note_appears_at_the_provider_s_bar():
    entry = twilio("30007")
    assert note(entry, 1) is None
    assert note(entry, 2) is None
    assert note(entry, 3) == (
        "The third Twilio 30007 in this channel in 7 days — enough to escalate."
    )
    assert note(entry, 12) == (
        "The 12th Twilio 30007 in this channel in 7 days — enough to escalate."
    )


def test_the_note_names_the_window_in_the_source_s_unit():
    assert note(twilio("30008"), 3) == (
        "The third Twilio 30008 in this channel in 48 hours — enough to escalate."
    )
    assert note(twilio("30024"), 4) == (
        "The fourth Twilio 30024 in this channel in 24 hours — enough to escalate."
    )


def test_no_figures_no_note():
    assert note(twilio("21610"), 50) is None
    assert note(CATALOG.get("smsfactory", "33000"), 50) is None


def test_an_operator_figure_of_one_notes_the_first_sighting():
    entry = with_escalation(min_examples=1, window_hours=72)
    assert (
        note(entry, 1) == "The first Twilio 30007 in this channel in 3 days — enough to escalate."
    )
