"""When a code keeps coming back in a channel: the window to count in, and what to say about it.

The catalog's figures are the provider's own bar for escalating ("3 examples within 7 days"),
so reaching them in one channel is the moment to offer the Escalate button prominently.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.catalog import Entry
from bot.strings import ordinal, say, span

# A provider that asks for a number of examples but names no period (Twilio 30024) still needs
# a bound: counting forever would call a code seen three times in a year "recurring". A day is
# the shortest window any source gives, so it stays on the side of not crying wolf.
DEFAULT_WINDOW_HOURS = 24


def needed(entry: Entry) -> int:
    """How many examples the provider asks for; one when its guidance gives no figure."""
    escalation = entry.escalation
    return (escalation.min_examples if escalation else None) or 1


def _hours(entry: Entry) -> int | None:
    escalation = entry.escalation
    if escalation is None or not escalation.min_examples:
        return None
    return escalation.window_hours or DEFAULT_WINDOW_HOURS


def window(entry: Entry) -> timedelta | None:
    """How far back to count sightings of `entry`; None when the source gives no count."""
    hours = _hours(entry)
    return timedelta(hours=hours) if hours else None


def note(entry: Entry, count: int) -> str | None:
    """ "The third Twilio 30007 in this channel in 7 days — enough to escalate." once `count`
    sightings within window(entry) reach the entry's min_examples; None before that."""
    hours = _hours(entry)
    if hours is None or entry.escalation is None:
        return None
    if count < (entry.escalation.min_examples or 0):
        return None
    return say("recurrence.note", nth=ordinal(count), label=entry.label, span=span(hours))
