"""Factories for payloads shaped like the ones Slack sends to an app.

Shapes follow Slack's reference pages (Events API ``event_callback``, slash
command form fields, ``block_actions`` / ``view_submission`` /
``message_action`` interaction payloads). Functions named ``*_payload``
return the dict Socket Mode carries; their undecorated twins return the
HTTP body (form-encoded, interactions wrapped in ``payload=<json>``).
``SocketModeServer.send_envelope`` accepts either form.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from . import ids

JSON = dict[str, Any]

_USER_NAMES = {
    ids.USER_ID: ids.USER_NAME,
    ids.OTHER_USER_ID: ids.OTHER_USER_NAME,
    ids.BOT_USER_ID: ids.BOT_NAME,
}
_CHANNEL_NAMES = {ids.CHANNEL_ID: ids.CHANNEL_NAME, ids.OTHER_CHANNEL_ID: ids.OTHER_CHANNEL_NAME}


def _user_name(user_id: str) -> str:
    return _USER_NAMES.get(user_id, user_id.lower())


def _channel_name(channel_id: str) -> str:
    # Slack reports DMs and private channels with these literal names in
    # slash-command and interaction payloads.
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return _CHANNEL_NAMES.get(channel_id, channel_id.lower())


def _user(user_id: str, team_id: str = ids.TEAM_ID) -> JSON:
    name = _user_name(user_id)
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str = ids.TEAM_ID) -> JSON:
    return {"id": team_id, "domain": ids.TEAM_DOMAIN}


def form_body(payload: JSON) -> str:
    """Wrap an interaction payload as Slack POSTs it: ``payload=<urlencoded json>``."""
    return urlencode({"payload": json.dumps(payload)})


def rich_text_blocks(text: str) -> list[JSON]:
    """The rich_text block Slack attaches to user-typed messages."""
    return [
        {
            "type": "rich_text",
            "block_id": ids.slack_id("", 5).lower(),
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


# ---------------------------------------------------------------------- slash commands


def slash_command_payload(
    text: str,
    *,
    command: str = "/smserror",
    channel_id: str = ids.CHANNEL_ID,
    user_id: str = ids.USER_ID,
    team_id: str = ids.TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, str]:
    return {
        "token": ids.VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": ids.TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": _user_name(user_id),
        "command": command,
        "text": text,
        "api_app_id": ids.APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url or ids.response_url("commands"),
        "trigger_id": trigger_id or ids.trigger_id(),
    }


def slash_command(
    text: str,
    *,
    command: str = "/smserror",
    channel_id: str = ids.CHANNEL_ID,
    user_id: str = ids.USER_ID,
    team_id: str = ids.TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> str:
    """Form-encoded body of a slash command POST."""
    return urlencode(
        slash_command_payload(
            text,
            command=command,
            channel_id=channel_id,
            user_id=user_id,
            team_id=team_id,
            response_url=response_url,
            trigger_id=trigger_id,
        )
    )


# ---------------------------------------------------------------------- Events API


def _event_context(event: JSON, team_id: str) -> str:
    # Opaque to apps, but real: "4-" + unpadded base64url of a small JSON blob.
    blob = {
        "et": event.get("type", ""),
        "tid": team_id,
        "aid": ids.APP_ID,
        "cid": event.get("channel", ""),
    }
    encoded = base64.urlsafe_b64encode(json.dumps(blob, separators=(",", ":")).encode()).decode()
    return "4-" + encoded.rstrip("=")


def event_callback(
    event: JSON,
    *,
    event_id: str | None = None,
    team_id: str = ids.TEAM_ID,
    event_time: int | None = None,
) -> JSON:
    """Wrap an inner event as the Events API delivers it (HTTP body or Socket Mode payload)."""
    if event_time is None:
        event_time = int(float(event.get("event_ts") or event.get("ts") or time.time()))
    return {
        "token": ids.VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": ids.APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or ids.event_id(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": ids.BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": _event_context(event, team_id),
    }


def url_verification(
    challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
) -> JSON:
    return {"token": ids.VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def message_event(
    text: str,
    *,
    channel: str = ids.CHANNEL_ID,
    user: str = ids.USER_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> JSON:
    """A human's message (no subtype), as in ``message.channels`` / ``message.im``."""
    ts = ts or ids.next_ts()
    event: JSON = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": rich_text_blocks(text),
        "team": ids.TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def bot_message_event(
    text: str,
    *,
    bot_id: str = ids.OTHER_BOT_ID,
    app_id: str = ids.OTHER_BOT_APP_ID,
    username: str = ids.OTHER_BOT_NAME,
    bot_user_id: str = "U0SMSGW01",
    channel: str = ids.CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    attachments: list[JSON] | None = None,
    blocks: list[JSON] | None = None,
    legacy: bool = True,
) -> JSON:
    """A message posted by an integration.

    ``legacy=True``: ``subtype: bot_message`` with ``username`` and no user
    (incoming webhooks, classic apps). ``legacy=False``: no subtype but
    ``bot_id``, ``app_id``, the bot's user id and ``bot_profile`` (how most
    apps' posts arrive since 2021). Either way Bolt drops it when ``bot_id``
    equals our own BOT_ID (IgnoringSelfEvents), hence the other default.
    """
    ts = ts or ids.next_ts()
    event: JSON = {"type": "message", "text": text, "ts": ts, "bot_id": bot_id}
    if legacy:
        event.update(subtype="bot_message", username=username)
    else:
        event.update(
            user=bot_user_id,
            app_id=app_id,
            team=ids.TEAM_ID,
            bot_profile={
                "id": bot_id,
                "deleted": False,
                "name": username,
                "updated": 1700000000,
                "app_id": app_id,
                "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
                "team_id": ids.TEAM_ID,
            },
        )
    if attachments is not None:
        event["attachments"] = attachments
    if blocks is not None:
        event["blocks"] = blocks
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(channel=channel, event_ts=ts, channel_type=channel_type)
    return event


