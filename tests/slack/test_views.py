"""The channel settings modal's submission, end to end: saved, then used by the bot."""

from __future__ import annotations

import json

import pytest
from slack_harness import (
    HttpBot,
    blocks_text,
    channel_id,
    posts,
    settings_state,
    wait_until,
)
from slack_standin import USER_ID, payloads

pytestmark = pytest.mark.slow


def submit(bot: HttpBot, channel: str, state: dict) -> bytes:
    status, _, body = bot.post(
        payloads.view_submission("channel_settings", state, private_metadata=channel)
    )
    assert status == 200
    return body


def say(bot: HttpBot, text: str, channel: str) -> str:
    event = payloads.message_event(text, channel=channel)
    bot.event(event)
    return event["ts"]


def test_turning_auto_reply_off_keeps_the_bot_quiet_there(slack) -> None:
    api, bot = slack
    ch, other = channel_id(), channel_id()
    assert submit(bot, ch, settings_state(auto_reply=False)) == b""  # the modal closes
    assert bot.outcome(say(bot, "seeing 30007 on every send", ch)) == "auto-reply-off"
    assert bot.outcome(say(bot, "seeing 30007 on every send", other)) == "answered"
    assert posts(api, ch) == []


def test_preferred_providers_let_small_codes_through(slack) -> None:
    api, bot = slack
    ch, other = channel_id(), channel_id()
    submit(bot, ch, settings_state(providers=["smspartner"]))
    # "10" alone is too small to be sure of anywhere; with SMSPartner preferred it is theirs.
    assert bot.outcome(say(bot, "got error 10 on send", other)) == "no-codes"
    assert bot.outcome(say(bot, "got error 10 on send", ch)) == "answered"
    [reply] = posts(api, ch)
    assert "SMSPartner 10" in blocks_text(reply)


def test_answer_bots_on_answers_integrations(slack) -> None:
    _, bot = slack
    ch = channel_id()
    alert = payloads.bot_message_event("Twilio alert: ErrorCode 30003", channel=ch)
    bot.event(alert)
    assert bot.outcome(alert["ts"]) == "bot-skipped"
    submit(bot, ch, settings_state(answer_bots=True))
    again = payloads.bot_message_event("Twilio alert: ErrorCode 30003", channel=ch)
    bot.event(again)
    assert bot.outcome(again["ts"]) == "answered"


def test_saving_refreshes_the_users_app_home(slack) -> None:
    api, bot = slack
    ch = channel_id()
    api.set_channel(ch, members=[USER_ID])
    submit(bot, ch, settings_state(auto_reply=False))

    def published() -> list[dict]:
        return [
            c.params
            for c in api.calls("views.publish")
            if c.params["user_id"] == USER_ID and f"<#{ch}>" in json.dumps(c.params["view"])
        ]

    [home] = wait_until(published)
    assert f"<#{ch}>: auto-reply off" in json.dumps(home["view"])


def test_a_malformed_submission_is_refused_in_the_modal(slack) -> None:
    _, bot = slack
    state = settings_state()
    del state["auto_reply"]
    reply = json.loads(submit(bot, channel_id(), state))
    assert reply["response_action"] == "errors"
    assert "auto_reply" in reply["errors"]


@pytest.mark.parametrize(
    ("field", "forge"),
    [
        (
            "support_channel",
            lambda s: s["support_channel"]["support_channel"].update(
                selected_conversation="not-a-channel"
            ),
        ),
        ("answer_bots", lambda s: s["answer_bots"]["answer_bots"].update(selected_option=None)),
        ("auto_reply", lambda s: s.pop("auto_reply")),
    ],
)
def test_an_error_about_one_field_lands_under_that_field(slack, field, forge) -> None:
    _, bot = slack
    state = settings_state()
    forge(state)
    reply = json.loads(submit(bot, channel_id(), state))
    assert reply["response_action"] == "errors"
    assert list(reply["errors"]) == [field]
    assert field not in reply["errors"][field]  # said to the person, not to a developer


def test_a_settings_modal_for_something_not_a_channel_changes_nothing(slack) -> None:
    api, bot = slack
    before = len(api.calls("views.publish"))
    assert submit(bot, "not-a-channel", settings_state()) == b""
    assert bot.wait_for_line("settings modal for 'not-a-channel'")
    assert len(api.calls("views.publish")) == before
