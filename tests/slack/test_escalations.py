"""Escalation end to end over signed HTTP: Escalate → modal → checks → support post → Acknowledge
and Resolve → notes in the thread; recurrence notes; /smserror stats and escalations."""

from __future__ import annotations

import json
import re
import time

import pytest
from escalation_flow import (
    action_ids,
    click_escalate,
    hours_ago,
    sid,
    state_for,
    submit,
    thread_click_container,
)
from slack_harness import (
    HttpBot,
    blocks_text,
    calls_in,
    channel_id,
    posts,
    wait_until,
)
from slack_standin import BOT_USER_ID, OTHER_USER_ID, USER_ID, SlackWebAPI, ids, payloads

SUPPORT = "C0SUPPORTQ"
ESCALATE = "escalate:twilio:30007:"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.bot_env(
        SMSERROR_SUPPORT_CHANNEL=SUPPORT,
        SMSERROR_REPLIES_PER_MINUTE="100",
        SMSERROR_RETRY_SECONDS="1",  # so the redelivery test waits a second, not a minute
    ),
]


@pytest.fixture(scope="module")
def slack(slack: tuple[SlackWebAPI, HttpBot]) -> tuple[SlackWebAPI, HttpBot]:
    """The module's bot (tests/conftest.py), with the support team's channel: the bot and Bob
    are in it, Alice (the requester) is not."""
    api, _ = slack
    api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID, OTHER_USER_ID])
    return slack


def say(bot: HttpBot, text: str, channel: str, **kwargs: str) -> str:
    event = payloads.message_event(text, channel=channel, **kwargs)
    bot.event(event)
    return event["ts"]


def answered(api: SlackWebAPI, bot: HttpBot, text: str, channel: str) -> tuple[str, dict]:
    """Post `text`; returns its ts and the bot's thread reply (with the reply's ts)."""
    ts = say(bot, text, channel)
    assert bot.outcome(ts) == "answered"
    call = wait_until(
        lambda: [c for c in api.calls("chat.postMessage") if c.params.get("thread_ts") == ts]
    )[0]
    return ts, {**call.params, "ts": call.response["ts"]}


def open_form(api: SlackWebAPI, bot: HttpBot, channel: str) -> tuple[str, dict]:
    root, reply = answered(api, bot, "Twilio 30007 on our campaign again", channel)
    assert ESCALATE in action_ids(reply)
    view = click_escalate(
        bot,
        api,
        ESCALATE,
        "twilio|30007|",
        thread_click_container(channel, reply["ts"], root),
        USER_ID,
    )
    return root, view


GOOD = [
    (sid(1), hours_ago(30), "+1 415 555 0167"),
    (sid(2), hours_ago(50), "(415) 555-0123"),
    (sid(3), hours_ago(2), "+44 20 7946 0958"),
]


def test_the_modal_is_prefilled_with_the_code_the_thread_and_a_row_per_example(slack) -> None:
    api, bot = slack
    ch = channel_id()
    root, view = open_form(api, bot, ch)
    shown = str(view)
    assert view["callback_id"] and view["type"] == "modal"
    assert "Twilio 30007" in shown
    assert f"/archives/{ch}/p{root.replace('.', '')}" in shown  # the thread's permalink
    assert f"<#{SUPPORT}>" in shown  # where it will go
    rows = {b["block_id"] for b in view["blocks"] if b.get("type") == "input"}
    assert {"example_1_id", "example_2_time", "example_3_to"} <= rows
    assert "example_4_id" not in rows  # Twilio asks for three


def test_bad_examples_are_answered_inside_the_modal_and_nothing_is_posted(slack) -> None:
    api, bot = slack
    ch = channel_id()
    _, view = open_form(api, bot, ch)
    before = len(posts(api, SUPPORT))
    examples = [
        (sid(1), hours_ago(1), "+1 415 555 0167"),
        ("SM123", hours_ago(1), "555"),  # a short SID, not a number
        (sid(1), hours_ago(24 * 9), "+1 415 555 0123"),  # a duplicate, and 9 days old
    ]
    answer = submit(bot, view, state_for(view, examples), USER_ID)
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert {"example_2_id", "example_2_to", "example_3_id"} <= set(errors), errors
    assert "32" in errors["example_2_id"]  # says what a SID looks like
    assert "example_3_time" in errors  # older than Twilio's 7 days for 30007
    too_few = submit(bot, view, state_for(view, GOOD[:2]), USER_ID)
    assert too_few["response_action"] == "errors"
    assert "3" in too_few["errors"]["example_3_id"]
    assert len(posts(api, SUPPORT)) == before


