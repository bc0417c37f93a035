"""Block Kit messages for Slack, and the one import the listeners need for every card and view.

Pure functions: entries and answers in, bot.cards.message.Message (fallback text + block dicts)
or view dicts out. Action and callback ids come from bot.cards.ids, views from bot.cards.views;
both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.cards import limits
from bot.cards.escalation import (
    EscalationSource,
    escalation_modal,
    escalation_receipt,
    escalation_update,
    escalations_list,
    read_escalation_submission,
    stats_message,
    support_message,
)
from bot.cards.ids import (
    ACTION_ESCALATION_ACK,
    ACTION_ESCALATION_RESOLVE,
    ACTION_SETTINGS_PICK,
    ACTION_SHARE,
    CALLBACK_ESCALATION,
    CALLBACK_EXPLAIN_VIEW,
    CALLBACK_SETTINGS,
    DETAILS_PATTERN,
    ESCALATE_PATTERN,
    SETTINGS_ANSWER_BOTS,
    SETTINGS_AUTO_REPLY,
    SETTINGS_OPEN_PATTERN,
    SETTINGS_PROVIDERS,
    SETTINGS_SUPPORT_CHANNEL,
    SHORTCUT_EXPLAIN,
    SUGGEST_PATTERN,
    EntryKey,
    entry_ref,
    parse_ref,
    suggest_action,
)
from bot.cards.message import Message
from bot.cards.parts import (
    Blocks,
    actions,
    button,
    compact_blocks,
    context,
    entry_blocks,
    fallback,
    header,
    section,
    stack,
    summary,
    usage_blocks,
)
from bot.cards.phrases import headline, no_answer, no_answer_fallback
from bot.cards.views import (
    FieldError,
    explain_modal,
    home_view,
    members_only_modal,
    read_settings_submission,
    settings_modal,
    shortcut_source,
)
from bot.core.catalog import Entry
from bot.core.escape import escape
from bot.core.lookup import EXACT, Answer, best_entries
from bot.strings import say

__all__ = [
    "ACTION_ESCALATION_ACK",
    "ACTION_ESCALATION_RESOLVE",
    "ACTION_SETTINGS_PICK",
    "ACTION_SHARE",
    "CALLBACK_ESCALATION",
    "CALLBACK_EXPLAIN_VIEW",
    "CALLBACK_SETTINGS",
    "DETAILS_PATTERN",
    "ESCALATE_PATTERN",
    "SETTINGS_ANSWER_BOTS",
    "SETTINGS_AUTO_REPLY",
    "SETTINGS_OPEN_PATTERN",
    "SETTINGS_PROVIDERS",
    "SETTINGS_SUPPORT_CHANNEL",
    "SHORTCUT_EXPLAIN",
    "SUGGEST_PATTERN",
    "EntryKey",
    "EscalationSource",
    "FieldError",
    "compact_card",
    "entry_card",
    "entry_ref",
    "escalation_modal",
    "escalation_receipt",
    "escalation_update",
    "escalations_list",
    "explain_modal",
    "help_message",
    "home_view",
    "lookup_reply",
    "matches_reply",
    "members_only_modal",
    "parse_ref",
    "read_escalation_submission",
    "read_settings_submission",
    "settings_modal",
    "shortcut_source",
    "stats_message",
    "support_message",
]


def entry_card(
    entry: Entry, *, share: bool = False, note: str | None = None, recurring: str | None = None
) -> Message:
    """One entry in full; `share` adds "Share in channel", `note` (plain text) a line on top,
    `recurring` (plain text) says the channel has seen it often enough to escalate."""
    blocks = entry_blocks(entry, share=share, note=note, recurring=recurring)
    return Message(fallback(summary(entry)), tuple(blocks))


def compact_card(entry: Entry, *, share: bool = False, recurring: str | None = None) -> Blocks:
    """One entry in a list: title, first sentence of the cause, first fix step, Details."""
    return compact_blocks(entry, share=share, recurring=recurring)


def _list(
    intro: str, entries: Sequence[Entry], cards: Sequence[Blocks], *, note: str | None, more: str
) -> Message:
    """An intro line (plain text) and one card per entry, within the message block limit."""
    head = ([context(escape(note))] if note else []) + [section(escape(intro))]
    blocks = stack(
        head,
        cards,
        limit=limits.MESSAGE_BLOCKS,
        more=lambda k: say("reply.list_more", count=k, more=more),
    )
    labels = ", ".join(e.label for e in entries)
    return Message(fallback(f"{intro}: {labels}"), tuple(blocks))


def matches_reply(
    entries: Sequence[Entry],
    *,
    note: str | None = None,
    recurring: Mapping[EntryKey, str] | None = None,
) -> Message:
    """The thread reply to a message with codes in it: one full card, or a compact list.

    `recurring` maps an entry's key to its bot.core.escalation.recurrence.note, for the codes this
    channel has seen often enough to escalate.
    """
    if not entries:
        raise ValueError("matches_reply needs at least one entry")
    notes = recurring or {}
    if len(entries) == 1:
        return entry_card(entries[0], note=note, recurring=notes.get(entries[0].key))
    return _list(
        say("reply.codes_in_message", count=len(entries)),
        entries,
        [compact_card(e, recurring=notes.get(e.key)) for e in entries],
        note=note,
        more=say("reply.explains_each"),
    )


def lookup_reply(answer: Answer) -> Message:
    """The ephemeral answer to `/smserror QUERY`, each card with a "Share in channel" button.

    One or two entries come as full cards, more as compact cards with Details; no match names
    the closest entries as buttons. An empty query gets the help message.
    """
    if not answer.query.strip():
        return help_message()
    entries = list(best_entries(answer))
    if not entries:
        return _no_match(answer)
    if len(entries) == 1:
        return entry_card(entries[0], share=True, note=words_note(answer))
    if len(entries) == 2:
        cards = [entry_blocks(e, share=True) for e in entries]
    else:
        cards = [compact_card(e, share=True) for e in entries]
    return _list(
        say("reply.entries_match", count=len(entries), query=answer.query),
        entries,
        cards,
        note=words_note(answer),
        more=say("reply.narrow_it_down"),
    )


def words_note(answer: Answer) -> str | None:
    """A line above cards that answer words rather than the exact code or name typed."""
    if not answer.hits or answer.hits[0].score >= EXACT:
        return None
    return say("reply.closest_match", query=answer.query)


def _no_match(answer: Answer) -> Message:
    first, lines = no_answer(answer)
    blocks: Blocks = [section(escape(first))]
    if lines:
        blocks.append(context("\n".join(escape(line) for line in lines)))
    if answer.suggestions:
        blocks.append(section(f"*{say('no_answer.did_you_mean')}*"))
        buttons = [
            button(headline(e), suggest_action(n), entry_ref(e))
            for n, e in enumerate(answer.suggestions)
        ]
        blocks.append(actions(*buttons))
    blocks.append(context(f"{say('help.query_hint')} {say('help.help_hint')}"))
    return Message(fallback(no_answer_fallback(answer)), tuple(blocks))


def help_message() -> Message:
    """`/smserror help` and an empty `/smserror`: what smserror does and how to ask it."""
    blocks = [header(say("help.title")), section(say("help.about")), *usage_blocks()]
    return Message(fallback(f"{say('help.plain')} {say('help.query_hint')}"), tuple(blocks))
