"""Nothing acked is lost, nothing is posted twice: the real bot killed mid-delivery, PostgreSQL
stopped under it, Slack rate-limiting for a minute, and the same modal submitted twice.

Each test drives the real `smserror serve --http` process over signed HTTP, with the Slack
stand-in keeping every message the bot really posted (api.messages), so "posted once" is
counted on Slack's side, not from the bot's own logs.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pg
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
    channel_id,
    http_env,
    settings_state,
    wait_until,
)
from slack_standin import BOT_USER_ID, OTHER_USER_ID, USER_ID, SlackWebAPI, payloads

pytestmark = pytest.mark.slow
SUPPORT = "C0SUPPORTF"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
GOOD = [(sid(n), hours_ago(n), f"+1 415 555 01{n:02d}") for n in (1, 2, 3)]


def replies_in(api: SlackWebAPI, channel: str, thread_ts: str) -> list[dict]:
    """The bot's posts Slack holds in one thread."""
    return [m for m in api.messages.get(channel, []) if m.get("thread_ts") == thread_ts]


def start_bot(api: SlackWebAPI, tmp: Path, database: str, **extra: str) -> HttpBot:
    env = http_env(api, tmp / "unused.sqlite3", **extra)
    env["DATABASE_URL"] = database
    return HttpBot(env, tmp)


def test_killed_with_replies_in_flight_loses_none_and_doubles_none(tmp_path: Path) -> None:
    with SlackWebAPI() as api:
        database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        settings = {"SMSERROR_JOB_LEASE_SECONDS": "4", "SMSERROR_REPLIES_PER_MINUTE": "100"}
        bot = start_bot(api, tmp_path, database, **settings)
        ch = channel_id()
        # Slack is slow: more replies are decided than can be posted before the kill.
        api.delay("chat.postMessage", 2.0, times=20)
        events = [payloads.message_event(f"batch {n}: 30007", channel=ch) for n in range(20)]
        for event in events:
            bot.event(event)  # each one acknowledged (HTTP 200): Slack will not send it again
        wait_until(lambda: api.calls("chat.postMessage"))  # a post is in flight...
        bot.proc.send_signal(signal.SIGKILL)  # ...when the process dies
        bot.proc.wait()
        bot = start_bot(api, tmp_path, database, **settings)
        try:
            for event in events:
                wait_until(lambda event=event: replies_in(api, ch, event["ts"]), timeout=30)
            time.sleep(2)  # a double, were there one, would land by now
            assert [len(replies_in(api, ch, e["ts"])) for e in events] == [1] * len(events)
        finally:
            bot.stop()


@pytest.fixture
def outage(tmp_path: Path) -> Iterator[tuple[SlackWebAPI, HttpBot, pg.PgServer]]:
    """The bot on a PostgreSQL server of its own, which a test may stop and start again."""
    if pg.find_binaries() is None:
        pytest.skip("PostgreSQL is not installed")
    server = pg.start()
    api = SlackWebAPI().start()
    api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID, OTHER_USER_ID])
    bot = start_bot(api, tmp_path, server.create_database(), SMSERROR_SUPPORT_CHANNEL=SUPPORT)
    try:
        yield api, bot, server
    finally:
        bot.stop()
        api.stop()
        server.stop()


def test_an_event_the_database_cannot_take_is_not_acked_and_its_retry_is_answered(
    outage,
) -> None:
    api, bot, server = outage
    ch = channel_id()
    body = payloads.event_callback(payloads.message_event("30007 on every send", channel=ch))
    server.pause()
    try:
        status, _, _ = bot.post(body)
        assert status >= 500  # not acknowledged: Slack will deliver it again
        assert bot.get("/healthz")[0] == 503
    finally:
        server.resume()
    wait_until(lambda: [1] if bot.get("/healthz")[0] == 200 else [], timeout=20)
    assert bot.post(body, extra_headers=RETRY)[0] == 200
    ts = body["event"]["ts"]
    wait_until(lambda: replies_in(api, ch, ts), timeout=20)
    assert len(replies_in(api, ch, ts)) == 1