def test_a_complete_escalation_reaches_support_and_its_buttons_tell_the_thread(slack) -> None:
    api, bot = slack
    ch = channel_id()
    root, view = open_form(api, bot, ch)
    notes = "Started after the <!channel> campaign & the new template"
    assert submit(bot, view, state_for(view, GOOD, notes), USER_ID) == {}

    [post] = calls_in(api, "chat.postMessage", SUPPORT)[-1:]
    shown = blocks_text(post)
    short_id = re.search(r"ESC-\d+", shown)[0]
    assert "Twilio 30007" in shown and f"<@{USER_ID}>" in shown
    assert f"/archives/{ch}/p{root.replace('.', '')}" in shown
    assert "+1 415 ••• ••67" in shown and "555 0167" not in shown  # numbers masked
    assert sid(1) in shown and sid(3) in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown  # notes escaped
    receipt = wait_until(lambda: [p for p in posts(api, ch) if short_id in blocks_text(p)])
    assert receipt[0]["thread_ts"] == root and f"<#{SUPPORT}>" in blocks_text(receipt[0])

    support_ts = post_ts(api, SUPPORT, short_id)
    value = short_id.removeprefix("ESC-")
    container = {
        "type": "message",
        "message_ts": support_ts,
        "channel_id": SUPPORT,
        "is_ephemeral": False,
    }

    # Alice is not in the support channel: her click changes nothing and she is told why.
    url = api.response_url("actions")
    click(bot, "escalation_ack", value, container, USER_ID, url)
    hook = wait_until(
        lambda: [
            c.params
            for c in api.calls("response_url")
            if c.path.endswith(url.rsplit("/hooks", 1)[1])
        ]
    )
    assert "Only members" in str(hook[0])
    assert not api.calls("chat.update")

    click(bot, "escalation_ack", value, container, OTHER_USER_ID)
    [update] = calls_in(api, "chat.update", SUPPORT)
    assert update["ts"] == support_ts
    assert "Acknowledged" in blocks_text(update) and f"<@{OTHER_USER_ID}>" in blocks_text(update)
    assert "escalation_ack" not in action_ids(update) and "escalation_resolve" in action_ids(update)
    wait_until(lambda: [p for p in posts(api, ch) if "acknowledged" in blocks_text(p).lower()])

    click(bot, "escalation_resolve", value, container, OTHER_USER_ID)
    updates = calls_in(api, "chat.update", SUPPORT, 2)
    assert "Resolved" in blocks_text(updates[1]) and not action_ids(updates[1])
    notes_in_thread = wait_until(
        lambda: [p for p in posts(api, ch) if "resolved" in blocks_text(p).lower()]
    )
    assert notes_in_thread[0]["thread_ts"] == root
    assert f"<@{USER_ID}>" in blocks_text(notes_in_thread[0])  # the requester hears of it

    # A second Resolve (another member, a double click) changes nothing.
    click(bot, "escalation_resolve", value, container, OTHER_USER_ID, api.response_url("a"))
    bot.wait_for_line(f"value={value} user={OTHER_USER_ID} outcome=unchanged")
    assert len(posts(api, SUPPORT, "chat.update")) == 2

    status, page = bot.get("/metrics")
    assert status == 200
    for series in (
        'smserror_escalations_total{state="open"}',
        'smserror_escalations_total{state="acknowledged"}',
        'smserror_escalations_total{state="resolved"}',
        'smserror_detections_total{code="30007",provider="twilio"}',
        'smserror_replies_total{surface="thread"}',
    ):
        assert series in page.decode(), series


