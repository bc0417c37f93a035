"""Escalations: the Escalate button, the modal's submission, Acknowledge and Resolve."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.cards.blocks import shortcut_source
from bot.cards.ids import (
    ACTION_ESCALATION_ACK,
    ACTION_ESCALATION_RESOLVE,
    CALLBACK_ESCALATION,
    ESCALATE_PATTERN,
    Forged,
)
from bot.slack.errors import first_input, reported
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import Click, Submission
from bot.slack.services import services
from bot.strings import say

log = logging.getLogger(__name__)

MOVES = {ACTION_ESCALATION_ACK: "acknowledged", ACTION_ESCALATION_RESOLVE: "resolved"}


def register(app: App) -> None:
    app.action(ESCALATE_PATTERN)(reported(on_escalate))
    app.view(CALLBACK_ESCALATION)(reported(on_escalation_submitted))
    for action_id in MOVES:
        app.action(action_id)(reported(on_move))


def on_escalate(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Open the escalation form for the card's entry, knowing the thread it came from."""
    ack()
    shared = services(context)
    entry = shared.escalations.entry(action.get("value", ""))
    click = Click.read(body)
    channel, thread = _source(click)
    view = shared.escalations.form(
        entry, channel=channel, thread_ts=thread, out=SlackOutbox(client)
    )
    if click.in_view:
        client.views_push(trigger_id=click.trigger_id, view=view)  # on top of the modal
    else:
        client.views_open(trigger_id=click.trigger_id, view=view)
    log.info("action escalate entry=%s channel=%s thread=%s", entry.label, channel, thread)


def on_escalation_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    shared = services(context)
    submitted = Submission.read(body)
    try:
        result = shared.escalations.submit(
            submitted.metadata, submitted.values, submitted.user, view_id=submitted.view_id
        )
    except Forged:
        ack()
        raise
    except Exception:
        # Not stored (the database did not answer): the modal stays open with everything
        # typed in it, and says so; submitting again is safe (the view id keys it).
        log.exception("view_submission %s: escalation not stored", CALLBACK_ESCALATION)
        ack(response_action="errors", errors={first_input(view): say("escalation.not_stored")})
        return
    if result.errors or result.record is None:
        # Shown under each field of the still-open modal.
        ack(response_action="errors", errors=dict(result.errors))
        log.info(
            "view_submission %s outcome=invalid fields=%s",
            CALLBACK_ESCALATION,
            ",".join(sorted(result.errors)),
        )
        return
    ack()  # stored, with its support post as a job: the modal may close
    shared.wake()
    record = result.record
    log.info(
        "view_submission %s outcome=stored id=%s support=%s",
        CALLBACK_ESCALATION,
        record.short_id,
        record.support_channel,
    )


def on_move(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Acknowledge or Resolve on a support-channel post, by a member of that channel only."""
    ack()
    shared = services(context)
    user = Click.read(body).user
    to = MOVES[action["action_id"]]
    outcome = shared.escalations.move(action.get("value", ""), to, user, SlackOutbox(client))
    shared.wake()
    if outcome.startswith("not-a-member:"):
        # The support channel whose members may move it, not the channel clicked in.
        channel = outcome.removeprefix("not-a-member:")
        respond(
            text=say("escalation.members_only", channel=channel),
            response_type="ephemeral",
            replace_original=False,
        )
    elif outcome == "unchanged":
        respond(text=say("escalation.unchanged"), response_type="ephemeral", replace_original=False)
    log.info(
        "action %s value=%s user=%s outcome=%s",
        action["action_id"],
        action.get("value"),
        user,
        outcome,
    )


def _source(click: Click) -> tuple[str, str | None]:
    """(channel, thread ts) of the card that was clicked; Forged when there is none."""
    if click.in_view:
        # A card in the shortcut's modal: its metadata names the message it explains.
        try:
            return shortcut_source(click.view_metadata)
        except ValueError as error:
            raise Forged(str(error)) from error
    channel = click.conversation("escalate")
    thread = click.thread
    if not thread and not click.ephemeral:
        thread = click.message_ts or None  # a top-level post starts its own thread
    return channel, thread
