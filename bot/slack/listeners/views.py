"""Modal submissions: the channel settings modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import (
    CALLBACK_SETTINGS,
    SETTINGS_AUTO_REPLY,
    SETTINGS_SUPPORT_CHANNEL,
    members_only_modal,
    read_settings_submission,
)
from bot.cards.ids import is_channel
from bot.slack.errors import StaleAction, reported
from bot.slack.listeners.home import publish_home
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import Submission
from bot.slack.services import services
from bot.strings import say

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.view(CALLBACK_SETTINGS)(reported(on_settings_submitted))


def on_settings_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    submitted = Submission.read(body)
    channel = submitted.metadata
    if not is_channel(channel):
        ack()
        raise StaleAction(f"settings modal for {channel[:40]!r}")
    shared = services(context)
    # A FieldError is answered by the error handler, under its field in the still-open modal.
    settings = read_settings_submission(submitted.values, shared.providers)
    user = submitted.user
    members = SlackOutbox(client)
    # Checked again on save: the modal may have been opened before the person left, or its
    # metadata pointed at another channel.
    if not members.is_member(channel, user):
        ack(response_action="update", view=members_only_modal(channel))
        log.info("view_submission %s channel=%s outcome=not-a-member", CALLBACK_SETTINGS, channel)
        return
    if settings.support_channel and not members.is_member(settings.support_channel, user):
        ack(
            response_action="errors",
            errors={SETTINGS_SUPPORT_CHANNEL: say("settings.support_channel_members_only")},
        )
        return
    # Saved before the modal closes: a failure keeps it open, with what was typed, and says so
    # rather than closing as if the change had been made.
    try:
        shared.store.save_settings(channel, settings, user_id=user or None)
    except Exception:
        log.exception(
            "view_submission %s channel=%s: settings not saved", CALLBACK_SETTINGS, channel
        )
        ack(response_action="errors", errors={SETTINGS_AUTO_REPLY: say("settings.not_saved")})
        return
    ack()
    log.info(
        "view_submission %s channel=%s auto_reply=%s providers=%s answer_bots=%s",
        CALLBACK_SETTINGS,
        channel,
        settings.auto_reply,
        ",".join(settings.providers) or "all",
        settings.answer_bots,
    )
    if user:
        publish_home(client, user, shared)  # App Home, if open, shows the change at once