def test_an_escalation_support_cannot_take_yet_is_kept_the_requester_told_and_it_is_retried(
    slack,
) -> None:
    api, bot = slack
    ch = channel_id()
    root, view = open_form(api, bot, ch)
    api.fail("chat.postMessage", error="not_in_channel")  # the support post, this once
    before = len([x for x in bot.output.splitlines() if "outcome=stored" in x])
    assert submit(bot, view, state_for(view, GOOD), USER_ID) == {}
    stored = wait_until(
        lambda: [x for x in bot.output.splitlines() if "outcome=stored" in x][before:]
    )[0]
    short_id = stored.split("id=", 1)[1].split()[0]
    bot.wait_for_line(f"job esc:{short_id.removeprefix('ESC-')}:support refused-kept")
    [told] = wait_until(lambda: [p for p in posts(api, ch) if short_id in blocks_text(p)])
    assert told["thread_ts"] == root and "keep trying" in blocks_text(told)
    # The outbox posts it once the channel takes it, and says so in the thread.
    wait_until(lambda: [p for p in posts(api, SUPPORT) if short_id in blocks_text(p)])
    wait_until(
        lambda: [p for p in posts(api, ch) if short_id in blocks_text(p)], count=2, timeout=15
    )
    time.sleep(2.5)  # two more retry periods: a delivered escalation is never posted again
    attempts = [
        c.response.get("ok")
        for c in api.calls("chat.postMessage")
        if c.params.get("channel") == SUPPORT and short_id in blocks_text(c.params)
    ]
    assert attempts == [False, True]  # the refused post, then the one that went through


def test_open_escalations_are_listed(slack) -> None:
    api, bot = slack
    _, view = open_form(api, bot, channel_id())
    assert submit(bot, view, state_for(view, GOOD), USER_ID) == {}
    listing = command(bot, "escalations")
    assert "ESC-" in listing and "Twilio 30007" in listing


def test_the_third_sighting_in_the_window_says_it_is_enough_to_escalate(slack) -> None:
    api, bot = slack
    ch = channel_id()
    _, first = answered(api, bot, "30007 on the Monday batch", ch)
    _, second = answered(api, bot, "30007 again today", ch)
    assert "third" not in blocks_text(first) and "third" not in blocks_text(second)
    _, third = answered(api, bot, "and 30007 once more", ch)
    shown = blocks_text(third)
    assert "third" in shown and "7 days" in shown and "enough to escalate" in shown
    assert ESCALATE in action_ids(third)


def test_stats_shows_the_channel_top_codes(slack) -> None:
    api, bot = slack
    ch = channel_id()
    for text in ("30007 here", "30007 there", "21610 from a customer"):
        answered(api, bot, text, ch)
    shown = command(bot, "stats", channel=ch)
    assert shown.index("30007") < shown.index("21610")
    assert "Nothing" not in shown
    assert "1 to 90" in command(bot, "stats forever", channel=ch)


def test_a_forged_escalation_form_is_refused(slack) -> None:
    api, bot = slack
    _, view = open_form(api, bot, channel_id())
    before = len(posts(api, SUPPORT))
    # Our own metadata naming an entry the catalog lacks, and metadata that is not ours at all.
    ours = json.loads(view["private_metadata"])
    for metadata in (
        json.dumps({**ours, "entry": "twilio|99999|"}),
        '{"e": "twilio|99999|", "c": "C1"}',
    ):
        refused = len([x for x in bot.output.splitlines() if "stale or forged" in x])
        url = api.response_url("views")
        body = payloads.view_submission(
            view["callback_id"],
            state_for(view, GOOD),
            private_metadata=metadata,
            response_urls=[
                {"response_url": url, "channel_id": "C1", "block_id": "b", "action_id": "a"}
            ],
        )
        assert bot.post(body)[0] == 200
        wait_until(
            lambda refused=refused: [x for x in bot.output.splitlines() if "stale or forged" in x][
                refused:
            ]
        )
        bot.wait_for_line("stale or forged")
    assert len(posts(api, SUPPORT)) == before  # nothing stored or posted for either


# -- helpers ------------------------------------------------------------------------------------


def click(
    bot: HttpBot, action_id: str, value: str, container: dict, user: str, url: str | None = None
) -> None:
    body = payloads.block_actions(
        action_id,
        value,
        container=container,
        user=user,
        channel=container["channel_id"],
        message_ts=container["message_ts"],
        response_url=url,
    )
    assert bot.post(body)[0] == 200


def post_ts(api: SlackWebAPI, channel: str, needle: str) -> str:
    for call in api.calls("chat.postMessage"):
        if call.params.get("channel") == channel and needle in blocks_text(call.params):
            return call.response["ts"]
    raise AssertionError(f"no post with {needle} in {channel}")


def command(bot: HttpBot, text: str, channel: str = ids.CHANNEL_ID) -> str:
    status, _, raw = bot.post(payloads.slash_command(text, channel_id=channel))
    assert status == 200
    return raw.decode()
