"""Where a button click came from, read from a block_actions payload (which can be forged)."""

from __future__ import annotations

from typing import Any

from bot.cards.ids import Forged


def clicked_channel(body: dict[str, Any], what: str) -> str:
    """The conversation of the clicked message; Forged when the click came from none."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if not channel:
        raise Forged(f"{what} clicked outside a conversation")
    return channel


def clicked_thread(body: dict[str, Any]) -> str | None:
    """The thread the clicked message is in, so answers stay in it."""
    container = body.get("container") or {}
    return container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")


def thread_kwargs(body: dict[str, Any]) -> dict[str, str]:
    """{"thread_ts": …} for chat.* calls, or {} outside a thread."""
    thread = clicked_thread(body)
    return {"thread_ts": thread} if thread else {}
