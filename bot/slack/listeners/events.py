"""Messages and mentions: auto-replies in threads, answers to mentions and DMs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.cards.ids import is_dm
from bot.core.answers import TAKEN_IN
from bot.core.detect import might_hold_a_code
from bot.core.records import TakenIn
from bot.slack.services import services
from bot.slack.text import mentions, message_text, without_mention

log = logging.getLogger(__name__)

# Subtypes that carry something a person (or an integration) said; joins, deletions, topic
# changes and the like are never answered.
SAID = {None, "bot_message", "thread_broadcast", "file_share", "me_message"}
ANSWERED_EVENTS = ("message", "app_mention")


def register(app: App) -> None:
    # A message that may need an answer is written down before Slack gets its 200: Slack never
    # redelivers an acknowledged event, so one kept only in memory is lost when the process dies
    # after the ack. Only that one write happens before the ack; deciding, and posting, are left
    # to the delivery workers. A database that cannot take the write fails the request, and
    # Slack delivers the event again later.
    app.middleware(take_in)


def take_in(
    body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Take in a message or mention, and acknowledge it here: a global middleware that answers
    ends Bolt's dispatch. Why here and not in a listener: Bolt runs listeners on its thread pool
    after the ack, and that hand-over alone doubled a busy core's ack latency (bench/load_bench)
    for a listener with nothing left to do. Every other request goes on to its listener."""
    event = body.get("event") if body.get("type") == "event_callback" else None
    if isinstance(event, dict) and event.get("type") in ANSWERED_EVENTS:
        try:
            outcome, ts = (on_message if event["type"] == "message" else on_mention)(event, context)
        except Exception as error:
            if services(context).store.unavailable(error):
                raise  # not acknowledged (HTTP 500): Slack sends it again, and it is answered
            # An event shaped as Slack never sends one: answering it again cannot help.
            log.exception("event %s could not be read; acknowledged, not answered", event["type"])
        else:
            if outcome == TAKEN_IN:
                services(context).wake()
                log.debug("%s channel=%s ts=%s taken in", event["type"], event.get("channel"), ts)
            else:  # decided already: the one log line for this delivery of the event
                log.info(
                    "%s channel=%s ts=%s outcome=%s",
                    event["type"],
                    event.get("channel"),
                    ts,
                    outcome,
                )
        return BoltResponse(status=200, body="")
    next()
    return None


def on_message(event: dict[str, Any], context: BoltContext) -> tuple[str, Any]:
    """The outcome, when it is known before the ack (else TAKEN_IN), and the message's ts."""
    subtype = event.get("subtype")
    edited = subtype == "message_changed"
    message = (event.get("message") or {}) if edited else event
    if not isinstance(message, dict) or not isinstance(event.get("channel"), str):
        return "malformed", None
    ts = message.get("ts")
    if not (edited or subtype in SAID):
        return f"ignored-{subtype}", ts
    if not isinstance(ts, str):
        return "malformed", ts
    if _is_own(message, context):
        return "own-message", ts
    channel = event["channel"]
    text = message_text(message)
    direct = event.get("channel_type") == "im" or is_dm(channel)
    asked = not edited and (direct or mentions(text, context.bot_user_id))
    if not asked and not might_hold_a_code(text):
        return "no-codes", ts  # most messages: decided without a write
    taken = TakenIn(
        kind="message",
        channel=channel,
        ts=ts,
        # A mention also arrives as app_mention; both are kept under one key, one is answered.
        text=without_mention(text, context.bot_user_id) if asked else text,
        thread_ts=message.get("thread_ts"),
        edit_ts=event.get("ts") if edited else None,
        asked=asked,
        from_bot=_is_bot(message),
    )
    return services(context).answers.take_in(taken), ts


def on_mention(event: dict[str, Any], context: BoltContext) -> tuple[str, Any]:
    channel, ts = event.get("channel"), event.get("ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        return "malformed", ts
    if _is_own(event, context):
        return "own-message", ts
    taken = TakenIn(
        kind="app_mention",
        channel=channel,
        ts=ts,
        text=without_mention(message_text(event), context.bot_user_id),
        thread_ts=event.get("thread_ts"),
        asked=True,
        from_bot=_is_bot(event),
    )
    return services(context).answers.take_in(taken), ts


def _is_own(message: dict[str, Any], context: BoltContext) -> bool:
    """Bolt already drops our own events; this also covers edits of our messages."""
    return bool(
        (message.get("bot_id") and message.get("bot_id") == context.bot_id)
        or (message.get("user") and message.get("user") == context.bot_user_id)
    )


def _is_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
