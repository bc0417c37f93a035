"""App Home, end to end: the channels whose settings a user can change, and nobody else's."""

from __future__ import annotations

import json

import pytest
from slack_harness import channel_id, settings_state, wait_until
from slack_standin import OTHER_USER_ID, USER_ID, ids, payloads

pytestmark = pytest.mark.slow


def home_opened(user: str, tab: str = "home") -> dict:
    ts = ids.next_ts()
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user[1:],
        "tab": tab,
        "event_ts": ts,
    }


def test_home_lists_the_configured_channels_the_user_is_in(slack) -> None:
    api, bot = slack
    mine, theirs = channel_id(), channel_id()
    api.set_channel(mine, members=[USER_ID, OTHER_USER_ID])
    api.set_channel(theirs, members=[OTHER_USER_ID])
    for ch in (mine, theirs):
        body = payloads.view_submission(
            "channel_settings", settings_state(answer_bots=True), private_metadata=ch
        )
        assert bot.post(body)[0] == 200
    bot.event(home_opened(USER_ID))
    bot.wait_for_line(f"app_home_opened user={USER_ID}")

    def published() -> list[dict]:
        return [
            c.params["view"]
            for c in api.calls("views.publish")
            if c.params["user_id"] == USER_ID and f"<#{mine}>" in json.dumps(c.params["view"])
        ]

    view = wait_until(published)[-1]
    shown = json.dumps(view)
    assert view["type"] == "home"
    assert f"settings_open:{mine}" in shown
    assert f"<#{theirs}>" not in shown
    assert "settings_open:pick" in shown  # any other channel through the picker


def test_the_messages_tab_publishes_nothing(slack) -> None:
    api, bot = slack
    before = len(api.calls("views.publish"))
    bot.event(home_opened(OTHER_USER_ID, tab="messages"))
    bot.wait_for_line(f"app_home_opened user={OTHER_USER_ID} tab=messages")
    assert len(api.calls("views.publish")) == before


def test_home_shows_the_workspace_top_codes_of_the_week(slack) -> None:
    api, bot = slack
    for n, text in enumerate(["30007 again", "30007 once more", "21610 from a customer"]):
        event = payloads.message_event(text, channel=channel_id())
        bot.event(event)
        assert bot.outcome(event["ts"]) == "answered", n
    bot.event(home_opened(OTHER_USER_ID))
    bot.wait_for_line(f"app_home_opened user={OTHER_USER_ID} tab=home")
    [view] = wait_until(
        lambda: [
            c.params["view"]
            for c in api.calls("views.publish")
            if c.params["user_id"] == OTHER_USER_ID
        ]
    )[-1:]
    shown = json.dumps(view, ensure_ascii=False)
    # Counted across channels: 30007 twice, 21610 once, in that order.
    assert "1. *Twilio 30007* Message filtered as spam by the carrier · 2 times" in shown
    assert "2. *Twilio 21610*" in shown and "· once" in shown
