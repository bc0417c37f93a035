"""The escalation form's examples: what a person typed, checked before anything is stored.

Errors come back keyed by the modal's block ids, so Slack shows each one under the field it is
about (response_action "errors"). Each says what to do, in a few words: it sits under a field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.cards.ids import example_id_block, example_time_block, example_to_block
from bot.cards.phrases import span
from bot.core.catalog import Entry, MessageIdShape
from bot.core.escalation.phones import normalise
from bot.core.escalation.recurrence import needed
from bot.core.records import Example

# Phones and laptops disagree about the time by a little; more than this is a wrong pick.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ExampleInput:
    """One row of the form as submitted: nothing checked yet (sent_at: unix seconds)."""

    message_id: str
    sent_at: int | None
    recipient: str


def _when(sent_at: int) -> datetime | None:
    """The picked time as aware UTC; None for a value no picker sends (forged or garbled)."""
    if isinstance(sent_at, bool) or not isinstance(sent_at, int) or sent_at < 0:
        return None
    try:
        return datetime.fromtimestamp(sent_at, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _time_problem(entry: Entry, when: datetime | None, now: datetime) -> str | None:
    if when is None:
        return "Pick the date and time again: this one could not be read"
    if when > now + CLOCK_SKEW:
        return "That time is in the future: pick when the message was sent"
    hours = entry.escalation.window_hours if entry.escalation else None
    if hours and when < now - timedelta(hours=hours):
        return (
            f"Older than {span(hours)}: {entry.provider_name} wants examples "
            f"from the last {span(hours)}"
        )
    return None


def check_examples(
    entry: Entry,
    rows: Sequence[ExampleInput],
    *,
    now: datetime,
    region: str,
    id_shape: MessageIdShape,
) -> tuple[list[Example] | None, dict[str, str]]:
    """The clean examples and no errors, or None and the errors keyed by block id.

    A row left entirely empty is skipped; a row filled in part is an error on each empty field.
    The rows count from 1, as the modal's block ids do.
    """
    errors: dict[str, str] = {}
    examples: list[Example] = []
    seen: dict[str, int] = {}  # casefolded message id -> the row that first gave it
    complete = 0
    first_empty: int | None = None

    for n, row in enumerate(rows, start=1):
        message_id = row.message_id.strip()
        recipient = row.recipient.strip()
        if not message_id and row.sent_at is None and not recipient:
            first_empty = first_empty or n
            continue
        row_errors: dict[str, str] = {}
        if not message_id:
            row_errors[example_id_block(n)] = "Add the message id"
        elif not id_shape.matches(message_id):
            row_errors[example_id_block(n)] = (
                f"Not a {entry.provider_name} message id: expected {id_shape.hint}"
            )
        elif message_id.casefold() in seen:
            row_errors[example_id_block(n)] = (
                f"Same message as example {seen[message_id.casefold()]}: "
                "each example needs a different message"
            )
        else:
            seen[message_id.casefold()] = n
        when = None
        if row.sent_at is None:
            row_errors[example_time_block(n)] = "Pick when the message was sent"
        else:
            when = _when(row.sent_at)
            if problem := _time_problem(entry, when, now):
                row_errors[example_time_block(n)] = problem
        number = None
        if not recipient:
            row_errors[example_to_block(n)] = "Add the recipient's number"
        else:
            try:
                number = normalise(recipient, region)
            except ValueError as error:
                row_errors[example_to_block(n)] = str(error)
        if message_id and row.sent_at is not None and recipient:
            complete += 1
        if row_errors:
            errors.update(row_errors)
        elif when is not None and number is not None:
            examples.append(Example(message_id=message_id, sent_at=when, recipient=number))

    want = needed(entry)
    if complete < want and (first_empty is not None or not errors):
        target = example_id_block(first_empty or 1)
        if complete == 0 and want == 1:
            errors[target] = "Add an example: its message id, when it was sent and the number"
        else:
            examples_word = "example" if want == 1 else "examples"
            errors[target] = (
                f"{entry.escalation.team if entry.escalation else entry.provider_name} asks "
                f"for {want} {examples_word}; you gave {complete}. Add {want - complete} more"
            )
    return (None, errors) if errors else (examples, {})