def app_mention_event(
    text: str,
    *,
    channel: str = ids.CHANNEL_ID,
    user: str = ids.USER_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> JSON:
    """``app_mention``; the bot mention is prepended unless ``text`` already has it."""
    mention = f"<@{ids.BOT_USER_ID}>"
    if mention not in text:
        text = f"{mention} {text}".rstrip()
    ts = ts or ids.next_ts()
    event: JSON = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "app_mention",
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": rich_text_blocks(text),
        "team": ids.TEAM_ID,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_changed_event(
    new_text: str,
    *,
    channel: str = ids.CHANNEL_ID,
    ts: str | None = None,
    previous_text: str = "",
    user: str = ids.USER_ID,
    channel_type: str = "channel",
) -> JSON:
    """An edit of message ``ts``; the event's own ts is the (newer) edit time."""
    original_ts = ts or ids.next_ts()
    edit_ts = ids.next_ts()
    msg_id = str(uuid.uuid4())
    base: JSON = {
        "client_msg_id": msg_id,
        "type": "message",
        "user": user,
        "team": ids.TEAM_ID,
        "ts": original_ts,
    }
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": {
            **base,
            "text": new_text,
            "edited": {"user": user, "ts": edit_ts},
            "blocks": rich_text_blocks(new_text),
            "source_team": ids.TEAM_ID,
            "user_team": ids.TEAM_ID,
        },
        "previous_message": {
            **base,
            "text": previous_text,
            "blocks": rich_text_blocks(previous_text),
        },
        "channel": channel,
        "hidden": True,
        "ts": edit_ts,
        "event_ts": edit_ts,
        "channel_type": channel_type,
    }


# ---------------------------------------------------------------------- interactivity


