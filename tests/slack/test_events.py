"""Messages, mentions and DMs, end to end: signed Events API requests in, Web API calls out."""

from __future__ import annotations

import time

import pytest
from slack_harness import (
    HttpBot,
    blocks_text,
    channel_id,
    posts,
    save_settings,
)
from slack_standin import BOT_ID, BOT_USER_ID, ids, payloads

CAP = 3  # SMSERROR_REPLIES_PER_MINUTE for this module's bot (`slack`, tests/conftest.py)
pytestmark = [pytest.mark.slow, pytest.mark.bot_env(SMSERROR_REPLIES_PER_MINUTE=str(CAP))]


def say(bot: HttpBot, text: str, channel: str, **kwargs: str) -> str:
    """A person posts `text` in `channel`; returns the message ts."""
    event = payloads.message_event(text, channel=channel, **kwargs)
    bot.event(event)
    return event["ts"]


def test_a_single_code_gets_its_full_card_in_the_message_thread(slack) -> None:
    api, bot = slack
    ch = channel_id()
    ts = say(bot, "seeing 30007 on every send since this morning", ch)
    assert bot.outcome(ts) == "answered"
    [reply] = posts(api, ch)
    assert reply["thread_ts"] == ts
    shown = blocks_text(reply)
    assert "Twilio 30007" in shown and "How to fix it" in shown
    assert reply["unfurl_links"] is False and reply["unfurl_media"] is False


def test_several_codes_get_compact_cards_with_details_buttons(slack) -> None:
    api, bot = slack
    ch = channel_id()
    ts = say(bot, "errors 30007 and 21610 and 30003 in the last batch", ch)
    assert bot.outcome(ts) == "answered"
    [reply] = posts(api, ch)
    shown = blocks_text(reply)
    assert "3 error codes in this message" in shown
    for code in ("30007", "21610", "30003"):
        assert f'"details:twilio:{code}:"' in shown


@pytest.mark.parametrize(
    "text",
    [
        "lunch at noon?",
        "our store in Marietta, GA 30008 is closed today",
        "30,005 contacts imported from the old CRM",
    ],
    ids=["chatter", "zip-code", "a-count"],
)
def test_messages_without_error_codes_get_no_reply(slack, text: str) -> None:
    api, bot = slack
    ch = channel_id()
    ts = say(bot, text, ch)
    assert bot.outcome(ts) == "no-codes"
    assert posts(api, ch) == []


def test_a_reply_in_a_thread_is_answered_in_that_thread(slack) -> None:
    api, bot = slack
    ch = channel_id()
    parent = say(bot, "anyone else seeing failures?", ch)
    ts = say(bot, "yes, error 30003 here", ch, thread_ts=parent)
    assert bot.outcome(ts) == "answered"
    assert [p["thread_ts"] for p in posts(api, ch)] == [parent]


def test_a_thread_hears_each_code_explained_once(slack) -> None:
    api, bot = slack
    ch = channel_id()
    parent = say(bot, "seeing 30007 on every send", ch)
    assert bot.outcome(parent) == "answered"
    again = say(bot, "still 30007, no change", ch, thread_ts=parent)
    assert bot.outcome(again) == "already-explained"
    more = say(bot, "now error 30007 and also 21610", ch, thread_ts=parent)
    assert bot.outcome(more) == "answered"
    first, second = posts(api, ch)
    assert "30007" in blocks_text(first)
    assert "21610" in blocks_text(second) and "Twilio 30007" not in blocks_text(second)


