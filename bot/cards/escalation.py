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
from typing import TYPE_CHECKING

from bot.cards import kit, limits
from bot.cards.ids import (
    ACTION_ESCALATION_ACK,
    ACTION_ESCALATION_RESOLVE,
    CALLBACK_ESCALATION,
    EntryKey,
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
    slack_date,
)
from bot.cards.phrases import escalation_lines, headline, spoken
from bot.cards.reported import Reported, reported_blocks
from bot.cards.views import _input, _modal_title, _state, _view, shortcut_source
from bot.core.catalog import Catalog, Entry, MessageIdShape, default_catalog
from bot.core.escalation.form import (
    NOTES,
    ExampleInput,
    example_id_block,
    example_time_block,
    example_to_block,
)
from bot.core.escalation.phones import DOT, show
from bot.core.escalation.phones import EXAMPLE as NUMBER_EXAMPLE
from bot.core.escalation.recurrence import needed
from bot.core.escape import escape
from bot.strings import current, days, say

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
    if _USER.fullmatch(user_id or ""):
        return f"<@{user_id}>"
    return escape(user_id or say("escalation.someone"))


def _where(conversation: str) -> str:
    if is_dm(conversation) and is_conversation(conversation):
        return say("escalation.a_dm")
    return f"<#{conversation}>" if is_conversation(conversation) else escape(conversation)


def _code(text: str) -> str:
    """User text as inline code: escaped, and a backtick (which would end the code) replaced."""
    return "`" + escape(text).replace("`", "ʼ") + "`"


def _number(recipient: str, *, masked: bool) -> str:
    if DOT in recipient:  # masked by the provider webhook that reported it: as it is
        return escape(recipient)
    try:
        return escape(show(recipient, masked=masked))
    except ValueError:  # not E.164 (older data): never show more than the last two characters
        return escape("•••" + recipient[-2:]) if masked else escape(recipient)


def _team(entry: Entry) -> str:
    if entry.escalation:
        return entry.escalation.team
    return say("escalation.default_team", provider=entry.provider_name)


def _status(record: EscalationRecord) -> str:
    if record.state == "resolved":
        return say("escalation.status_resolved", who=_user(record.resolved_by or ""))
    if record.state == "acknowledged":
        return say("escalation.status_acknowledged", who=_user(record.acknowledged_by or ""))
    return say("escalation.status_open")


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


# -- the form ------------------------------------------------------------------------------------


