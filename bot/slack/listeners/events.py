"""Messages and mentions: auto-replies in threads, answers to mentions and DMs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.answers import Incoming
from bot.cards.ids import is_dm
from bot.channels import ChannelSettings
from bot.detect import might_hold_a_code
from bot.slack.services import services
from bot.slack.text import mentions, message_text, without_mention

log = logging.getLogger(__name__)

# Subtypes that carry something a person (or an integration) said; joins, deletions, topic
# changes and the like are never answered.
SAID = {None, "bot_message", "thread_broadcast", "file_share", "me_message"}
ANSWERED_EVENTS = ("message", "app_mention")


def register(app: App) -> None:
    # The decision, and the job that will post it, are written before Slack gets its 200
    # (a global middleware runs before the ack; a listener runs after it): Slack never
    # redelivers an acknowledged event, so an answer decided after the ack is lost when the
    # process dies in between. A database that cannot take the write fails the request, and
    # Slack delivers the event again later. Posting is left to the delivery workers.
    app.middleware(take_in)
    for event in ANSWERED_EVENTS:
        app.event(event)(_already_taken_in)


def _already_taken_in() -> None:
    """The event was answered (or not) by take_in; the listener only lets Bolt acknowledge."""


def take_in(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> None:
    event = body.get("event") if body.get("type") == "event_callback" else None
    if isinstance(event, dict) and event.get("type") in ANSWERED_EVENTS:
        try:
            if event["type"] == "message":
                on_message(event, context)
            else:
                on_mention(event, context)
        except Exception as error:
            if services(context).store.unavailable(error):
                raise  # not acknowledged (HTTP 500): Slack sends it again, and it is answered
            # An event shaped as Slack never sends one: answering it again cannot help.
            log.exception("event %s could not be read; acknowledged, not answered", event["type"])
    next()


def on_message(event: dict[str, Any], context: BoltContext) -> None:
    subtype = event.get("subtype")
    edited = subtype == "message_changed"
    message = (event.get("message") or {}) if edited else event
    if not isinstance(message, dict) or not isinstance(event.get("channel"), str):
        outcome = "malformed"
    elif edited or subtype in SAID:
        outcome = _answer(event, message, edited, context)
    else:
        outcome = f"ignored-{subtype}"
    log.info(
        "message channel=%s ts=%s outcome=%s",
        event.get("channel"),
        message.get("ts") if isinstance(message, dict) else None,
        outcome,
    )


def _answer(
    event: dict[str, Any], message: dict[str, Any], edited: bool, context: BoltContext
) -> str:
    shared = services(context)
    channel = event["channel"]
    if not isinstance(message.get("ts"), str):
        return "malformed"
    text = message_text(message)
    direct = event.get("channel_type") == "im" or is_dm(channel)
    asked = not edited and (direct or mentions(text, context.bot_user_id))
    if not asked and not might_hold_a_code(text):
        return "no-codes"  # most messages: decided without a settings read or a write
    settings = shared.store.settings(channel)
    if skipped := _not_for_us(message, settings, context):
        return skipped
    incoming = Incoming(
        channel=channel,
        ts=message["ts"],
        text=text,
        thread_ts=message.get("thread_ts"),
        edit_ts=event.get("ts") if edited else None,
    )
    if asked:
        # A mention also arrives as app_mention; both paths claim the same key, one answers.
        question = without_mention(text, context.bot_user_id)
        outcome = shared.answers.asked(incoming, question, settings)
    else:
        outcome = shared.answers.auto_reply(incoming, settings)
    shared.wake()
    return outcome


def on_mention(event: dict[str, Any], context: BoltContext) -> None:
    shared = services(context)
    channel = event.get("channel", "")
    outcome = "malformed"
    if isinstance(channel, str) and isinstance(event.get("ts"), str):
        settings = shared.store.settings(channel)
        if not (outcome := _not_for_us(event, settings, context)):
            text = message_text(event)
            incoming = Incoming(channel, event["ts"], text, thread_ts=event.get("thread_ts"))
            question = without_mention(text, context.bot_user_id)
            outcome = shared.answers.asked(incoming, question, settings)
            shared.wake()
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
