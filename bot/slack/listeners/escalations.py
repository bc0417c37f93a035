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
from bot.slack.clicks import clicked_channel, clicked_thread
from bot.slack.errors import reported
from bot.slack.outbox import SlackOutbox
from bot.slack.services import services

log = logging.getLogger(__name__)

MOVES = {ACTION_ESCALATION_ACK: "acknowledged", ACTION_ESCALATION_RESOLVE: "resolved"}
NOT_A_MEMBER = "Only members of <#{channel}> can acknowledge or resolve its escalations."
UNCHANGED = "Nothing to change: someone already moved this escalation on."
NOT_STORED = (
    "I couldn't save this escalation just now (my database did not answer). Everything you "
    "typed is still here: submit again in a minute."
)


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
    channel, thread = _source(body)
    view = shared.escalations.form(
        entry, channel=channel, thread_ts=thread, out=SlackOutbox(client)
    )
    if (body.get("container") or {}).get("type") == "view":
        client.views_push(trigger_id=body["trigger_id"], view=view)  # on top of the modal
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    log.info("action escalate entry=%s channel=%s thread=%s", entry.label, channel, thread)


def on_escalation_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    shared = services(context)
    user = (body.get("user") or {}).get("id", "")
    view_id = view.get("id") if isinstance(view.get("id"), str) else None
    try:
        result = shared.escalations.submit(
            view.get("private_metadata", ""),
            (view.get("state") or {}).get("values"),
            user,
            view_id=view_id,
        )
    except Forged:
        ack()
        raise
    except Exception:
        # Not stored (the database did not answer): the modal stays open with everything
        # typed in it, and says so; submitting again is safe (the view id keys it).
        log.exception("view_submission %s: escalation not stored", CALLBACK_ESCALATION)
        ack(response_action="errors", errors={first_input(view): NOT_STORED})
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


def first_input(view: dict[str, Any]) -> str:
    """The block id of the view's first input: where a whole-form error can be shown."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "notes"


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
    user = (body.get("user") or {}).get("id", "")
    to = MOVES[action["action_id"]]
    outcome = shared.escalations.move(action.get("value", ""), to, user, SlackOutbox(client))
    shared.wake()
    if outcome.startswith("not-a-member:"):
        # The support channel whose members may move it, not the channel clicked in.
        channel = outcome.removeprefix("not-a-member:")
        respond(
            text=NOT_A_MEMBER.format(channel=channel),
            response_type="ephemeral",
            replace_original=False,
        )
    elif outcome == "unchanged":
        respond(text=UNCHANGED, response_type="ephemeral", replace_original=False)
    log.info(
        "action %s value=%s user=%s outcome=%s",
        action["action_id"],
        action.get("value"),
        user,
        outcome,
    )


def _source(body: dict[str, Any]) -> tuple[str, str | None]:
    """(channel, thread ts) of the card that was clicked; Forged when there is none."""
    container = body.get("container") or {}
    if container.get("type") == "view":
        return _view_source(body)
    channel = clicked_channel(body, "escalate")
    thread = clicked_thread(body)
    if not thread and not container.get("is_ephemeral"):
        # A top-level post starts its own thread.
        thread = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, thread


def _view_source(body: dict[str, Any]) -> tuple[str, str | None]:
    """A card in the shortcut's modal: its metadata names the message it explains."""
    try:
        return shortcut_source((body.get("view") or {}).get("private_metadata", ""))
    except ValueError as error:
        raise Forged(str(error)) from error
