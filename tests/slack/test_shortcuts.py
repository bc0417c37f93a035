"""The "Explain SMS errors" message shortcut, end to end: a private modal, anywhere."""

from __future__ import annotations

import json

import pytest
from slack_harness import HttpBot, wait_until
from slack_standin import CHANNEL_ID, OTHER_CHANNEL_ID, SlackWebAPI, ids, payloads

pytestmark = pytest.mark.slow


def explain(api: SlackWebAPI, bot: HttpBot, text: str, channel: str = CHANNEL_ID) -> dict:
    """Use the shortcut on a message; returns the view the bot opened with its trigger_id."""
    trigger = ids.trigger_id()
    body = payloads.message_shortcut("explain_errors", text, channel=channel, trigger_id=trigger)
    status, _, reply = bot.post(body)
    assert (status, reply) == (200, b"")
    [call] = wait_until(
        lambda: [c.params for c in api.calls("views.open") if c.params["trigger_id"] == trigger]
    )
    return call["view"]


def test_the_shortcut_opens_a_modal_with_each_code_explained(slack) -> None:
    api, bot = slack
    view = explain(api, bot, "overnight batch: 30007 x 120, 21610 x 4 (see error 30007)")
    assert view["callback_id"] == "explain_view"
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Twilio 30007" in shown and "Twilio 21610" in shown
    assert shown.count("Twilio 30007:") == 1


def test_the_shortcut_works_where_the_bot_is_not_a_member(slack) -> None:
    api, bot = slack
    view = explain(api, bot, "getting 30008 on the fallback route", channel=OTHER_CHANNEL_ID)
    assert "Twilio 30008" in json.dumps(view["blocks"])
    assert not [c for c in api.calls("chat.postMessage") if c.params["channel"] == OTHER_CHANNEL_ID]


def test_a_message_without_codes_says_so(slack) -> None:
    api, bot = slack
    view = explain(api, bot, "lunch at noon?")
    assert "No SMS error codes found in that message" in json.dumps(view["blocks"])
