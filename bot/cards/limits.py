"""Block Kit size limits, and the one way we shorten text to fit them.

Slack rejects a whole message or view when any one field is too long, so every builder clips
through here instead of trusting the catalog (operators add their own files).
"""

from __future__ import annotations

import re
import unicodedata

SECTION_TEXT = 3000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
OPTION_TEXT = 75
OPTION_VALUE = 150
PLACEHOLDER = 150
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
CONTEXT_ELEMENTS = 10
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
FALLBACK_TEXT = 3000

ELLIPSIS = "…"

# Characters that attach to the one before them: cutting in front of one splits what the reader
# sees as a single character (é as e + U+0301, 👍🏽, 👨‍👩‍👧, keycaps, flags' tag sequences).
_JOINERS = {"\u200d", "\u20e3"}
_RANGES = ((0xFE00, 0xFE0F), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")  # the start of &amp; &lt; &gt; with no ";" yet


def size(text: str) -> int:
    """Length as Slack's clients count it (UTF-16 units): never less than len(text)."""
    return len(text.encode("utf-16-le")) // 2


def _attaches(ch: str) -> bool:
    code = ord(ch)
    return (
        ch in _JOINERS
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or any(lo <= code <= hi for lo, hi in _RANGES)
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _splits_grapheme(text: str, cut: int) -> bool:
    """True when cutting `text` at `cut` would break one visible character in two."""
    if cut <= 0 or cut >= len(text):
        return False
    if _attaches(text[cut]) or text[cut - 1] == "\u200d":
        return True
    if _regional(text[cut]) and _regional(text[cut - 1]):
        run = 0  # flags are pairs of regional indicators: cut only between pairs
        while cut - run - 1 >= 0 and _regional(text[cut - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def clip(text: str, limit: int, *, markup: bool = False) -> str:
    """`text` if it fits in `limit`, else its longest safe prefix plus "…".

    Safe means: no visible character split, no escape such as "&amp;" cut in half and, with
    `markup` (mrkdwn we wrote, where every "<" left after escaping opens our own link or
    mention), no "<…>" left open.
    """
    if size(text) <= limit:
        return text
    budget = limit - size(ELLIPSIS)
    cut, used = 0, 0
    while cut < len(text) and used + size(text[cut]) <= budget:
        used += size(text[cut])
        cut += 1
    while _splits_grapheme(text, cut):
        cut -= 1
    head = text[:cut]
    if partial := _PARTIAL_ENTITY.search(head):
        head = head[: partial.start()]
    if markup and head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    return head.rstrip() + ELLIPSIS


def check_value(value: str, limit: int = BUTTON_VALUE) -> str:
    """Values and ids come back to us verbatim, so they are never clipped: too long is a bug."""
    if not value or size(value) > limit:
        raise ValueError(f"value must be 1-{limit} characters, got {size(value)}: {value[:40]!r}")
    return value
