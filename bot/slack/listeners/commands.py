"""/smserror: look up a code or words (privately), help, and the channel settings modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.answers import asks_for_help
from bot.cards.blocks import help_message, lookup_reply, settings_modal
from bot.cards.ids import is_channel
from bot.escape import unescape
from bot.lookup import lookup
from bot.slack.errors import reported
from bot.slack.services import services

log = logging.getLogger(__name__)

COMMAND = "/smserror"
SETTINGS_IN_DM = (
    "Settings belong to a channel: run `/smserror settings` in the channel you want to change, "
    "or open my App Home tab."
)


def register(app: App) -> None:
    app.command(COMMAND)(reported(on_command))


def on_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    text = unescape(command.get("text") or "").strip()
    channel = command.get("channel_id", "")
    if text.casefold() == "settings":
        outcome = _open_settings(ack, command, client, context)
    elif asks_for_help(text):
        # The reply goes back in the acknowledgement itself: it is private to the person who
        # typed the command, and works in channels the bot is not in.
        ack(response_type="ephemeral", **help_message().kwargs())
        outcome = "help"
    else:
        answer = lookup(text)
        ack(response_type="ephemeral", **lookup_reply(answer).kwargs())
        outcome = f"lookup hits={len(answer.hits)}"
    log.info("command %s channel=%s outcome=%s", COMMAND, channel, outcome)


def _open_settings(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> str:
    channel = command.get("channel_id", "")
    if not is_channel(channel):
        ack(response_type="ephemeral", text=SETTINGS_IN_DM)
        return "settings-not-a-channel"
    ack()
    shared = services(context)
    view = settings_modal(channel, shared.store.settings(channel), shared.providers)
    client.views_open(trigger_id=command["trigger_id"], view=view)
    return "settings-opened"