def escalation_modal(
    entry: Entry,
    source: EscalationSource,
    *,
    destination: str | None,
    rows: int | None = None,
    id_shape: MessageIdShape | None = None,
    examples: Sequence[Example] = (),
) -> dict:
    """The form the Escalate button opens: one row per example the provider asks for, filled
    in with `examples` (from an alert: real failures, recipients masked) for the person to edit.

    Every input is optional as far as Slack is concerned: our checks (bot.core.escalation.form)
    answer with messages that say what the provider needs, Slack's only say "required".
    """
    entry = spoken(entry)
    shape = id_shape or default_catalog().message_id_shape(entry.provider)
    count = max(1, min(rows if rows is not None else needed(entry), MAX_ROWS))
    team = escape(_team(entry))
    if destination:
        where = say("escalation.form_posted_in", where=_where(destination))
    else:
        where = say("escalation.form_posted_here")
    linked = say("escalation.form_with_link") if source.permalink else ""
    intro = say("escalation.form_intro", headline=escape(headline(entry)), team=team)
    blocks: Blocks = [section(f"{intro} {where}{linked}.")]
    if source.permalink:
        thread = link(source.permalink, say("escalation.this_thread"))
        blocks.append(context(say("escalation.form_from", thread=thread)))
    if entry.escalation:
        lines = [escape(line) for line in escalation_lines(entry.escalation)]
        asks = say("escalation.form_asks_for", team=team)
        blocks.append(section(f"*{asks}*\n" + "\n".join(lines)))
    blocks.append(divider())
    if shape.example:
        id_placeholder = say("escalation.form_id_placeholder", example=shape.example)
    else:
        id_placeholder = say("escalation.form_id_placeholder_unknown")
    hint = shape.hint_in(current())
    id_hint = hint[:1].upper() + hint[1:]  # under the first row only: once is enough
    for n in range(1, count + 1):
        given = examples[n - 1] if n <= len(examples) else None
        blocks += [
            _input(
                example_id_block(n),
                say("escalation.form_id_label", n=n),
                kit.plain_text_input(
                    example_id_block(n),
                    plain(id_placeholder, limits.PLACEHOLDER),
                    initial_value=given.message_id if given else None,
                ),
                optional=True,
                hint=id_hint if n == 1 else None,
            ),
            _input(
                example_time_block(n),
                say("escalation.form_time_label", n=n),
                kit.datetime_picker(
                    example_time_block(n),
                    int(given.sent_at.timestamp()) if given else None,
                ),
                optional=True,
            ),
            _input(
                example_to_block(n),
                say("escalation.form_to_label", n=n),
                kit.plain_text_input(
                    example_to_block(n),
                    plain(NUMBER_EXAMPLE, limits.PLACEHOLDER),
                    initial_value=given.recipient if given else None,
                ),
                optional=True,
            ),
        ]
    blocks.append(
        _input(
            NOTES,
            say("escalation.form_notes_label"),
            kit.plain_text_input(
                NOTES,
                plain(say("escalation.form_notes_placeholder"), limits.PLACEHOLDER),
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
        title=_modal_title(say("escalation.form_title")),
        submit=_modal_title(say("escalation.form_submit")),
        close=_modal_title(say("modal.cancel")),
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
    return examples, text(NOTES).strip()[:NOTES_MAX]


# -- the support channel -------------------------------------------------------------------------


def _example_line(n: int, example: Example, *, masked: bool) -> str:
    return say(
        "escalation.example_line",
        n=n,
        id=_code(example.message_id),
        sent=slack_date(example.sent_at),
        to=_number(example.recipient, masked=masked),
    )


def support_message(record: EscalationRecord, entry: Entry, *, mask_numbers: bool) -> Message:
    """The post in the support channel; Acknowledge and Resolve update it in place."""
    entry = spoken(entry)
    origin = say(
        "escalation.requested_by",
        who=_user(record.requester),
        where=_where(record.source_channel),
    )
    if record.permalink and _PERMALINK.fullmatch(record.permalink):
        origin += f" · {link(record.permalink, say('escalation.open_the_thread'))}"
    status = say("escalation.status_line", status=_status(record))
    blocks: Blocks = [
        header(f"{record.short_id} · {headline(entry)}"),
        section(f"{origin}\n{status}"),
    ]
    lines = [
        _example_line(n, example, masked=mask_numbers)
        for n, example in enumerate(record.examples, start=1)
    ]
    examples = say("escalation.examples_heading")
    blocks += _sections(f"*{examples}*", lines or [say("escalation.no_examples")])
    if record.notes.strip():
        notes = say("escalation.notes_heading")
        blocks.append(section(f"*{notes}*\n{escape(record.notes.strip())}"))
    if entry.escalation:
        guidance = [escape(line) for line in escalation_lines(entry.escalation)]
        for_team = say("escalation.for_team", team=escape(_team(entry)))
        blocks.append(context(f"*{for_team}*\n" + "\n".join(guidance)))
    buttons = []
    if record.state == "open":
        acknowledge = say("escalation.acknowledge")
        buttons.append(button(acknowledge, ACTION_ESCALATION_ACK, str(record.id), primary=True))
    if record.state != "resolved":
        resolve = say("escalation.resolve")
        buttons.append(button(resolve, ACTION_ESCALATION_RESOLVE, str(record.id)))
    if buttons:
        blocks.append(actions(*buttons))
    text = f"{record.short_id}: {headline(entry)} ({say(f'escalation.state_{record.state}')})"
    return Message(fallback(text), tuple(blocks))


# -- notes back to the requester -----------------------------------------------------------------

# Slack's refusals a person can act on; any other is shown as Slack's own error code.
_PROBLEMS = ("not_in_channel", "channel_not_found", "is_archived")


def escalation_receipt(
    record: EscalationRecord, *, delivered: bool, problem: str | None = None
) -> Message:
    """The thread reply once it is sent, or once it is saved but could not be posted yet."""
    who, where = _user(record.requester), _where(record.support_channel)
    if delivered:
        text = say("escalation.receipt_sent", who=who, id=record.short_id, where=where)
        plain_text = say("escalation.receipt_sent_plain", id=record.short_id)
    else:
        if problem in _PROBLEMS:
            why = say(f"escalation.problem_{problem}")
        else:
            why = escape(problem or say("escalation.problem_refused"))
        text = say("escalation.receipt_saved", who=who, id=record.short_id, where=where, why=why)
        plain_text = say("escalation.receipt_saved_plain", id=record.short_id)
    return Message(fallback(plain_text), (section(text),))


def escalation_update(record: EscalationRecord, *, by: str) -> Message:
    """The note in the source thread when support acknowledges or resolves it."""
    who, id = _user(record.requester), record.short_id
    if record.state not in ("acknowledged", "resolved"):
        text = say("escalation.update_reopened", who=who, id=id)
        plain_text = say("escalation.update_reopened_plain", id=id)
    else:
        text = say(f"escalation.update_{record.state}", who=who, id=id, by=_user(by))
        plain_text = say(f"escalation.update_{record.state}_plain", id=id)
    return Message(fallback(plain_text), (section(text),))


# -- lists ---------------------------------------------------------------------------------------


def escalations_list(records: Sequence[EscalationRecord], catalog: Catalog) -> Message:
    """`/smserror escalations`: every escalation not yet resolved, oldest first as given."""
    still_open = [r for r in records if r.state != "resolved"]
    if not still_open:
        none = say("escalation.list_none")
        blocks = [section(none), context(say("escalation.list_none_hint"))]
        return Message(fallback(none), tuple(blocks))
    lines = []
    for record in still_open:
        entry = catalog.get(*record.key)
        label = entry.label if entry else f"{record.provider} {record.code}"
        lines.append(
            say(
                "escalation.list_line",
                id=record.short_id,
                label=escape(label),
                status=_status(record),
                opened=slack_date(record.created_at, "{ago}"),
                where=_where(record.source_channel),
                who=_user(record.requester),
            )
        )
    head = say("escalation.list_heading", count=len(still_open))
    blocks = _sections(f"*{head}*", lines)
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1]
        blocks.append(context(say("escalation.list_more")))
    text = say("escalation.list_plain", count=len(still_open))
    return Message(fallback(text), tuple(blocks))


def _change(now: int, before: int) -> str:
    if not before:
        return say("stats.new")
    if now > before:
        return f"▲ {now - before}"
    if now < before:
        return f"▼ {before - now}"
    return "="


def stats_message(
    channel: str,
    period: int,
    current: Sequence[tuple[Entry, int]],
    before: Mapping[EntryKey, int],
    *,
    reported: Sequence[Reported] = (),
) -> Message:
    """`/smserror stats [days]`: the channel's top codes, each against the period before, then
    what provider webhooks reported to it."""
    where = _where(channel)
    if reported:
        pasted = stats_message(channel, period, current, before)
        extra = reported_blocks(reported, say("stats.reported_heading", days=days(period)))
        return Message(pasted.text, (*pasted.blocks, *extra))
    if not current:
        text = say("stats.none", where=where, days=days(period))
        blocks = [section(text), context(say("stats.none_hint"))]
        return Message(fallback(say("stats.none_plain", days=days(period))), tuple(blocks))
    lines = [
        say(
            "stats.line",
            n=n,
            label=escape(entry.label),
            title=escape(spoken(entry).title),
            count=count,
            change=_change(count, before.get(entry.key, 0)),
        )
        for n, (entry, count) in enumerate(current, start=1)
    ]
    heading = say("stats.heading", where=where, days=days(period))
    blocks = _sections(f"*{heading}*", lines)
    blocks.append(context(say("stats.legend", days=days(period))))
    top = ", ".join(f"{entry.label} ({count})" for entry, count in current)
    return Message(fallback(say("stats.plain", days=days(period), top=top)), tuple(blocks))