def test_a_submit_the_database_cannot_store_keeps_the_modal_open(outage) -> None:
    api, bot, server = outage
    ch = channel_id()
    event = payloads.message_event("Twilio 30007 on the campaign", channel=ch)
    bot.event(event)
    [reply] = wait_until(
        lambda: [
            c for c in api.calls("chat.postMessage") if c.params.get("thread_ts") == event["ts"]
        ]
    )
    escalate = next(a for a in action_ids(reply.params) if a.startswith("escalate:"))
    container = thread_click_container(ch, reply.response["ts"], event["ts"])
    view = click_escalate(bot, api, escalate, "twilio|30007|", container, USER_ID)
    state = state_for(view, GOOD)
    server.pause()
    try:
        answer = submit(bot, view, state, USER_ID, view_id="V0OUTAGE01")
        assert answer["response_action"] == "errors"  # Slack keeps the modal, and what's typed
        [said] = answer["errors"].values()
        assert "couldn't save" in said and "submit again" in said
        settings = payloads.view_submission(
            "channel_settings", settings_state(auto_reply=False), private_metadata=ch
        )
        status, _, raw = bot.post(settings)
        assert status == 200 and json.loads(raw)["response_action"] == "errors"
    finally:
        server.resume()
    wait_until(lambda: [1] if bot.get("/healthz")[0] == 200 else [], timeout=20)
    # The same modal, submitted again once the database is back: stored and posted once.
    assert submit(bot, view, state, USER_ID, view_id="V0OUTAGE01") == {}
    assert submit(bot, view, state, USER_ID, view_id="V0OUTAGE01") == {}  # a double click
    posted = wait_until(lambda: api.messages.get(SUPPORT, []), timeout=20)
    time.sleep(1.5)
    assert len(api.messages.get(SUPPORT, [])) == len(posted) == 1


def test_a_minute_of_rate_limits_starves_nothing(tmp_path: Path) -> None:
    """chat.postMessage answers 429 with Retry-After 60 for a while: commands and modal
    submits are still answered at once, and the replies wait their turn without holding
    a thread."""
    with SlackWebAPI() as api:
        api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID, OTHER_USER_ID])
        bot = start_bot(
            api,
            tmp_path,
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            SMSERROR_SUPPORT_CHANNEL=SUPPORT,
            SMSERROR_REPLIES_PER_MINUTE="100",
        )
        try:
            ch = channel_id()
            event = payloads.message_event("Twilio 30007 on the campaign", channel=ch)
            bot.event(event)
            [reply] = wait_until(
                lambda: [
                    c
                    for c in api.calls("chat.postMessage")
                    if c.params.get("thread_ts") == event["ts"]
                ]
            )
            escalate = next(a for a in action_ids(reply.params) if a.startswith("escalate:"))
            container = thread_click_container(ch, reply.response["ts"], event["ts"])
            views = [
                click_escalate(bot, api, escalate, "twilio|30007|", container, USER_ID)
                for _ in range(3)
            ]
            api.fail("chat.postMessage", status=429, retry_after=60, times=100)
            for n in range(8):  # replies that cannot be posted for a minute
                bot.event(payloads.message_event(f"batch {n}: 30007", channel=channel_id()))
            slowest = 0.0
            for text in ["30007", "21610", "help", "opted out", "stats", "40300"] * 2:
                started = time.monotonic()
                status, _, raw = bot.post(payloads.slash_command(text, channel_id=ch))
                slowest = max(slowest, time.monotonic() - started)
                assert status == 200 and raw
            for view in views:
                started = time.monotonic()
                assert submit(bot, view, state_for(view, GOOD), USER_ID) == {}
                slowest = max(slowest, time.monotonic() - started)
            assert slowest < 3.0  # Slack's limit for an answer
            waiting = [line for line in bot.output.splitlines() if "rate-limited" in line]
            assert waiting  # the replies are waiting, not lost
        finally:
            bot.stop()
