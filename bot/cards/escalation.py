"""Escalation cards: the form, the support-channel post, the notes back to the thread, and the
lists (`/smserror escalations`, `/smserror stats`).

Pure functions from records and entries to Block Kit. Everything a person typed (notes, message
ids, numbers) and everything that came back through Slack (permalinks, ids) is escaped or
checked before it lands in mrkdwn; the form's metadata comes back in payloads anyone can forge,
so it is parsed strictly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from bot.cards import kit, limits
from bot.cards.ids import (
    ACTION_ESCALATION_ACK,
    ACTION_ESCALATION_RESOLVE,
    CALLBACK_ESCALATION,
    ESCALATION_NOTES,
    EntryKey,
    example_id_block,
    example_time_block,
    example_to_block,
    is_conversation,
    is_dm,
    is_ts,
    parse_ref,
)
from bot.cards.message import Message
from bot.cards.parts import (
    Blocks,
    actions,
    button,
    context,
    divider,
    fallback,
    header,
    link,
    plain,
    section,
)
from bot.cards.phrases import escalation_lines, headline
from bot.cards.views import _input, _modal_title, _state, _view, shortcut_source
from bot.core.catalog import Catalog, Entry, MessageIdShape, default_catalog
from bot.core.escalation.form import ExampleInput
from bot.core.escalation.phones import EXAMPLE as NUMBER_EXAMPLE
from bot.core.escalation.phones import show
from bot.core.escalation.recurrence import needed
from bot.core.escape import escape

if TYPE_CHECKING:  # records come from the store; the cards only read their fields
    from bot.core.records import EscalationRecord, Example

__all__ = [
    "NOTES_MAX",
    "EscalationSource",
    "escalation_modal",
    "escalation_receipt",
    "escalation_update",
    "escalations_list",
    "read_escalation_submission",
    "shortcut_source",
    "stats_message",
    "support_message",
]

NOTES_MAX = 2000
# The catalog allows up to 20 examples; three inputs each stay well inside a view's 100 blocks.
MAX_ROWS = 20
# Printable ASCII only, as Slack's permalinks are: JSON writes anything else as \uXXXX (six
# characters each), and a source has to fit private_metadata. No < > | (they end a mrkdwn link)
# and no quotes or backticks.
_PERMALINK = re.compile(r"https://(?:(?![<>|\"'`])[!-~]){1,1000}")
_USER = re.compile(r"[UW][A-Z0-9]{2,30}")
_SOURCE_KEYS = {"channel", "thread_ts", "permalink", "entry"}


# -- where an escalation comes from ------------------------------------------------------------


@dataclass(frozen=True)
class EscalationSource:
    """The card the Escalate button was on: its conversation, thread, permalink and entry.

    Carried through the modal in private_metadata, so it is checked whenever it is made:
    ValueError for anything that is not a conversation id, a message ts, an https link or an
    entry reference.
    """

    channel: str
    thread_ts: str | None
    permalink: str | None
    entry_ref: str

    def __post_init__(self) -> None:
        if not is_conversation(self.channel):
            raise ValueError(
                f"escalation source: not a conversation id: {str(self.channel)[:40]!r}"
            )
        if self.thread_ts is not None and not is_ts(self.thread_ts):
            raise ValueError("escalation source: not a message timestamp")
        if self.permalink is not None and not (
            isinstance(self.permalink, str) and _PERMALINK.fullmatch(self.permalink)
        ):
            raise ValueError("escalation source: the permalink is not an https link")
        parse_ref(self.entry_ref)  # raises ValueError itself

    def to_metadata(self) -> str:
        data = {
            "channel": self.channel,
            "thread_ts": self.thread_ts,
            "permalink": self.permalink,
            "entry": self.entry_ref,
        }
        return limits.check_value(json.dumps(data, separators=(",", ":")), limits.PRIVATE_METADATA)

    @classmethod
    def from_metadata(cls, metadata: str) -> EscalationSource:
        """What to_metadata wrote; ValueError for anything else (payloads can be forged)."""
        if not isinstance(metadata, str) or limits.size(metadata) > limits.PRIVATE_METADATA:
            raise ValueError("escalation metadata is not ours")
        try:
            data = json.loads(metadata)
        except (ValueError, RecursionError):  # "[[[…" fits the size limit and nests too deep
            data = None
        if not isinstance(data, dict) or set(data) != _SOURCE_KEYS:
            raise ValueError("escalation metadata is not ours")
        return cls(
            channel=data["channel"],
            thread_ts=data["thread_ts"],
            permalink=data["permalink"],
            entry_ref=data["entry"],
        )


# -- small pieces --------------------------------------------------------------------------------


def _user(user_id: str) -> str:
    """A mention for a user id we can vouch for; anything else as plain (escaped) text."""
    return f"<@{user_id}>" if _USER.fullmatch(user_id or "") else escape(user_id or "someone")


def _where(conversation: str) -> str:
    if is_dm(conversation) and is_conversation(conversation):
        return "a direct message"
    return f"<#{conversation}>" if is_conversation(conversation) else escape(conversation)


def _date(when: datetime, token: str = "{date_short_pretty} {time}") -> str:
    """A Slack date token: each reader sees their own time zone; the text after | is for
    clients that cannot show it."""
    utc = when.astimezone(timezone.utc)
    return f"<!date^{int(utc.timestamp())}^{token}|{utc:%Y-%m-%d %H:%M} UTC>"


def _code(text: str) -> str:
    """User text as inline code: escaped, and a backtick (which would end the code) replaced."""
    return "`" + escape(text).replace("`", "ʼ") + "`"


def _number(recipient: str, *, masked: bool) -> str:
    try:
        return escape(show(recipient, masked=masked))
    except ValueError:  # not E.164 (older data): never show more than the last two characters
        return escape("•••" + recipient[-2:]) if masked else escape(recipient)


def _team(entry: Entry) -> str:
    return entry.escalation.team if entry.escalation else f"{entry.provider_name} support"


def _status(record: EscalationRecord) -> str:
    if record.state == "resolved":
        return f"Resolved by {_user(record.resolved_by or '')}"
    if record.state == "acknowledged":
        return f"Acknowledged by {_user(record.acknowledged_by or '')}"
    return "Open"


def _sections(title: str, lines: Sequence[str]) -> Blocks:
    """`title` then the lines, as few sections as fit Slack's text limit."""
    blocks: Blocks = []
    text = title
    for line in lines:
        if limits.size(text) + 1 + limits.size(line) > limits.SECTION_TEXT and text:
            blocks.append(section(text))
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        blocks.append(section(text))
    return blocks


