"""Recipient numbers: read as typed, stored as E.164, masked for the support channel."""

from __future__ import annotations

import pytest

from bot.core.escalation.phones import mask, normalise, show


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("+1 415 555 0167", "US", "+14155550167"),
        ("(415) 555-0167", "US", "+14155550167"),
        ("  415.555.0167 ", "US", "+14155550167"),
        ("+44 20 7946 0958", "US", "+442079460958"),  # a country code beats the region
        ("020 7946 0958", "GB", "+442079460958"),
        ("07911 123456", "gb", "+447911123456"),  # region in any case
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "FR", "+33612345678"),
    ],
)
def test_numbers_are_stored_as_e164(typed, region, e164):
    assert normalise(typed, region) == e164


def test_the_default_region_is_the_us():
    assert normalise("415 555 0167") == "+14155550167"


@pytest.mark.parametrize(
    ("typed", "region", "message"),
    [
        (
            "555",
            "US",
            "“555” is not a phone number: write it with its country code, like +1 415 555 0123",
        ),
        ("call me", "US", "“call me” is not a phone number: write it with its country code"),
        ("020 7946 0958", "US", "“020 7946 0958” is not a phone number"),  # a UK number, no +44
        ("+1 555 0100", "US", "“+1 555 0100” is not a valid number: check the digits"),
        ("07700 900123", "GB", "“07700 900123” is not a valid GB number: check the digits"),
        ("4155550167", "ZZ", "is not a phone number"),  # a region phonenumbers does not know
        ("", "US", "Write the recipient's number, like +1 415 555 0123"),
        ("   ", "US", "Write the recipient's number"),
    ],
)
def test_bad_numbers_say_what_to_do(typed, region, message):
    with pytest.raises(ValueError) as raised:
        normalise(typed, region)
    assert message in str(raised.value)


def test_long_input_is_quoted_short():
    with pytest.raises(ValueError) as raised:
        normalise("9" * 300)
    text = str(raised.value)
    assert "9" * 30 not in text and "…”" in text
    assert len(text) < 120


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+14155550167", "+1 415 ••• ••67"),  # US: 415-555-0167
        ("+442079460958", "+44 20 •••• ••58"),  # GB London: 20 7946 0958
        ("+447911123456", "+44 7911 ••••56"),  # GB mobile: 7911 123456
        ("+33612345678", "+33 6 •• •• •• 78"),  # FR: 6 12 34 56 78
        ("+8613800138000", "+86 138 •••• ••00"),
        ("+6837290", "+683 ••90"),  # Niue: one group, which is not kept whole
        ("+85221234567", "+852 2123 ••67"),  # Hong Kong: a short second group
    ],
)
def test_masking_keeps_country_code_first_group_and_last_two_digits(e164, masked):
    assert mask(e164) == masked
    assert show(e164, masked=True) == masked


def test_masking_hides_every_other_digit():
    for e164 in ("+14155550167", "+442079460958", "+33612345678"):
        shown = mask(e164)
        digits = "".join(c for c in shown if c.isdigit())
        hidden = shown.count("•")
        assert len(digits) + hidden == len(e164) - 1
        assert hidden >= 4


def test_unmasked_numbers_are_spaced_like_the_mask():
    assert show("+14155550167", masked=False) == "+1 415 555 0167"
    assert show("+442079460958", masked=False) == "+44 20 7946 0958"
    assert show("+33612345678", masked=False) == "+33 6 12 34 56 78"


def test_mask_refuses_what_is_not_a_number():
    with pytest.raises(ValueError):
        mask("not a number")
