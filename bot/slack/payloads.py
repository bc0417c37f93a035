"""What a click, a modal submission and a slash command say: who, in which workspace, where.

Read once, here, from the payload Slack sends, instead of `(body.get("user") or {}).get("id")`
in every listener. Payloads can be forged (with the signing secret) or reshaped by Slack, so a
field that is missing or of the wrong type reads as empty, never as an exception; the listeners
decide what an empty field means (usually: refuse).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.cards.ids import Forged


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def person(body: Any) -> str:
    """Who a request is from, whatever its kind: a command's user_id, an interaction's user,
    an event's user."""
    body = _obj(body)
    return (
        _text(body.get("user_id"))
        or _text(_obj(body.get("user")).get("id"))
        or _text(_obj(body.get("event")).get("user"))
    )


@dataclass(frozen=True)
class Click:
    """A block_actions payload: a button or a select, in a message, App Home or a modal."""

    user: str
    user_name: str
    team: str
    channel: str  # the conversation of the clicked message; "" in App Home and modals
    thread: str | None  # the thread the clicked message is in
    message_ts: str  # the clicked message itself
    ephemeral: bool  # one of our own private messages (answered through its response_url)
    in_view: bool  # a modal or App Home, not a message
    view_metadata: str  # the private_metadata of that view, when in one
    trigger_id: str

    @classmethod
    def read(cls, body: Any) -> Click:
        body = _obj(body)
        container, user = _obj(body.get("container")), _obj(body.get("user"))
        message = _obj(body.get("message"))
        return cls(
            user=_text(user.get("id")),
            user_name=_text(user.get("name")),
            team=_text(_obj(body.get("team")).get("id")) or _text(user.get("team_id")),
            channel=_text(container.get("channel_id"))
            or _text(_obj(body.get("channel")).get("id")),
            thread=_text(container.get("thread_ts")) or _text(message.get("thread_ts")) or None,
            message_ts=_text(container.get("message_ts")) or _text(message.get("ts")),
            ephemeral=container.get("is_ephemeral") is True,
            in_view=container.get("type") == "view",
            view_metadata=_text(_obj(body.get("view")).get("private_metadata")),
            trigger_id=_text(body.get("trigger_id")),
        )

    def conversation(self, what: str) -> str:
        """The clicked message's conversation; Forged when the click came from none."""
        if not self.channel:
            raise Forged(f"{what} clicked outside a conversation")
        return self.channel

    def thread_kwargs(self) -> dict[str, str]:
        """{"thread_ts": …} for chat.* calls, or {} outside a thread."""
        return {"thread_ts": self.thread} if self.thread else {}


@dataclass(frozen=True)
class Submission:
    """A view_submission payload: a modal's Submit."""

    user: str
    team: str
    view_id: str | None  # keys a submit, so the same view submitted twice is stored once
    metadata: str  # the view's private_metadata: what we wrote into it when opening it
    values: dict[str, Any]  # view.state.values, as typed (an odd shape reads as {})

    @classmethod
    def read(cls, body: Any) -> Submission:
        body = _obj(body)
        view, user = _obj(body.get("view")), _obj(body.get("user"))
        return cls(
            user=_text(user.get("id")),
            team=_text(_obj(body.get("team")).get("id")) or _text(user.get("team_id")),
            view_id=_text(view.get("id")) or None,
            metadata=_text(view.get("private_metadata")),
            values=_obj(_obj(view.get("state")).get("values")),
        )


@dataclass(frozen=True)
class SlashCommand:
    """A slash command's payload (form fields, read by Bolt into a dict)."""

    user: str
    team: str
    channel: str
    text: str
    trigger_id: str

    @classmethod
    def read(cls, command: Any) -> SlashCommand:
        command = _obj(command)
        return cls(
            user=_text(command.get("user_id")),
            team=_text(command.get("team_id")),
            channel=_text(command.get("channel_id")),
            text=_text(command.get("text")),
            trigger_id=_text(command.get("trigger_id")),
        )
