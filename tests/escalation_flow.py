"""Driving an escalation as a person would, against the stand-ins: click, fill in, submit.

The submitted state is built from the modal the bot actually opened (its input blocks, their
block and action ids, their element types), the way Slack builds view.state.values.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from datetime import datetime, timezone

from slack_harness import HttpBot, wait_until
from slack_standin import SlackWebAPI, ids, payloads

ROW = re.compile(r"example_(\d+)_(id|time|to)")


def sid(n: int) -> str:
    """A Twilio message SID: SM and 32 hex digits."""
    return "SM" + f"{n:032x}"


def hours_ago(hours: float) -> int:
    return int(time.time() - hours * 3600)


def thread_click_container(channel: str, reply_ts: str, thread_ts: str) -> dict:
    """The container Slack sends for a click on the bot's reply inside a thread."""
    return {
        "type": "message",
        "message_ts": reply_ts,
        "channel_id": channel,
        "is_ephemeral": False,
        "thread_ts": thread_ts,
    }


def action_ids(params: dict) -> list[str]:
    """Every action id in a sent message's blocks."""
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [
        element["action_id"]
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ] + [
        block["accessory"]["action_id"]
        for block in blocks
        if isinstance(block.get("accessory"), dict) and "action_id" in block["accessory"]
    ]


def opened_view(api: SlackWebAPI, trigger_id: str, method: str = "views.open") -> dict:
    [call] = wait_until(
        lambda: [c.params for c in api.calls(method) if c.params.get("trigger_id") == trigger_id]
    )
    view = call["view"]
    return json.loads(view) if isinstance(view, str) else view


def click_escalate(
    bot: HttpBot, api: SlackWebAPI, action_id: str, value: str, container: dict, user: str
) -> dict:
    """Click an Escalate button; returns the modal the bot opened."""
    trigger = ids.trigger_id()
    body = payloads.block_actions(
        action_id,
        value,
        container=container,
        trigger_id=trigger,
        user=user,
        channel=container.get("channel_id", ids.CHANNEL_ID),
    )
    assert bot.post(body)[0] == 200
    return opened_view(api, trigger)


def state_for(view: dict, examples: Sequence[tuple[str, int | None, str]], notes: str = "") -> dict:
    """view.state.values for `examples` (message id, unix time, number) typed into `view`."""
    values: dict = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id = block["block_id"], element["action_id"]
        found = ROW.fullmatch(block_id)
        if found:
            n, field = int(found[1]) - 1, found[2]
            typed = examples[n] if n < len(examples) else ("", None, "")
            value = {"id": typed[0], "time": typed[1], "to": typed[2]}[field]
        else:
            value = notes
        if element["type"] == "datetimepicker":
            state = {"type": "datetimepicker", "selected_date_time": value}
        else:
            state = {"type": element["type"], "value": value or None}
        values[block_id] = {action_id: state}
    return values


def submit(bot: HttpBot, view: dict, state: dict, user: str, *, view_id: str | None = None) -> dict:
    """Submit the modal; returns Slack's view of our answer ({} when the modal may close).

    Each call is a new view unless `view_id` names one (Slack sends the same id when the
    same modal is submitted again)."""
    body = payloads.view_submission(
        view["callback_id"],
        state,
        private_metadata=view.get("private_metadata", ""),
        user=user,
        view_id=view_id,
        blocks=view.get("blocks"),
    )
    status, _, raw = bot.post(body)
    assert status == 200, raw
    return json.loads(raw) if raw.strip() else {}


def unix(dt: datetime) -> int:
    return int(dt.replace(tzinfo=dt.tzinfo or timezone.utc).timestamp())
