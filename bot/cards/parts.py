"""Block pieces that messages and views share: bounded blocks, an entry's card, the usage.

Every piece of text that is not our own markup goes through bot.core.escape.escape before it
lands in mrkdwn; plain_text fields are never parsed by Slack, so they carry text as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from bot.cards import kit, limits
from bot.cards.ids import ACTION_SHARE, details_action, entry_ref, escalate_action
from bot.cards.phrases import (
    escalation_lines,
    first_sentence,
    headline,
    kind_and_retry,
    retry_advice,
    spoken,
)
from bot.core.catalog import Entry
from bot.core.escape import escape
from bot.strings import current, say

Blocks = list[dict]


# -- bounded blocks ----------------------------------------------------------------------------


def mrkdwn(text: str, limit: int = limits.SECTION_TEXT) -> kit.Text:
    return kit.mrkdwn_text(limits.clip(text, limit, markup=True))


def plain(text: str, limit: int) -> kit.Text:
    return kit.plain_text(limits.clip(text, limit))


def header(text: str) -> dict:
    return kit.header_block(plain(text, limits.HEADER_TEXT))


def section(text: str, accessory: kit.Element | None = None) -> dict:
    return kit.section_block(mrkdwn(text), accessory)


def context(*texts: str) -> dict:
    shown = texts[: limits.CONTEXT_ELEMENTS]
    return kit.context_block([mrkdwn(t, limits.CONTEXT_TEXT) for t in shown])


def divider() -> dict:
    return kit.divider_block()


def button(text: str, action_id: str, value: str, *, primary: bool = False) -> kit.Element:
    return kit.button(
        plain(text, limits.BUTTON_TEXT),
        limits.check_value(action_id, limits.ACTION_ID),
        limits.check_value(value),
        style="primary" if primary else None,
    )


def actions(*elements: kit.Element) -> dict:
    return kit.actions_block(elements)


def link(url: str, label: str) -> str:
    """A mrkdwn link; "|" would end the URL early, so it is percent-encoded."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def fallback(text: str) -> str:
    """The message's top-level text: Slack parses it as mrkdwn, so it is escaped too."""
    return limits.clip(escape(text), limits.FALLBACK_TEXT, markup=True)


def stack(
    head: Blocks,
    cards: Sequence[Blocks],
    *,
    limit: int,
    more: Callable[[int], str],
    separate: bool = True,
) -> Blocks:
    """`head`, then the cards (a divider between them), as many as fit in `limit` blocks.

    When some do not fit, a context line `more(k)` (k = how many were left out) ends the list;
    a block is kept free for it as long as cards remain.
    """
    out = list(head)
    for i, card in enumerate(cards):
        piece = ([divider()] if i and separate else []) + card
        reserve = 1 if i < len(cards) - 1 else 0
        if len(out) + len(piece) + reserve > limit:
            out.append(context(more(len(cards) - i)))
            break
        out += piece
    return out


# -- an entry's card ---------------------------------------------------------------------------


def summary(entry: Entry) -> str:
    """ "Twilio 30007: Message filtered … — A carrier or the network stopped the message …" """
    return f"{headline(entry)} — {first_sentence(spoken(entry).cause)}"


def facts(entry: Entry) -> str:
    """Provider, code, scope, category and retry advice on one line."""
    scope = f" ({entry.scope.replace('_', ' ')})" if entry.scope else ""
    return escape(
        say(
            "card.facts",
            provider=entry.provider_name,
            code=entry.code,
            scope=scope,
            kind=kind_and_retry(entry),
        )
    )


def share_button(entry: Entry) -> kit.Element:
    return button(say("card.share"), ACTION_SHARE, entry_ref(entry))


def details_button(entry: Entry) -> kit.Element:
    return button(say("card.details"), details_action(entry), entry_ref(entry))


def escalate_button(entry: Entry, *, primary: bool = False) -> kit.Element:
    return button(say("card.escalate"), escalate_action(entry), entry_ref(entry), primary=primary)


def entry_blocks(
    entry: Entry,
    *,
    share: bool = False,
    note: str | None = None,
    recurring: str | None = None,
) -> Blocks:
    """The full card: what happened, how to fix it, whether to retry, when to escalate.

    Entries with escalation guidance carry an Escalate button beside that guidance, the thing
    it acts on. `recurring` (plain text, from bot.core.escalation.recurrence.note) says the channel
    has reached the provider's bar: it goes right above the guidance and the button turns
    primary.
    """
    top = [context(escape(note))] if note else []
    return top + fresh(_card(spoken(entry), share, recurring, current()))