def test_an_event_slack_retries_is_answered_once(slack) -> None:
    api, bot = slack
    ch = channel_id()
    event = payloads.message_event("error 30005 on the campaign", channel=ch)
    body = payloads.event_callback(event)
    assert bot.post(body)[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.post(body, extra_headers=retry)[0] == 200
    assert sorted(bot.outcomes(event["ts"], 2)) == ["answered", "duplicate"]
    assert len(posts(api, ch)) == 1


def test_a_mention_arrives_twice_and_is_answered_once(slack) -> None:
    api, bot = slack
    ch = channel_id()
    mention = payloads.app_mention_event("what is 30008?", channel=ch)
    # Slack sends the same message as a message event too, with its own event_id.
    message = payloads.message_event(mention["text"], channel=ch, ts=mention["ts"])
    bot.event(mention)
    bot.event(message)
    assert sorted(bot.outcomes(mention["ts"], 2)) == ["answered", "duplicate"]
    [reply] = posts(api, ch)
    assert reply["thread_ts"] == mention["ts"]
    assert "Twilio 30008" in blocks_text(reply)


def test_a_mention_is_answered_where_auto_reply_is_off(slack) -> None:
    api, bot = slack
    ch = channel_id()
    save_settings(bot, ch, auto_reply=False)
    ts = say(bot, "seeing 30007 again", ch)
    assert bot.outcome(ts) == "auto-reply-off"
    mention = payloads.app_mention_event("what does 30007 mean?", channel=ch)
    bot.event(mention)
    assert bot.outcome(mention["ts"]) == "answered"
    [reply] = posts(api, ch)
    assert reply["thread_ts"] == mention["ts"]


def test_a_mention_without_a_code_looks_the_words_up_or_offers_help(slack) -> None:
    api, bot = slack
    ch = channel_id()
    words = payloads.app_mention_event("opted out", channel=ch)
    bare = payloads.app_mention_event("", channel=ch)
    bot.event(words)
    bot.event(bare)
    assert bot.outcome(words["ts"]) == "answered"
    assert bot.outcome(bare["ts"]) == "help"
    by_thread = {p["thread_ts"]: blocks_text(p) for p in posts(api, ch)}
    assert "opted out" in by_thread[words["ts"]].casefold()
    assert "Closest match for “opted out”" in by_thread[words["ts"]]
    assert '"share"' not in by_thread[words["ts"]]  # public reply: nothing to share
    assert "smserror: SMS and MMS errors, explained" in by_thread[bare["ts"]]


def test_a_direct_message_is_answered_in_the_dm(slack) -> None:
    api, bot = slack
    dm = "D0T" + channel_id()[3:]
    event = payloads.message_event("what's 21610", channel=dm, channel_type="im")
    bot.event(event)
    assert bot.outcome(event["ts"]) == "answered"
    [reply] = posts(api, dm)
    assert "thread_ts" not in reply  # a top-level DM gets a top-level answer
    assert "Twilio 21610" in blocks_text(reply)


def test_an_edit_is_answered_for_its_new_codes_only(slack) -> None:
    api, bot = slack
    ch = channel_id()
    ts = say(bot, "seeing 30007 on every send", ch)
    assert bot.outcome(ts) == "answered"
    edit = payloads.message_changed_event(
        "seeing 30007 on every send, and 21610 for one number", channel=ch, ts=ts
    )
    bot.event(edit)
    assert bot.outcomes(ts, 2)[1] == "answered"
    unchanged = payloads.message_changed_event("seeing 30007 on every send!", channel=ch, ts=ts)
    bot.event(unchanged)
    assert bot.outcomes(ts, 3)[2] == "already-explained"
    _, second = posts(api, ch)
    assert second["thread_ts"] == ts
    shown = blocks_text(second)
    assert "Edited message — new codes only" in shown
    assert "21610" in shown and "Twilio 30007" not in shown


@pytest.mark.parametrize("legacy", [True, False], ids=["bot_message", "app-post"])
def test_other_bots_are_skipped_by_default(slack, legacy: bool) -> None:
    api, bot = slack
    ch = channel_id()
    event = payloads.bot_message_event("Delivery failed: error 30007", channel=ch, legacy=legacy)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "bot-skipped"
    assert posts(api, ch) == []


def test_other_bots_are_answered_where_answer_bots_is_on(slack) -> None:
    api, bot = slack
    ch = channel_id()
    save_settings(bot, ch, answer_bots=True)
    alert = [{"fallback": "SMS alert", "title": "SMS alert", "text": "ErrorCode=30003 x 42"}]
    event = payloads.bot_message_event("SMS failures rising", channel=ch, attachments=alert)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "answered"
    [reply] = posts(api, ch)
    assert "Twilio 30003" in blocks_text(reply)


def test_its_own_messages_are_never_answered(slack) -> None:
    api, bot = slack
    ch = channel_id()
    own = [
        payloads.bot_message_event(
            "Twilio 30007: Message filtered", channel=ch, bot_id=BOT_ID, legacy=False
        ),
        payloads.message_event("Twilio 21610 explained", channel=ch, user=BOT_USER_ID),
        {
            **payloads.message_changed_event("Twilio 30003 card", channel=ch, user=BOT_USER_ID),
        },
    ]
    own[2]["message"]["bot_id"] = BOT_ID
    for event in own:
        bot.event(event)
    # A person's message after them is answered; by then the bot has dealt with all three.
    marker = say(bot, "error 30005 here", ch)
    assert bot.outcome(marker) == "answered"
    time.sleep(0.3)
    assert [p["thread_ts"] for p in posts(api, ch)] == [marker]


def test_replies_per_channel_are_capped_per_minute(slack) -> None:
    api, bot = slack
    ch = channel_id()
    codes = ["30003", "30005", "30006", "30007", "30008"]
    stamps = [say(bot, f"error {code} on a send", ch) for code in codes]
    outcomes = [bot.outcome(ts) for ts in stamps]
    assert outcomes.count("answered") == CAP
    assert outcomes.count("rate-limited") == len(codes) - CAP
    assert len(posts(api, ch)) == CAP
    # Other channels have their own allowance.
    elsewhere = channel_id()
    assert bot.outcome(say(bot, "error 30007", elsewhere)) == "answered"


def test_joins_and_other_housekeeping_messages_are_ignored(slack) -> None:
    api, bot = slack
    ch = channel_id()
    event = {
        "type": "message",
        "subtype": "channel_join",
        "user": ids.OTHER_USER_ID,
        "text": f"<@{ids.OTHER_USER_ID}> has joined the channel (ticket 30007)",
        "ts": ids.next_ts(),
        "channel": ch,
        "event_ts": ids.next_ts(),
        "channel_type": "channel",
    }
    bot.event(event)
    assert bot.outcome(event["ts"]) == "ignored-channel_join"
    assert posts(api, ch) == []


def test_a_rate_limited_post_is_retried_after_retry_after(slack) -> None:
    api, bot = slack
    ch = channel_id()
    api.fail("chat.postMessage", status=429, retry_after=1)
    ts = say(bot, "error 30006 from the carrier", ch)
    assert bot.outcome(ts) == "answered"
    calls = [c for c in api.calls("chat.postMessage") if c.params.get("channel") == ch]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0


def test_what_a_mention_echoes_back_cannot_ping_anyone(slack) -> None:
    api, bot = slack
    ch = channel_id()
    mention = payloads.app_mention_event("<!channel> qqqq zzzz", channel=ch)
    bot.event(mention)
    assert bot.outcome(mention["ts"]) == "no-match"
    [reply] = posts(api, ch)
    shown = blocks_text(reply)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
