"""Reading Slack messages: the text worth scanning for codes, and a question minus the mention."""

from __future__ import annotations

import re
from typing import Any

_FIELDS = ("pretext", "title", "text", "footer")


def message_text(message: dict[str, Any]) -> str:
    """The text, plus what integrations put in attachments and section blocks.

    Alerts from provider consoles and monitoring tools often carry the code only in an
    attachment or a section block, with a generic `text`. rich_text blocks repeat `text`, so
    they are left out.
    """
    parts = [message.get("text") or ""]
    for attachment in message.get("attachments") or []:
        parts += [str(attachment.get(k) or "") for k in _FIELDS]
        parts += [str(f.get("value") or "") for f in attachment.get("fields") or []]
        if not attachment.get("text"):
            parts.append(str(attachment.get("fallback") or ""))
    for block in message.get("blocks") or []:
        if block.get("type") == "section":
            parts.append(str((block.get("text") or {}).get("text") or ""))
            parts += [str(f.get("text") or "") for f in block.get("fields") or []]
        elif block.get("type") == "context":
            parts += [str(e.get("text") or "") for e in block.get("elements") or []]
    return "\n".join(p for p in parts if p.strip())


def without_mention(text: str, bot_user_id: str | None) -> str:
    """ "<@UBOT> what is 30007?" -> "what is 30007?" """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split()).strip(" ,:;")


def mentions(text: str, bot_user_id: str | None) -> bool:
    return bool(bot_user_id) and re.search(rf"<@{re.escape(bot_user_id)}[|>]", text) is not None
