"""/smserror end to end: form-encoded, signed slash commands in, private answers out."""

from __future__ import annotations

import json

import pytest
from slack_harness import channel_id, command
from slack_standin import DM_CHANNEL_ID, payloads

pytestmark = pytest.mark.slow


def shown(reply: dict) -> str:
    return reply.get("text", "") + "\n" + json.dumps(reply.get("blocks", []), ensure_ascii=False)


def test_a_code_gets_its_card_privately_with_a_share_button(slack) -> None:
    _, bot = slack
    reply = command(bot, "21610")
    assert reply["response_type"] == "ephemeral"
    assert "Twilio 21610" in shown(reply) and "How to fix it" in shown(reply)
    buttons = [
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]
    assert {"action_id": "share", "value": "twilio|21610|"}.items() <= buttons[0].items()
    assert reply["unfurl_links"] is False


@pytest.mark.parametrize("text", ["help", "", "HELP"])
def test_help_and_an_empty_command_show_help(slack, text: str) -> None:
    _, bot = slack
    reply = command(bot, text)
    assert reply["response_type"] == "ephemeral"
    assert "smserror: SMS and MMS errors, explained" in shown(reply)


def test_no_match_echoes_the_query_escaped_and_offers_suggestions(slack) -> None:
    _, bot = slack
    status, _, body = bot.post(payloads.slash_command("<!channel> zzzz"))
    assert status == 200
    assert b"<!channel>" not in body  # echoed as text, never as a real @channel
    reply = json.loads(body)
    assert "Nothing in the catalog matches “&lt;!channel&gt; zzzz”" in shown(reply)
    actions = [
        e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions and all(a.startswith("suggest:") for a in actions)


def test_settings_opens_the_channel_settings_modal(slack) -> None:
    api, bot = slack
    ch = channel_id()
    body = payloads.slash_command_payload("settings", channel_id=ch)
    assert command(bot, "settings", channel_id=ch, trigger_id=body["trigger_id"]) == {}
    [call] = [c for c in api.wait_for("views.open") if c.params["trigger_id"] == body["trigger_id"]]
    view = call.params["view"]
    assert view["callback_id"] == "channel_settings"
    assert view["private_metadata"] == ch


def test_settings_in_a_dm_explains_where_settings_live(slack) -> None:
    _, bot = slack
    reply = command(bot, "settings", channel_id=DM_CHANNEL_ID)
    assert "run `/smserror settings` in the channel" in reply["text"]


def test_words_find_entries(slack) -> None:
    _, bot = slack
    reply = command(bot, "opted out")
    assert "opted out" in shown(reply).casefold()
