"""What a provider's webhook tells us about one message: delivered, failed (with its code), or
nothing we count (queued, sent, a status still on its way).

Each provider's reader (bot.core.webhooks.twilio, .telnyx, .bandwidth) turns its payload into
these; the rest of the bot never sees a provider's field names.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

import phonenumbers
from phonenumbers import NumberParseException

from bot.core.escalation.phones import DOT

# Our own field limits: a provider's ids are far shorter; anything longer is cut, not refused,
# since a provider that adds a longer id must not make us drop its failures.
ID_MAX = 128
CODE_MAX = 16


class Malformed(ValueError):
    """A payload that is not what the provider sends (answered 400): says what was wrong."""


@dataclass(frozen=True)
class Report:
    """One outcome for one message, as one provider reported it."""

    provider: str  # catalog slug: "twilio", "telnyx", "bandwidth"
    event_key: str  # the same for every retry of this report, so it is kept once
    outcome: str  # "failed" | "delivered"
    message_id: str
    at: datetime  # aware UTC: when the provider says it happened, else when we heard
    code: str = ""  # the provider's error code, "" when it gave none
    account: str = ""  # the provider account (Twilio AccountSid)
    sender: str = ""  # the From number, short code or sender id
    service: str = ""  # messaging service, messaging profile or application
    recipient: str = ""  # the To number as the provider wrote it: never stored as is

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


def clip(value: object, most: int = ID_MAX) -> str:
    """A payload field as text of at most `most` characters; "" for anything not a scalar."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()[:most]


def masked_recipient(number: str) -> str:
    """ "+14155550112" -> "+1 ••• ••12": the country and two last digits, enough to tell
    recipients apart in an example and nothing more. Not a number: only its last two."""
    digits = "".join(c for c in number if c.isdigit())
    tail = digits[-2:]
    try:
        country = phonenumbers.parse(number, None).country_code if number.startswith("+") else None
    except NumberParseException:
        country = None
    dots = f"{DOT * 3} {DOT * 2}{tail}"
    return f"+{country} {dots}" if country else dots


def recipient_key(number: str, key: bytes) -> str:
    """A keyed hash of the number, so distinct recipients can be counted without keeping them;
    without the key nobody can test a guessed number against it."""
    digits = "".join(c for c in number if c.isdigit())
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:32]


def moment(text: str | None) -> datetime | None:
    """An ISO 8601 time ("2026-12-01T10:00:00Z"); None when it is not one, or has no zone."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(timezone.utc) if when.tzinfo else None
