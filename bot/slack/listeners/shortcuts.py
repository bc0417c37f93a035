"""The "Explain SMS errors" message shortcut: a private modal, in any channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import SHORTCUT_EXPLAIN, explain_modal
from bot.core.answers import entries_in
from bot.core.lookup import default_lookup
from bot.slack.errors import reported
from bot.slack.services import services
from bot.slack.text import message_text

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.shortcut(SHORTCUT_EXPLAIN)(reported(on_explain))


def on_explain(ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    # A modal, not a message: it reaches only the person who asked, and needs no membership
    # in the channel (the bot may not be in it).
    ack()
    channel = (shortcut.get("channel") or {}).get("id", "")
    settings = services(context).store.settings(channel)
    message = shortcut.get("message") or {}
    text = message_text(message)
    entries = entries_in(text, settings)
    unknown = [] if entries else default_lookup().unknown_in(text, prefer=settings.providers)
    # The message's thread, so an escalation made from the modal links to it and reports there.
    thread = message.get("thread_ts") or message.get("ts")
    view = explain_modal(
        entries, nothing_found=not entries, channel=channel, message_ts=thread, unknown=unknown
    )
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)
    log.info("shortcut %s channel=%s entries=%d", SHORTCUT_EXPLAIN, channel, len(entries))
