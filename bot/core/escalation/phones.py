"""Recipient numbers in escalations: read as people type them, stored as E.164, shown masked.

Support teams match examples by number, so the stored form is E.164 ("+14155550167"); the
channel that sees the escalation only needs to tell examples apart, so by default it sees
"+1 415 ••• ••67".
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from bot.strings import say

EXAMPLE = "+1 415 555 0123"
DOT = "•"
_SHOWN_TAIL = 2  # digits left visible at the end: enough to tell two examples apart
_QUOTE_LIMIT = 30  # error messages sit under a form field: quote the start of long input only


def _quoted(text: str) -> str:
    shown = text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"
    return f"“{shown}”"


def normalise(text: str, region: str = "US") -> str:
    """`text` as an E.164 number; numbers without "+country" are read as `region`'s.

    ValueError says what to change, e.g. "“555” is not a phone number: write it with its
    country code, like +1 415 555 0123".
    """
    typed = text.strip()
    if not typed:
        raise ValueError(say("form.number_missing", example=EXAMPLE))
    try:
        number = phonenumbers.parse(typed, region.upper())
    except NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValueError(say("form.number_not_a_number", typed=_quoted(typed), example=EXAMPLE))
    if not phonenumbers.is_valid_number(number):
        if typed.startswith("+"):
            raise ValueError(say("form.number_invalid", typed=_quoted(typed)))
        raise ValueError(
            say(
                "form.number_invalid_in_region",
                typed=_quoted(typed),
                region=region.upper(),
                example=EXAMPLE,
            )
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _groups(e164: str) -> list[str]:
    """["1", "415", "555", "0167"]: country code then the groups phonenumbers writes."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException as exc:
        raise ValueError(f"not an E.164 number: {e164[:_QUOTE_LIMIT]!r}") from exc
    # INTERNATIONAL is "+1 415-555-0167": the digits runs are the groups, whatever the separator.
    return re.findall(r"\d+", phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))


def mask(e164: str) -> str:
    """ "+14155550167" -> "+1 415 ••• ••67": country code and first group kept, then dots.

    A number written as one group after its country code keeps only its last two digits, so
    masking never shows the whole number.
    """
    country, *national = _groups(e164)
    if len(national) < 2 or sum(len(g) for g in national[1:]) <= _SHOWN_TAIL:
        kept, rest = [], national
    else:
        kept, rest = national[:1], national[1:]
    hidden = sum(len(g) for g in rest) - _SHOWN_TAIL
    masked, seen = [], 0
    for group in rest:
        masked.append("".join(DOT if seen + i < hidden else digit for i, digit in enumerate(group)))
        seen += len(group)
    return " ".join([f"+{country}", *kept, *masked])


def show(e164: str, *, masked: bool) -> str:
    """How a stored number reads in Slack: masked, or spaced out in full ("+1 415 555 0167")."""
    if masked:
        return mask(e164)
    country, *national = _groups(e164)
    return " ".join([f"+{country}", *national])