def _element(action_id: str, value: str, action_type: str) -> JSON:
    """The element on the bot's message that the user interacted with."""
    text = {"type": "plain_text", "text": value, "emoji": True}
    if action_type == "button":
        return {"type": "button", "action_id": action_id, "text": text, "value": value}
    return {"type": action_type, "action_id": action_id}


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    channel: str = ids.CHANNEL_ID,
    message_ts: str | None = None,
    user: str = ids.USER_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    container: JSON | None = None,
    block_id: str = "actions",
    message_text: str = "",
    action_type: str = "button",
) -> JSON:
    """A button click (by default) on a bot message.

    Pass ``container={"type": "view", "view_id": ...}`` for an action inside a modal.
    """
    message_ts = message_ts or ids.next_ts()
    action: JSON = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type == "button":
        action.update(text={"type": "plain_text", "text": value, "emoji": True}, value=value)
    elif action_type == "static_select":
        action["selected_option"] = {
            "text": {"type": "plain_text", "text": value, "emoji": True},
            "value": value,
        }
    else:
        action["value"] = value
    payload: JSON = {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": ids.APP_ID,
        "token": ids.VERIFICATION_TOKEN,
        "container": container
        or {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id or ids.trigger_id(),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [action],
    }
    if payload["container"].get("type") == "view":
        view_id = payload["container"].get("view_id") or ids.slack_id("V")
        payload["view"] = {
            "id": view_id,
            "type": "modal",
            "callback_id": "",
            "state": {"values": {}},
            "hash": "",
        }
    else:
        payload["channel"] = {"id": channel, "name": _channel_name(channel)}
        payload["message"] = {
            "user": ids.BOT_USER_ID,
            "type": "message",
            "ts": message_ts,
            "bot_id": ids.BOT_ID,
            "app_id": ids.APP_ID,
            "text": message_text,
            "team": ids.TEAM_ID,
            "blocks": [
                {
                    "type": "actions",
                    "block_id": block_id,
                    "elements": [_element(action_id, value, action_type)],
                }
            ],
        }
        payload["response_url"] = response_url or ids.response_url("actions")
    return payload


def block_actions(action_id: str, value: str, **kwargs: Any) -> str:
    """Form body for :func:`block_actions_payload`."""
    return form_body(block_actions_payload(action_id, value, **kwargs))


def _state_values(values: JSON) -> JSON:
    # Convenience: {"block": {"action": "text"}} becomes a plain_text_input value.
    out: JSON = {}
    for block_id, actions in values.items():
        out[block_id] = {
            action_id: v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}
            for action_id, v in actions.items()
        }
    return out


def view_submission_payload(
    callback_id: str,
    state_values: JSON,
    *,
    private_metadata: str = "",
    user: str = ids.USER_ID,
    view_id: str | None = None,
    trigger_id: str | None = None,
    response_urls: list[JSON] | None = None,
    blocks: list[JSON] | None = None,
) -> JSON:
    """A modal submit; ``state_values`` becomes ``view.state.values``.

    Shape: ``{block_id: {action_id: {...}}}``; a bare string value is taken as
    a plain_text_input's text.
    """
    vid = view_id or ids.slack_id("V")
    return {
        "type": "view_submission",
        "team": _team(),
        "user": _user(user),
        "api_app_id": ids.APP_ID,
        "token": ids.VERIFICATION_TOKEN,
        "trigger_id": trigger_id or ids.trigger_id(),
        "view": {
            "id": vid,
            "team_id": ids.TEAM_ID,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": _state_values(state_values)},
            "hash": f"{int(time.time())}.{ids.slack_id('', 8)}",
            "title": {"type": "plain_text", "text": "SMS error", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": ids.APP_ID,
            "external_id": "",
            "app_installed_team_id": ids.TEAM_ID,
            "bot_id": ids.BOT_ID,
        },
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_submission(callback_id: str, state_values: JSON, **kwargs: Any) -> str:
    """Form body for :func:`view_submission_payload`."""
    return form_body(view_submission_payload(callback_id, state_values, **kwargs))


def message_shortcut_payload(
    callback_id: str,
    message_text: str,
    *,
    channel: str = ids.CHANNEL_ID,
    message_ts: str | None = None,
    user: str = ids.USER_ID,
    message_user: str = ids.OTHER_USER_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> JSON:
    """A message shortcut ("More actions" menu); Slack's type for it is ``message_action``."""
    message_ts = message_ts or ids.next_ts()
    return {
        "type": "message_action",
        "token": ids.VERIFICATION_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": _team(),
        "user": _user(user),
        "channel": {"id": channel, "name": _channel_name(channel)},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or ids.trigger_id(),
        "response_url": response_url or ids.response_url("actions"),
        "message_ts": message_ts,
        "message": {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": message_text,
            "user": message_user,
            "ts": message_ts,
            "blocks": rich_text_blocks(message_text),
            "team": ids.TEAM_ID,
        },
    }


def message_shortcut(callback_id: str, message_text: str, **kwargs: Any) -> str:
    """Form body for :func:`message_shortcut_payload`."""
    return form_body(message_shortcut_payload(callback_id, message_text, **kwargs))