def _days(days: int) -> str:
    return "day" if days == 1 else f"{days} days"


# -- the form ------------------------------------------------------------------------------------


def escalation_modal(
    entry: Entry,
    source: EscalationSource,
    *,
    destination: str | None,
    rows: int | None = None,
    id_shape: MessageIdShape | None = None,
) -> dict:
    """The form the Escalate button opens: one row per example the provider asks for.

    Every input is optional as far as Slack is concerned: our checks (bot.core.escalation.form)
    answer with messages that say what the provider needs, Slack's only say "required".
    """
    shape = id_shape or default_catalog().message_id_shape(entry.provider)
    count = max(1, min(rows if rows is not None else needed(entry), MAX_ROWS))
    team = escape(_team(entry))
    where = f"I'll post it in {_where(destination)}" if destination else "I'll post it here"
    linked = ", with a link to the thread" if source.permalink else ""
    intro = f"*{escape(headline(entry))}*\nFor {team}. {where}{linked}."
    blocks: Blocks = [section(intro)]
    if source.permalink:
        blocks.append(context(f"Escalating from {link(source.permalink, 'this thread')}"))
    if entry.escalation:
        lines = [escape(line) for line in escalation_lines(entry.escalation)]
        blocks.append(section(f"*What {team} asks for*\n" + "\n".join(lines)))
    blocks.append(divider())
    id_placeholder = f"e.g. {shape.example}" if shape.example else "As in the provider's logs"
    id_hint = shape.hint[:1].upper() + shape.hint[1:]  # under the first row only: once is enough
    for n in range(1, count + 1):
        blocks += [
            _input(
                example_id_block(n),
                f"Example {n}: message id",
                kit.plain_text_input(
                    example_id_block(n), plain(id_placeholder, limits.PLACEHOLDER)
                ),
                optional=True,
                hint=id_hint if n == 1 else None,
            ),
            _input(
                example_time_block(n),
                f"Example {n}: when it was sent",
                kit.datetime_picker(example_time_block(n)),
                optional=True,
            ),
            _input(
                example_to_block(n),
                f"Example {n}: recipient number",
                kit.plain_text_input(
                    example_to_block(n), plain(NUMBER_EXAMPLE, limits.PLACEHOLDER)
                ),
                optional=True,
            ),
        ]
    blocks.append(
        _input(
            ESCALATION_NOTES,
            "Notes",
            kit.plain_text_input(
                ESCALATION_NOTES,
                plain(
                    "What you have tried, who is affected, anything support should know",
                    limits.PLACEHOLDER,
                ),
                multiline=True,
                max_length=NOTES_MAX,
            ),
            optional=True,
        )
    )
    return _view(
        "modal",
        blocks,
        callback_id=CALLBACK_ESCALATION,
        private_metadata=source.to_metadata(),
        title=_modal_title("Escalate to support"),
        submit=_modal_title("Send to support"),
        close=_modal_title("Cancel"),
    )


