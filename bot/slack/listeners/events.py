"""Messages and mentions: auto-replies in threads, answers to mentions and DMs."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.answers import Incoming, MaybeSent, Reply, Send
from bot.cards.ids import is_dm
from bot.channels import ChannelSettings
from bot.slack.client import maybe_sent
from bot.slack.services import services
from bot.slack.text import mentions, message_text, without_mention

log = logging.getLogger(__name__)

# Bolt starts a listener before the HTTP ack is written, on the same core; a listener that
# takes the GIL at once delays the ack of this and other requests (measured: ours/bare median
# ack 1.59 -> 1.24 at 200 events/s with this pause, bench/load_bench.py). Giving the core away
# for a millisecond lets the acks go out first; a thread reply is later by that millisecond.
ACK_FIRST = 0.001

# Subtypes that carry something a person (or an integration) said; joins, deletions, topic
# changes and the like are never answered.
SAID = {None, "bot_message", "thread_broadcast", "file_share", "me_message"}


def register(app: App) -> None:
    app.event("message")(on_message)
    app.event("app_mention")(on_mention)


def poster(client: WebClient) -> Send:
    def send(reply: Reply) -> None:
        thread = {"thread_ts": reply.thread_ts} if reply.thread_ts else {}
        try:
            client.chat_postMessage(channel=reply.channel, **thread, **reply.message.kwargs())
        except Exception as error:
            if maybe_sent(error):
                raise MaybeSent(f"no answer from Slack: {type(error).__name__}") from error
            raise

    return send


def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    time.sleep(ACK_FIRST)
    subtype = event.get("subtype")
    edited = subtype == "message_changed"
    message = (event.get("message") or {}) if edited else event
    if edited or subtype in SAID:
        outcome = _answer(event, message, edited, context, client)
    else:
        outcome = f"ignored-{subtype}"
    log.info(
        "message channel=%s ts=%s outcome=%s", event.get("channel"), message.get("ts"), outcome
    )


def _answer(
    event: dict[str, Any],
    message: dict[str, Any],
    edited: bool,
    context: BoltContext,
    client: WebClient,
) -> str:
    shared = services(context)
    channel = event["channel"]
    settings = shared.store.settings(channel)
    if skipped := _not_for_us(message, settings, context):
        return skipped
    text = message_text(message)
    incoming = Incoming(
        channel=channel,
        ts=message["ts"],
        text=text,
        thread_ts=message.get("thread_ts"),
        edit_ts=event.get("ts") if edited else None,
    )
    send = poster(client)
    direct = event.get("channel_type") == "im" or is_dm(channel)
    if not edited and (direct or mentions(text, context.bot_user_id)):
        # A mention also arrives as app_mention; both paths claim the same key, one answers.
        question = without_mention(text, context.bot_user_id)
        return shared.answers.asked(incoming, question, settings, send)
    return shared.answers.auto_reply(incoming, settings, send)


def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    time.sleep(ACK_FIRST)
    shared = services(context)
    channel = event.get("channel", "")
    settings = shared.store.settings(channel)
    if not (outcome := _not_for_us(event, settings, context)):
        text = message_text(event)
        incoming = Incoming(channel, event["ts"], text, thread_ts=event.get("thread_ts"))
        question = without_mention(text, context.bot_user_id)
        outcome = shared.answers.asked(incoming, question, settings, poster(client))
    log.info("app_mention channel=%s ts=%s outcome=%s", channel, event.get("ts"), outcome)


def _not_for_us(
    message: dict[str, Any], settings: ChannelSettings, context: BoltContext
) -> str | None:
    """Why a message is not ours to answer (the outcome to log), or None to answer it."""
    if _is_own(message, context):
        return "own-message"
    if _is_bot(message) and not settings.answer_bots:
        return "bot-skipped"
    return None


def _is_own(message: dict[str, Any], context: BoltContext) -> bool:
    """Bolt already drops our own events; this also covers edits of our messages."""
    return bool(
        (message.get("bot_id") and message.get("bot_id") == context.bot_id)
        or (message.get("user") and message.get("user") == context.bot_user_id)
    )


def _is_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
