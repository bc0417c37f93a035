"""The alert a channel gets when a code's provider-reported failures pass a threshold: one
message per code, updated in place as the count grows (bot.core.alerting)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot.cards.escalation import _number
from bot.cards.ids import ACTION_ALERT_ESCALATE, ACTION_ALERT_MUTE
from bot.cards.message import Message
from bot.cards.parts import actions, button, context, details_button, section
from bot.cards.phrases import first_sentence, headline, spoken
from bot.core.catalog import Entry
from bot.core.escape import escape
from bot.strings import current, number, say

MUTES = ("24h", "7d")  # the Mute buttons, and how long each mutes for (bot.core.alerting)


@dataclass(frozen=True)
class AlertFigures:
    alert_id: int
    provider: str
    code: str
    failures: int
    recipients: int
    first_at: datetime
    last_at: datetime
    senders: tuple[str, ...]
    rate: float  # 0..1; 0 when nothing was counted delivered
    baseline: float  # the same code's rate over the day before


def _minutes(figures: AlertFigures) -> int:
    return max(1, math.ceil((figures.last_at - figures.first_at).total_seconds() / 60))


def _senders(senders: tuple[str, ...]) -> str:
    if not senders:
        return ""
    if len(senders) > 1:
        return say("alert.from_senders", count=len(senders))
    return say("alert.from_sender", sender=_number(senders[0], masked=True))


def _percent(rate: float) -> str:
    """0.004 -> "0.4%" ("0,4 %" in French: its decimal comma and the space before %)."""
    shown = f"{rate * 100:.1f}".removesuffix(".0")
    return shown.replace(".", ",") + "\u202f%" if current() == "fr" else shown + "%"


def alert_line(figures: AlertFigures) -> str:
    """ "42 failures in 15 min to 38 recipients, from +1 415 ••• ••12; failure rate 7% (0.4% the
    day before)" """
    line = say(
        "alert.counts",
        count=figures.failures,
        failures=number(figures.failures),
        minutes=_minutes(figures),
        recipients=say("alert.recipients", count=figures.recipients),
    )
    if sender := _senders(figures.senders):
        line = say("alert.with_sender", counts=line, sender=sender)
    if figures.rate:
        rate = say("alert.rate", rate=_percent(figures.rate), baseline=_percent(figures.baseline))
        line = say("alert.with_rate", counts=line, rate=rate)
    return line


def alert_message(figures: AlertFigures, entry: Entry | None, *, provider_name: str) -> Message:
    value = str(figures.alert_id)
    code = escape(figures.code) if figures.code else say("alert.no_code")
    if entry is None:
        title = say("alert.title_unknown", provider=escape(provider_name), code=code)
        body = [section(f"*{title}*\n{alert_line(figures)}")]
        buttons = []
    else:
        entry = spoken(entry)
        title = escape(headline(entry))
        lines = [f"*{title}*", alert_line(figures)]
        lines.append(say("alert.cause", cause=escape(first_sentence(entry.cause))))
        if entry.fix:
            lines.append(say("alert.first_step", step=escape(entry.fix[0])))
        body = [section("\n".join(lines))]
        buttons = [
            details_button(entry),
            button(say("alert.escalate"), ACTION_ALERT_ESCALATE, value, primary=True),
        ]
    buttons += [button(say(f"alert.mute_{m}"), f"{ACTION_ALERT_MUTE}:{m}", value) for m in MUTES]
    blocks = (*body, context(say("alert.footer")), actions(*buttons))
    fallback = f"{title} — {alert_line(figures)}"
    return Message(fallback, blocks)