def read_escalation_submission(state_values: dict, rows: int) -> tuple[list[ExampleInput], str]:
    """The form's rows (bot.core.escalation.form.ExampleInput) and notes, as typed.

    Payloads can be forged: a missing or odd field reads as empty, so the checks answer it
    like any unfilled field. ValueError only when state_values is not an object at all.
    """
    if not isinstance(state_values, dict):
        raise ValueError("escalation: state values must be an object")
    count = max(1, min(rows if isinstance(rows, int) else 1, MAX_ROWS))

    def text(field: str) -> str:
        value = _state(state_values, field).get("value")
        return value if isinstance(value, str) else ""

    def when(field: str) -> int | None:
        value = _state(state_values, field).get("selected_date_time")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    examples = [
        ExampleInput(
            message_id=text(example_id_block(n)),
            sent_at=when(example_time_block(n)),
            recipient=text(example_to_block(n)),
        )
        for n in range(1, count + 1)
    ]
    return examples, text(ESCALATION_NOTES).strip()[:NOTES_MAX]


# -- the support channel -------------------------------------------------------------------------


def _example_line(n: int, example: Example, *, masked: bool) -> str:
    return (
        f"{n}. {_code(example.message_id)} · sent {_date(example.sent_at)} · "
        f"to {_number(example.recipient, masked=masked)}"
    )


def support_message(record: EscalationRecord, entry: Entry, *, mask_numbers: bool) -> Message:
    """The post in the support channel; Acknowledge and Resolve update it in place."""
    origin = f"*Requested by* {_user(record.requester)} in {_where(record.source_channel)}"
    if record.permalink and _PERMALINK.fullmatch(record.permalink):
        origin += f" · {link(record.permalink, 'open the thread')}"
    blocks: Blocks = [
        header(f"{record.short_id} · {headline(entry)}"),
        section(f"{origin}\n*Status:* {_status(record)}"),
    ]
    lines = [
        _example_line(n, example, masked=mask_numbers)
        for n, example in enumerate(record.examples, start=1)
    ]
    blocks += _sections("*Examples*", lines or ["None given."])
    if record.notes.strip():
        blocks.append(section(f"*Notes*\n{escape(record.notes.strip())}"))
    if entry.escalation:
        guidance = [escape(line) for line in escalation_lines(entry.escalation)]
        blocks.append(context(f"*For {escape(_team(entry))}*\n" + "\n".join(guidance)))
    buttons = []
    if record.state == "open":
        buttons.append(button("Acknowledge", ACTION_ESCALATION_ACK, str(record.id), primary=True))
    if record.state != "resolved":
        buttons.append(button("Resolve", ACTION_ESCALATION_RESOLVE, str(record.id)))
    if buttons:
        blocks.append(actions(*buttons))
    text = f"{record.short_id}: {headline(entry)} ({record.state})"
    return Message(fallback(text), tuple(blocks))


# -- notes back to the requester -----------------------------------------------------------------

