"""Block Kit as terminal text, for `smserror console`: what a person would read in Slack.

Links show as "label (url)", mentions as "#C123" / "@U123", escapes are undone, buttons show as
"[Share in channel]" (or "[2 Share in channel]", numbered for pressing, when a list to collect
them is given) and dividers as a rule. Pure: blocks in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.cards.message import Message
from bot.strings import say

Buttons = list[dict[str, Any]]  # the buttons shown, in the order of their numbers

RULE = "─" * 40
_ANGLE = re.compile(r"<([^<>]*)>")


def _angle(found: re.Match[str]) -> str:
    inner = found.group(1)
    target, _, label = inner.partition("|")
    if target[:1] in "#@":  # <#C123|name>, <@U123>
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^…|fallback>
        return label or "@" + target[1:].split("^")[0]
    return f"{label} ({target})" if label and label != target else target


def unmrkdwn(text: str) -> str:
    """Slack mrkdwn as display text: links and mentions resolved, escapes undone (&amp; last)."""
    shown = _ANGLE.sub(_angle, text)
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    return unmrkdwn(obj["text"]) if obj.get("type") == "mrkdwn" else obj.get("text", "")


def _element(element: dict[str, Any], press: Buttons | None = None) -> str:
    kind = element.get("type")
    if kind == "button":
        if press is None:
            return f"[{_text(element.get('text'))}]"
        press.append(element)
        return f"[{len(press)} {_text(element.get('text'))}]"
    if kind in ("mrkdwn", "plain_text"):
        return _text(element)
    if kind == "image":
        return element.get("alt_text", "")
    if element.get("initial_conversation"):
        return "#" + element["initial_conversation"]
    chosen = element.get("initial_option") or {}
    many = element.get("initial_options") or []
    if chosen or many:
        return ", ".join(_text(o.get("text")) for o in [chosen, *many] if o)
    if kind and kind.endswith("select"):
        return f"[{_text(element.get('placeholder')) or say('console.select')} ▾]"
    if kind == "plain_text_input":
        return f"[{_text(element.get('placeholder')) or say('console.type_here')}]"
    if kind == "datetimepicker":
        return f"[{say('console.date_and_time')} ▾]"
    return f"[{kind}]"


def _options(element: dict[str, Any]) -> list[str]:
    """Radio buttons and checkboxes: every choice, the chosen ones marked."""
    picked = [element.get("initial_option"), *element.get("initial_options", [])]
    chosen = {o["value"] for o in picked if o}
    out = []
    for option in element.get("options", []):
        mark = "(•)" if option["value"] in chosen else "( )"
        line = f"  {mark} {_text(option.get('text'))}"
        if option.get("description"):
            line += f" — {_text(option['description'])}"
        out.append(line)
    return out


def _block(block: dict[str, Any], press: Buttons | None) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"))
        return [title, "=" * len(title)]
    if kind == "section":
        lines = [_text(block.get("text"))] if block.get("text") else []
        lines += [_text(f) for f in block.get("fields", [])]
        if accessory := block.get("accessory"):
            lines.append(_element(accessory, press))
        return lines
    if kind == "context":
        return [" · ".join(_element(e) for e in block.get("elements", []))]
    if kind == "actions":
        return [" ".join(_element(e, press) for e in block.get("elements", []))]
    if kind == "divider":
        return [RULE]
    if kind == "input":
        element = block.get("element", {})
        optional = f" {say('console.optional')}" if block.get("optional") else ""
        label = _text(block.get("label")) + optional
        if element.get("type") in ("radio_buttons", "checkboxes"):
            lines = [f"{label}:", *_options(element)]
        else:
            lines = [f"{label}: {_element(element)}"]
        if block.get("hint"):
            lines.append(f"  {_text(block['hint'])}")
        return lines
    return [f"[{kind} block]"]


def blocks_text(blocks: Iterable[dict[str, Any]], press: Buttons | None = None) -> str:
    return "\n".join(line for block in blocks for line in _block(block, press))


def render_message(message: Message, press: Buttons | None = None) -> str:
    """A message as the console prints it; the fallback text when it has no blocks."""
    return blocks_text(message.blocks, press) if message.blocks else unmrkdwn(message.text)


def render_view(view: dict[str, Any], press: Buttons | None = None) -> str:
    """A modal or App Home tab: its title, its blocks, then its buttons."""
    lines = []
    if view.get("title"):
        title = _text(view["title"])
        lines += [title, "=" * len(title)]
    body = blocks_text(view.get("blocks", []), press)
    lines += [body] if body else []
    buttons = [f"[{_text(view[k])}]" for k in ("submit", "close") if view.get(k)]
    if buttons:
        lines.append(" ".join(buttons))
    return "\n".join(lines)
