"""Buttons: share a card in the channel, a card's details, a suggestion, the settings modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cards.blocks import (
    ACTION_SETTINGS_PICK,
    ACTION_SHARE,
    DETAILS_PATTERN,
    SETTINGS_OPEN_PATTERN,
    SUGGEST_PATTERN,
    entry_card,
    members_only_modal,
    settings_modal,
)
from bot.cards.ids import entry_for, is_channel
from bot.core.catalog import default_catalog
from bot.slack.errors import StaleAction, reported
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import Click
from bot.slack.services import services
from bot.strings import say, speaking

log = logging.getLogger(__name__)

# Where the bot cannot post itself, the response_url can still post for the person who clicked.
CANNOT_POST = {"not_in_channel", "channel_not_found"}


def register(app: App) -> None:
    app.action(ACTION_SHARE)(reported(on_share))
    app.action(DETAILS_PATTERN)(reported(on_details))
    app.action(SUGGEST_PATTERN)(reported(on_suggest))
    app.action(SETTINGS_OPEN_PATTERN)(reported(on_settings_open))


def on_share(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Post the card for everyone, then take the private copy away."""
    ack()
    entry = entry_for(default_catalog(), action.get("value", ""))
    click = Click.read(body)
    channel = click.conversation("share")
    with speaking(services(context).store.settings(channel).spoken):  # the channel reads it
        who = click.user_name or say("escalation.someone")
        card = entry_card(entry, note=say("card.shared_by", who=who))
    thread = click.thread_kwargs()
    try:
        client.chat_postMessage(channel=channel, **thread, **card.kwargs())
    except SlackApiError as error:
        if error.response.get("error") not in CANNOT_POST:
            raise
        respond(response_type="in_channel", replace_original=False, **thread, **card.kwargs())
    if click.ephemeral:
        respond(delete_original=True)
    log.info("action share channel=%s entry=%s", channel, entry.label)


def on_details(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """A compact card's full version, shown only to the person who asked for it."""
    ack()
    _card_privately(body, action, client, respond, replace=False)


def on_suggest(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """A "closest entries" button: the card replaces the no-match note it came from."""
    ack()
    _card_privately(body, action, client, respond, replace=True)


def on_settings_open(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """App Home's Change buttons and channel picker."""
    ack()
    if action.get("action_id") == ACTION_SETTINGS_PICK:
        channel = action.get("selected_conversation")
        if not channel:  # the picker was cleared
            return
    else:
        channel = action.get("value")
    if not is_channel(channel):
        raise StaleAction(f"settings for {str(channel)[:40]!r}")
    click = Click.read(body)
    user = click.user
    # The picker lists every public channel: being able to pick one is no right to change it.
    if not SlackOutbox(client).is_member(channel, user):
        client.views_open(trigger_id=click.trigger_id, view=members_only_modal(channel))
        log.info("action settings_open channel=%s user=%s outcome=not-a-member", channel, user)
        return
    shared = services(context)
    view = settings_modal(channel, shared.store.settings(channel), shared.providers)
    client.views_open(trigger_id=click.trigger_id, view=view)
    log.info("action settings_open channel=%s", channel)


def _card_privately(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    replace: bool,
) -> None:
    """The button's entry as a full card that only the clicker sees."""
    entry = entry_for(default_catalog(), action.get("value", ""))
    card = entry_card(entry, share=True)
    click = Click.read(body)
    if click.ephemeral:
        # Our own private message: answer through its response_url.
        respond(response_type="ephemeral", replace_original=replace, **card.kwargs())
    else:
        # A message everyone sees (a thread reply): answer just the clicker, in its thread.
        client.chat_postEphemeral(
            channel=click.conversation(str(action.get("action_id"))),
            user=click.user,
            **click.thread_kwargs(),
            **card.kwargs(),
        )
    log.info("action %s entry=%s", action.get("action_id"), entry.label)