# A card depends on nothing but these arguments, so each is built once and handed out as copies
# (built through slack_sdk's models, as it once was, a card took about a quarter of a thread
# reply's CPU). The note stays out of the key: it may carry a person's name or query.
@lru_cache(maxsize=512)
def _card(entry: Entry, share: bool, recurring: str | None, lang: str) -> Blocks:
    """The card in `lang` (a key of the cache: the same entry reads differently in each)."""
    blocks = [
        header(headline(entry)),
        context(facts(entry)),
        section(f"*{say('card.what_happened')}*\n{escape(entry.cause)}"),
    ]
    steps = "\n".join(f"{n}. {escape(step)}" for n, step in enumerate(entry.fix, start=1))
    retry = say("card.retry", advice=escape(retry_advice(entry)))
    blocks.append(section(f"*{say('card.how_to_fix')}*\n{steps}\n{retry}"))
    if entry.escalation:
        if recurring:
            blocks.append(section(f"*{escape(recurring)}*"))
        lines = [escape(line) for line in escalation_lines(entry.escalation)]
        team = escape(entry.escalation.team)
        blocks.append(
            section(
                f"*{say('card.when_to_escalate', team=team)}*\n" + "\n".join(lines),
                escalate_button(entry, primary=bool(recurring)),
            )
        )
    more = []
    if entry.docs_url:
        more.append(link(entry.docs_url, say("card.docs", provider=entry.provider_name)))
    if entry.aliases:
        more.append(say("card.aliases", aliases=escape(", ".join(entry.aliases))))
    if more:
        blocks.append(context(*more))
    if share:
        blocks.append(actions(share_button(entry)))
    return blocks


def compact_blocks(entry: Entry, *, share: bool = False, recurring: str | None = None) -> Blocks:
    """One entry in a list: title, one-line cause, first fix step, then Details, Share (when
    asked) and Escalate (when the entry has guidance; primary with a `recurring` note)."""
    entry = spoken(entry)
    text = f"*{escape(headline(entry))}*\n{escape(first_sentence(entry.cause))}\n" + say(
        "card.first_step", step=escape(entry.fix[0])
    )
    buttons = [details_button(entry)] + ([share_button(entry)] if share else [])
    if entry.escalation:
        if recurring:
            text += f"\n*{escape(recurring)}*"
        buttons.append(escalate_button(entry, primary=bool(recurring)))
    return [section(text), actions(*buttons)]


def fresh(blocks: Any) -> Any:
    """A deep copy of blocks (dicts, lists and plain values), so no caller can change a kept
    card; keys keep their order, so the JSON is the same byte for byte."""
    if isinstance(blocks, dict):
        return {key: fresh(value) for key, value in blocks.items()}
    if isinstance(blocks, list):
        return [fresh(value) for value in blocks]
    return blocks


# -- how to use smserror -----------------------------------------------------------------------


def usage_blocks() -> Blocks:
    """How to reach smserror, with examples: the help message and App Home both show it."""
    lines = "\n".join(
        f"• `{example}`  {say(f'help.command_{name}')}" for name, example in _COMMANDS
    )
    elsewhere = "\n".join(say(f"help.{way}") for way in _WAYS)
    return [
        section(f"{say('help.ask_heading')}\n{lines}"),
        section(f"{say('help.elsewhere_heading')}\n{elsewhere}"),
    ]


# What the help shows, in order: each command's example (said as typed, in any language) and
# the string-table key of what it does; then the other ways to ask.
_COMMANDS = (
    ("code", "/smserror 21610"),
    ("provider_code", "/smserror twilio 30007"),
    ("words", "/smserror opted out"),
    ("stats", "/smserror stats [days]"),
    ("escalations", "/smserror escalations"),
    ("watch", "/smserror watch [provider]"),
    ("settings", "/smserror settings"),
    ("help", "/smserror help"),
)
_WAYS = ("threads", "mentions", "dms", "shortcut")


def slack_date(when: datetime, token: str = "{date_short_pretty} {time}") -> str:
    """A Slack date token: each reader sees their own time zone; the text after | is for
    clients that cannot show it."""
    utc = when.astimezone(timezone.utc)
    return f"<!date^{int(utc.timestamp())}^{token}|{utc:%Y-%m-%d %H:%M} UTC>"
