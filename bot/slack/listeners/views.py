"""Modal submissions: the channel settings modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.cards.blocks import (
    CALLBACK_SETTINGS,
    SETTINGS_ANSWER_BOTS,
    SETTINGS_AUTO_REPLY,
    SETTINGS_PROVIDERS,
    SETTINGS_SUPPORT_CHANNEL,
    read_settings_submission,
)
from bot.cards.ids import is_channel
from bot.slack.errors import StaleAction, reported
from bot.slack.listeners.home import publish_home
from bot.slack.services import services

log = logging.getLogger(__name__)

FIELDS = (SETTINGS_SUPPORT_CHANNEL, SETTINGS_PROVIDERS, SETTINGS_ANSWER_BOTS, SETTINGS_AUTO_REPLY)


def register(app: App) -> None:
    app.view(CALLBACK_SETTINGS)(reported(on_settings_submitted))


def on_settings_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    channel = view.get("private_metadata", "")
    if not is_channel(channel):
        ack()
        raise StaleAction(f"settings modal for {channel[:40]!r}")
    shared = services(context)
    try:
        settings = read_settings_submission(
            (view.get("state") or {}).get("values") or {}, shared.providers
        )
    except ValueError as error:
        # Shown under the field in the still-open modal.
        field = next((f for f in FIELDS if f in str(error)), SETTINGS_AUTO_REPLY)
        ack(response_action="errors", errors={field: str(error).removeprefix("settings: ")})
        return
    user = (body.get("user") or {}).get("id")
    # Saved before the modal closes: a failure keeps it open (Slack shows an error) rather
    # than closing as if the change had been made.
    shared.store.save_settings(channel, settings, user_id=user)
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
