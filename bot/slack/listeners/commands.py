"""/smserror: look up a code or words (privately), help, and the channel settings modal."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import help_message, lookup_reply, settings_modal
from bot.cards.ids import is_channel
from bot.core.command import parse
from bot.core.escalation.service import visible_to
from bot.core.escape import unescape
from bot.core.lookup import lookup
from bot.core.stats import channel_stats
from bot.metrics import count_reply
from bot.slack.errors import reported
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import SlashCommand
from bot.slack.services import services
from bot.strings import say

log = logging.getLogger(__name__)

COMMAND = "/smserror"


def register(app: App) -> None:
    app.command(COMMAND)(reported(on_command))


def on_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    typed = SlashCommand.read(command)
    asked = parse(unescape(typed.text))
    channel = typed.channel
    # Replies go back in the acknowledgement itself: private to the person who typed the
    # command, and they work in channels the bot is not in.
    if asked.kind == "settings":
        outcome = _open_settings(ack, typed, client, context)
    elif asked.kind == "help":
        ack(response_type="ephemeral", **help_message().kwargs())
        outcome = "help"
    elif asked.kind == "bad":
        ack(response_type="ephemeral", text=asked.problem)
        outcome = "bad-command"
    elif asked.kind == "stats":
        if not SlackOutbox(client).is_member(channel, typed.user):
            ack(response_type="ephemeral", text=say("stats.members_only"))
            outcome = "stats-not-a-member"
        else:
            shared = services(context)
            now = datetime.now(timezone.utc)
            reply = channel_stats(shared.store, shared.catalog, channel, asked.days, now=now)
            ack(response_type="ephemeral", **reply.kwargs())
            outcome = f"stats days={asked.days}"
    elif asked.kind == "escalations":
        visible = visible_to(SlackOutbox(client), typed.user)
        reply = services(context).escalations.open_list(typed.user, visible)
        ack(response_type="ephemeral", **reply.kwargs())
        outcome = "escalations"
    else:
        # The channel's providers come first and let their small codes count.
        preferred = (
            services(context).store.settings(channel).providers if is_channel(channel) else ()
        )
        answer = lookup(asked.query, prefer=preferred)
        ack(response_type="ephemeral", **lookup_reply(answer).kwargs())
        outcome = f"lookup hits={len(answer.hits)}"
    count_reply("command")
    log.info("command %s channel=%s outcome=%s", COMMAND, channel, outcome)


def _open_settings(ack: Ack, command: SlashCommand, client: WebClient, context: BoltContext) -> str:
    channel = command.channel
    if not is_channel(channel):
        ack(response_type="ephemeral", text=say("settings.in_a_dm"))
        return "settings-not-a-channel"
    if not SlackOutbox(client).is_member(channel, command.user):
        ack(response_type="ephemeral", text=say("settings.members_only", channel=channel))
        return "settings-not-a-member"
    ack()
    shared = services(context)
    view = settings_modal(channel, shared.store.settings(channel), shared.providers)
    client.views_open(trigger_id=command.trigger_id, view=view)
    return "settings-opened"
