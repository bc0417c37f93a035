"""An alert's buttons (Escalate with the failures filled in, Mute 24 h / 7 days) and App Home's
Unmute: each allowed only to members of the alert's channel, checked from the click itself."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.cards.ids import (
    ACTION_ALERT_ESCALATE,
    ACTION_ALERT_UNMUTE,
    ALERT_MUTE_PATTERN,
    Forged,
)
from bot.cards.parts import slack_date
from bot.core.escalation.recurrence import needed
from bot.core.records import AlertRecord, Example, Mute
from bot.slack.errors import reported
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import Click
from bot.slack.services import Services, services
from bot.strings import say

log = logging.getLogger(__name__)

MUTE_FOR = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}


def register(app: App) -> None:
    app.action(ACTION_ALERT_ESCALATE)(reported(on_alert_escalate))
    app.action(ALERT_MUTE_PATTERN)(reported(on_alert_mute))
    app.action(ACTION_ALERT_UNMUTE)(reported(on_alert_unmute))


def _alert(shared: Services, value: Any) -> AlertRecord:
    """The alert a button names; Forged for anything that is not one of ours."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12):
        raise Forged("an alert button's value is its alert id")
    alert = shared.store.alert_by_id(int(value))
    if alert is None:
        raise Forged(f"no alert {value}")
    return alert


def _members_only(click: Click, channel: str, client: WebClient, respond: Respond) -> bool:
    """True (and the person told) when they are not in `channel`."""
    if SlackOutbox(client).is_member(channel, click.user):
        return False
    respond(
        text=say("alert.members_only", channel=channel),
        response_type="ephemeral",
        replace_original=False,
    )
    return True


def on_alert_escalate(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """The escalation form, filled in with the alert's most recent failures."""
    ack()
    shared = services(context)
    alert = _alert(shared, action.get("value"))
    click = Click.read(body)
    if _members_only(click, alert.channel, client, respond):
        return
    entry = shared.catalog.get(alert.provider, alert.code)
    if entry is None or shared.watch is None:
        raise Forged(f"alert {alert.id} names no catalog entry")
    now = datetime.now(timezone.utc)
    failures = shared.watch.examples(alert, needed(entry), now)
    examples = [Example(f.message_id, f.failed_at, f.recipient) for f in failures]
    view = shared.escalations.form(
        entry, channel=alert.channel, thread_ts=None, out=SlackOutbox(client), examples=examples
    )
    client.views_open(trigger_id=click.trigger_id, view=view)
    log.info("action alert_escalate alert=%s examples=%d", alert.id, len(examples))


def on_alert_mute(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    shared = services(context)
    alert = _alert(shared, action.get("value"))
    length = MUTE_FOR.get(str(action.get("action_id", "")).removeprefix("alert_mute:"))
    if length is None:
        raise Forged("a mute button names 24h or 7d")
    click = Click.read(body)
    if _members_only(click, alert.channel, client, respond):
        return
    until = datetime.now(timezone.utc) + length
    shared.store.mute(Mute(alert.channel, alert.provider, alert.code, until, click.user))
    label = _label(shared, alert.provider, alert.code)
    respond(
        text=say(
            "alert.muted",
            label=label,
            channel=alert.channel,
            until=slack_date(until),
        ),
        response_type="ephemeral",
        replace_original=False,
    )
    log.info("action alert_mute alert=%s for=%s user=%s", alert.id, length, click.user)


def on_alert_unmute(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """App Home's Unmute: value "<channel>:<provider>:<code>"."""
    ack()
    shared = services(context)
    parts = str(action.get("value", "")).split(":")
    if len(parts) != 3:
        raise Forged("an unmute button names channel:provider:code")
    channel, provider, code = parts
    click = Click.read(body)
    if not SlackOutbox(client).is_member(channel, click.user):
        log.info("action alert_unmute refused: %s is not in %s", click.user, channel)
    else:
        shared.store.unmute(channel, provider, code)
        log.info("action alert_unmute channel=%s %s %s", channel, provider, code)
    from bot.slack.listeners.home import publish_home  # the tab shows what is muted now

    publish_home(client, click.user, shared)


def _label(shared: Services, provider: str, code: str) -> str:
    return f"{shared.catalog.providers.get(provider, provider)} {code}"