_PROBLEMS = {
    "not_in_channel": "I'm not in that channel: `/invite @smserror` there",
    "channel_not_found": "I can't see that channel: check it in `/smserror settings`",
    "is_archived": "that channel is archived: pick another in `/smserror settings`",
}


def escalation_receipt(
    record: EscalationRecord, *, delivered: bool, problem: str | None = None
) -> Message:
    """The thread reply once it is sent, or once it is saved but could not be posted yet."""
    who, where = _user(record.requester), _where(record.support_channel)
    if delivered:
        text = (
            f"{who} Escalated to support as *{record.short_id}* in {where}. "
            "I'll post here when someone acknowledges or resolves it."
        )
        plain_text = f"Escalated to support as {record.short_id}."
    else:
        why = _PROBLEMS.get(problem or "", escape(problem or "Slack refused the post"))
        text = (
            f"{who} Your escalation is saved as *{record.short_id}*, but I could not post it "
            f"in {where} ({why}). I'll keep trying and tell you here when it is through."
        )
        plain_text = f"{record.short_id} is saved; posting it to support will be retried."
    return Message(fallback(plain_text), (section(text),))


def escalation_update(record: EscalationRecord, *, by: str) -> Message:
    """The note in the source thread when support acknowledges or resolves it."""
    done = {"acknowledged": "acknowledged", "resolved": "resolved"}.get(record.state)
    if done is None:
        text = f"{_user(record.requester)} *{record.short_id}* is open again."
        plain_text = f"{record.short_id} is open again."
    else:
        text = f"{_user(record.requester)} *{record.short_id}* was {done} by {_user(by)}."
        plain_text = f"{record.short_id} was {done}."
    return Message(fallback(plain_text), (section(text),))


# -- lists ---------------------------------------------------------------------------------------


def escalations_list(records: Sequence[EscalationRecord], catalog: Catalog) -> Message:
    """`/smserror escalations`: every escalation not yet resolved, oldest first as given."""
    still_open = [r for r in records if r.state != "resolved"]
    if not still_open:
        blocks = [
            section("No open escalations."),
            context(
                "The *Escalate to support* button on a card with escalation guidance starts one."
            ),
        ]
        return Message(fallback("No open escalations."), tuple(blocks))
    lines = []
    for record in still_open:
        entry = catalog.get(*record.key)
        label = entry.label if entry else f"{record.provider} {record.code}"
        lines.append(
            f"*{record.short_id}* · {escape(label)} · {_status(record)} · "
            f"opened {_date(record.created_at, '{ago}')} · from {_where(record.source_channel)} "
            f"· by {_user(record.requester)}"
        )
    head = f"*Open escalations ({len(still_open)})*"
    blocks = _sections(head, lines)
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1]
        blocks.append(context("…and more: resolve some to see the rest."))
    text = f"{len(still_open)} open escalation{'s' if len(still_open) != 1 else ''}"
    return Message(fallback(text), tuple(blocks))


def _change(now: int, before: int) -> str:
    if not before:
        return "new"
    if now > before:
        return f"▲ {now - before}"
    if now < before:
        return f"▼ {before - now}"
    return "="


def stats_message(
    channel: str,
    days: int,
    current: Sequence[tuple[Entry, int]],
    before: Mapping[EntryKey, int],
) -> Message:
    """`/smserror stats [days]`: the channel's top codes, each against the period before."""
    where = _where(channel)
    if not current:
        text = f"No error codes seen in {where} in the last {_days(days)}."
        blocks = [section(text), context("I count codes that I explain or that people post.")]
        return Message(fallback(f"No error codes seen in the last {_days(days)}."), tuple(blocks))
    lines = [
        f"{n}. *{escape(entry.label)}* {escape(entry.title)} · {count} "
        f"({_change(count, before.get(entry.key, 0))})"
        for n, (entry, count) in enumerate(current, start=1)
    ]
    blocks = _sections(f"*Top error codes in {where}, last {_days(days)}*", lines)
    blocks.append(
        context(
            f"Against the {_days(days)} before: ▲ more, ▼ fewer, = the same, new: not seen then."
        )
    )
    top = ", ".join(f"{entry.label} ({count})" for entry, count in current)
    return Message(fallback(f"Top error codes, last {_days(days)}: {top}"), tuple(blocks))
