"""The one escape helper for anything a person typed that we echo back into Slack."""

from __future__ import annotations

# Slack mrkdwn treats only these three as control characters; escaping them turns
# "<!channel>" or "<https://evil|click>" back into plain, harmless text.
_MRKDWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Make user text safe inside mrkdwn (plain_text is not parsed by Slack: leave it as is)."""
    return text.translate(_MRKDWN)


def unescape(text: str) -> str:
    """Slack's text as the person typed it: Slack sends & < > escaped in message and command text.

    Only for reading (lookup, matching); anything echoed back goes through escape() again.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
