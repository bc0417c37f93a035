"""The escalation form's examples: what a person typed, checked before anything is stored.

Errors come back keyed by the form's own field names (example_field), which the modal uses as
its block ids, so Slack shows each one under the field it is about (response_action "errors").
Each says what to do, in a few words: it sits under a field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.core.catalog import Entry, MessageIdShape
from bot.core.escalation.phones import normalise
from bot.core.escalation.recurrence import needed
from bot.core.records import Example
from bot.strings import current, say, span

# Phones and laptops disagree about the time by a little; more than this is a wrong pick.
CLOCK_SKEW = timedelta(minutes=5)

# The form's fields, which are also the modal's block and action ids: row n (from 1) of the
# examples has a message id, a send time and a recipient; then the notes.
NOTES = "notes"  # plain_text_input, multiline


def example_id_block(n: int) -> str:
    return f"example_{n}_id"  # plain_text_input: the provider's message id


def example_time_block(n: int) -> str:
    return f"example_{n}_time"  # datetimepicker: unix seconds


def example_to_block(n: int) -> str:
    return f"example_{n}_to"  # plain_text_input: the recipient's number


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
        return say("form.time_unreadable")
    if when > now + CLOCK_SKEW:
        return say("form.time_in_future")
    hours = entry.escalation.window_hours if entry.escalation else None
    if hours and when < now - timedelta(hours=hours):
        return say("form.time_too_old", span=span(hours), provider=entry.provider_name)
    return None


def check_examples(
    entry: Entry,
    rows: Sequence[ExampleInput],
    *,
    now: datetime,
    region: str,
    id_shape: MessageIdShape,
    reported: Callable[[str], str | None] = lambda message_id: None,
) -> tuple[list[Example] | None, dict[str, str]]:
    """The clean examples and no errors, or None and the errors keyed by field.

    `reported` gives the masked recipient a provider's webhook reported for a message id: a
    form filled in from an alert keeps that masked number for that message (we never had more).

    A row left entirely empty is skipped; a row filled in part is an error on each empty field.
    The rows count from 1, as the fields do.
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
            row_errors[example_id_block(n)] = say("form.id_missing")
        elif not id_shape.matches(message_id):
            row_errors[example_id_block(n)] = say(
                "form.id_not_the_providers",
                provider=entry.provider_name,
                hint=id_shape.hint_in(current()),
            )
        elif message_id.casefold() in seen:
            row_errors[example_id_block(n)] = say(
                "form.id_repeated", first=seen[message_id.casefold()]
            )
        else:
            seen[message_id.casefold()] = n
        when = None
        if row.sent_at is None:
            row_errors[example_time_block(n)] = say("form.time_missing")
        else:
            when = _when(row.sent_at)
            if problem := _time_problem(entry, when, now):
                row_errors[example_time_block(n)] = problem
        number = None
        if not recipient:
            row_errors[example_to_block(n)] = say("form.number_blank")
        elif message_id and recipient == reported(message_id):
            number = recipient
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
            errors[target] = say("form.example_missing")
        else:
            errors[target] = say(
                "form.too_few_examples",
                count=want,
                team=entry.escalation.team if entry.escalation else entry.provider_name,
                given=complete,
                more=want - complete,
            )
    return (None, errors) if errors else (examples, {})
