"""Buttons end to end: Share in channel, Details, suggestions and the settings buttons."""

from __future__ import annotations

import pytest
from slack_harness import (
    HttpBot,
    blocks_text,
    calls_in,
    channel_id,
    hook_posts,
    posts,
    wait_until,
)
from slack_standin import OTHER_CHANNEL_ID, USER_ID, SlackWebAPI, ids, payloads

pytestmark = pytest.mark.slow


def click(bot: HttpBot, action_id: str, value: str, **kwargs: object) -> None:
    assert bot.post(payloads.block_actions(action_id, value, **kwargs))[0] == 200


def ephemeral(channel: str, thread_ts: str | None = None) -> dict:
    """The container Slack sends for a click on one of our private messages."""
    container = {
        "type": "message",
        "message_ts": ids.next_ts(),
        "channel_id": channel,
        "is_ephemeral": True,
    }
    return {**container, "thread_ts": thread_ts} if thread_ts else container


def opened(api: SlackWebAPI, trigger_id: str) -> list[dict]:
    """views.open calls made with this trigger_id."""
    return wait_until(
        lambda: [c.params for c in api.calls("views.open") if c.params["trigger_id"] == trigger_id]
    )


def hook(api: SlackWebAPI, url: str, count: int = 1) -> list[dict]:
    return wait_until(lambda: hook_posts(api, url), count)


def test_share_posts_the_card_for_everyone_and_removes_the_private_copy(slack) -> None:
    api, bot = slack
    ch = channel_id()
    url = api.response_url("actions")
    click(bot, "share", "twilio|21610|", container=ephemeral(ch), response_url=url)
    [post] = calls_in(api, "chat.postMessage", ch)
    shown = blocks_text(post)
    assert "Twilio 21610" in shown and "Shared by alice" in shown
    assert '"share"' not in shown  # the public card has no Share button of its own
    [deleted] = hook(api, url)
    assert deleted["delete_original"] is True


def test_share_from_a_thread_posts_in_that_thread(slack) -> None:
    api, bot = slack
    ch = channel_id()
    parent = ids.next_ts()
    url = api.response_url("actions")
    click(bot, "share", "twilio|30007|", container=ephemeral(ch, parent), response_url=url)
    [post] = calls_in(api, "chat.postMessage", ch)
    assert post["thread_ts"] == parent


def test_share_where_the_bot_is_not_a_member_posts_through_the_response_url(slack) -> None:
    api, bot = slack
    url = api.response_url("actions")
    click(bot, "share", "twilio|21610|", container=ephemeral(OTHER_CHANNEL_ID), response_url=url)
    shared, deleted = hook(api, url, 2)
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert "Twilio 21610" in blocks_text(shared)
    assert deleted["delete_original"] is True


def test_details_shows_the_full_card_to_the_clicker_in_the_thread(slack) -> None:
    api, bot = slack
    ch = channel_id()
    event = payloads.message_event("errors 30007 and 21610 since noon", channel=ch)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "answered"
    [reply] = posts(api, ch)
    button = next(
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("details:twilio:21610")
    )
    click(
        bot,
        button["action_id"],
        button["value"],
        channel=ch,
        message_ts=ids.next_ts(),
        response_url=api.response_url("actions"),
    )
    [private] = calls_in(api, "chat.postEphemeral", ch)
    assert private["user"] == USER_ID
    shown = blocks_text(private)
    assert "Twilio 21610" in shown and "How to fix it" in shown and '"share"' in shown


def test_details_keeps_to_the_thread_of_the_message_clicked(slack) -> None:
    api, bot = slack
    ch = channel_id()
    parent = ids.next_ts()
    body = payloads.block_actions_payload("details:twilio:30007:", "twilio|30007|", channel=ch)
    body["message"]["thread_ts"] = parent
    assert bot.post(payloads.form_body(body))[0] == 200
    [private] = calls_in(api, "chat.postEphemeral", ch)
    assert private["thread_ts"] == parent


def test_a_suggestion_replaces_the_no_match_note_with_the_card(slack) -> None:
    api, bot = slack
    url = api.response_url("actions")
    click(bot, "suggest:0", "twilio|30007|", container=ephemeral(channel_id()), response_url=url)
    [card] = hook(api, url, 1)
    assert card["replace_original"] is True and card["response_type"] == "ephemeral"
    assert "Twilio 30007" in blocks_text(card)


def test_change_opens_that_channels_settings(slack) -> None:
    api, bot = slack
    ch = channel_id()
    trigger = ids.trigger_id()
    view = {"type": "view", "view_id": "VHOME0001"}
    click(bot, f"settings_open:{ch}", ch, container=view, trigger_id=trigger)
    [call] = opened(api, trigger)
    assert call["view"]["callback_id"] == "channel_settings"
    assert call["view"]["private_metadata"] == ch


def test_the_channel_picker_opens_the_picked_channels_settings(slack) -> None:
    api, bot = slack
    ch = channel_id()
    body = payloads.block_actions_payload(
        "settings_open:pick",
        "",
        action_type="conversations_select",
        container={"type": "view", "view_id": "VHOME0001"},
    )
    body["actions"][0]["selected_conversation"] = ch
    assert bot.post(payloads.form_body(body))[0] == 200
    [call] = opened(api, body["trigger_id"])
    assert call["view"]["private_metadata"] == ch


def test_a_forged_button_value_gets_a_polite_note(slack) -> None:
    api, bot = slack
    url = api.response_url("actions")
    body = payloads.block_actions(
        "share", "twilio|21610|; DROP TABLE", container=ephemeral(channel_id()), response_url=url
    )
    status, _, raw = bot.post(body)
    assert status == 200, (raw, bot.output)
    [note] = hook(api, url, 1)
    assert "no longer works" in note["text"]
    assert bot.wait_for_line("stale or forged action")
