"""Block Kit objects as plain dicts, in the shapes Slack documents: the few the cards use.

Why our own and not slack_sdk's models: the cards belong to the core, which loads no Slack
library (pyproject.toml, TID251). Lengths are bounded by the callers through bot.cards.limits;
tests/cards/test_limits.py parses every card and view back with slack_sdk's models, so these
stay what Slack accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Block = dict[str, Any]
Element = dict[str, Any]
Text = dict[str, Any]


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that were given: Slack refuses some keys set to null."""
    return {k: v for k, v in fields.items() if v is not None}


def plain_text(text: str) -> Text:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn_text(text: str) -> Text:
    return {"type": "mrkdwn", "text": text}


def header_block(text: Text) -> Block:
    return {"type": "header", "text": text}


def section_block(text: Text, accessory: Element | None = None) -> Block:
    return _given(type="section", text=text, accessory=accessory)


def context_block(elements: Sequence[Text]) -> Block:
    return {"type": "context", "elements": list(elements)}


def divider_block() -> Block:
    return {"type": "divider"}


def actions_block(elements: Sequence[Element]) -> Block:
    return {"type": "actions", "elements": list(elements)}


def input_block(
    block_id: str,
    label: str,
    element: Element,
    *,
    hint: str | None = None,
    optional: bool | None = None,
) -> Block:
    return _given(
        type="input",
        block_id=block_id,
        label=plain_text(label),
        element=element,
        hint=plain_text(hint) if hint else None,
        optional=optional,
    )


def button(text: Text, action_id: str, value: str, style: str | None = None) -> Element:
    return _given(type="button", text=text, action_id=action_id, value=value, style=style)


def option(value: str, text: Text, description: Text | None = None) -> dict[str, Any]:
    return _given(text=text, value=value, description=description)


def radio_buttons(
    action_id: str, options: Sequence[dict[str, Any]], initial: dict[str, Any] | None = None
) -> Element:
    return _given(
        type="radio_buttons", action_id=action_id, options=list(options), initial_option=initial
    )


def multi_static_select(
    action_id: str,
    placeholder: Text,
    options: Sequence[dict[str, Any]],
    initial: Sequence[dict[str, Any]] | None = None,
) -> Element:
    return _given(
        type="multi_static_select",
        action_id=action_id,
        placeholder=placeholder,
        options=list(options),
        initial_options=list(initial) if initial else None,
    )


def conversations_select(
    action_id: str, placeholder: Text, *, initial: str | None = None
) -> Element:
    """A picker of public and private channels, people's DMs left out."""
    return _given(
        type="conversations_select",
        action_id=action_id,
        placeholder=placeholder,
        filter={"include": ["public", "private"], "exclude_bot_users": True},
        initial_conversation=initial,
    )


def plain_text_input(
    action_id: str,
    placeholder: Text,
    *,
    multiline: bool | None = None,
    max_length: int | None = None,
    initial_value: str | None = None,
) -> Element:
    return _given(
        type="plain_text_input",
        action_id=action_id,
        placeholder=placeholder,
        multiline=multiline,
        max_length=max_length,
        initial_value=initial_value,
    )


def datetime_picker(action_id: str, initial_date_time: int | None = None) -> Element:
    return _given(type="datetimepicker", action_id=action_id, initial_date_time=initial_date_time)


def view(kind: str, blocks: Sequence[Block], **fields: Any) -> dict[str, Any]:
    """A modal or the App Home tab; `fields` are title, submit, close, callback_id and
    private_metadata, each left out when None."""
    return _given(type=kind, blocks=list(blocks), **fields)
