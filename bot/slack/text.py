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
    text = message.get("text")
    parts = [text if isinstance(text, str) else ""]
    for attachment in _dicts(message.get("attachments")):
        parts += [str(attachment.get(k) or "") for k in _FIELDS]
        parts += [str(f.get("value") or "") for f in _dicts(attachment.get("fields"))]
        if not attachment.get("text"):
            parts.append(str(attachment.get("fallback") or ""))
    for block in _dicts(message.get("blocks")):
        if block.get("type") == "section":
            inner = block.get("text")
            parts.append(str(inner.get("text") or "") if isinstance(inner, dict) else "")
            parts += [str(f.get("text") or "") for f in _dicts(block.get("fields"))]
        elif block.get("type") == "context":
            parts += [str(e.get("text") or "") for e in _dicts(block.get("elements"))]
    return "\n".join(p for p in parts if p.strip())


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a list Slack sends; anything else in their place is no content."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def without_mention(text: str, bot_user_id: str | None) -> str:
    """ "<@UBOT> what is 30007?" -> "what is 30007?" """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split()).strip(" ,:;")


def mentions(text: str, bot_user_id: str | None) -> bool:
    return bool(bot_user_id) and re.search(rf"<@{re.escape(bot_user_id)}[|>]", text) is not None
