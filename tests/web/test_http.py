"""HTTP mode as Slack sees it: signatures, health, retries across a restart, quiet logs."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest
from slack_harness import (
    BotProcess,
    HttpBot,
    assert_no_secrets,
    channel_id,
    http_env,
    posts,
)
from slack_standin import BOT_TOKEN, SIGNING_SECRET, SlackWebAPI, payloads, post, sign

# The module's bot (tests/conftest.py) logs at DEBUG: the libraries log every request and
# response; none of it may show a secret.
pytestmark = [pytest.mark.slow, pytest.mark.bot_env(LOG_LEVEL="DEBUG")]


def test_healthz_answers_200(slack) -> None:
    _, bot = slack
    status, body = bot.get("/healthz")
    assert status == 200
    assert json.loads(body) == {"ok": True}


def test_url_verification_echoes_the_challenge(slack) -> None:
    _, bot = slack
    status, _, body = bot.post(payloads.url_verification("c-123"))
    assert status == 200
    assert json.loads(body) == {"challenge": "c-123"}


@pytest.mark.parametrize(
    "how",
    ["wrong-secret", "five-minutes-old", "unsigned", "body-changed"],
)
def test_requests_not_signed_by_slack_now_are_refused_with_401(slack, how: str) -> None:
    api, bot = slack
    ch = channel_id()
    body = json.dumps(payloads.event_callback(payloads.message_event("error 30007", channel=ch)))
    if how == "wrong-secret":
        status = post(bot.events_url, body, "not-the-signing-secret")[0]
    elif how == "five-minutes-old":
        status = bot.post(body, timestamp=int(time.time()) - 6 * 60)[0]
    elif how == "unsigned":
        status = bot.post(body, sign=False)[0]
    else:
        headers = sign(body, SIGNING_SECRET)
        tampered = body.replace("30007", "30008")
        status = post(bot.events_url, tampered, SIGNING_SECRET, sign=False, extra_headers=headers)[
            0
        ]
    assert status == 401
    assert posts(api, ch) == []


def test_only_post_is_served_at_the_events_url(slack) -> None:
    _, bot = slack
    assert bot.get("/slack/events")[0] == 405
    assert bot.get("/nope")[0] == 404


def test_no_secret_appears_in_debug_logs(slack) -> None:
    api, bot = slack
    ch = channel_id()
    event = payloads.message_event("seeing 30007 on every send", channel=ch)
    bot.event(event)
    assert bot.outcome(event["ts"]) == "answered"
    assert bot.post(payloads.slash_command("21610", channel_id=ch))[0] == 200
    assert bot.post(payloads.slash_command("settings", channel_id=ch))[0] == 200
    api.wait_for("views.open")
    output = bot.output
    assert "DEBUG" in output and "chat.postMessage" in output  # the libraries did log
    assert_no_secrets(output)


def test_a_retry_after_a_restart_is_still_answered_once(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    event = payloads.message_event("error 30005 on the campaign", channel=channel_id())
    body = payloads.event_callback(event)
    with SlackWebAPI() as api:
        first = HttpBot(http_env(api, db), tmp_path)
        try:
            assert first.post(body)[0] == 200
            assert first.outcome(event["ts"]) == "answered"
        finally:
            first.stop()
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        second = HttpBot(http_env(api, db), tmp_path)
        try:
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            assert second.post(body, extra_headers=retry)[0] == 200
            assert second.outcome(event["ts"]) == "duplicate"
        finally:
            output = second.stop()
        assert len(posts(api, event["channel"])) == 1
    assert BOT_TOKEN not in output


def test_a_token_slack_refuses_stops_the_server_with_exit_2(tmp_path: Path) -> None:
    with SlackWebAPI(valid_tokens={"xoxb-some-other-token"}) as api:
        bot_args = ["serve", "--http", "--host", "127.0.0.1", "--port", "1"]
        proc = BotProcess(bot_args, http_env(api, tmp_path / "db.sqlite3"), tmp_path)
        assert proc.proc.wait(timeout=20) == 2
        output = proc.stop()
    assert "SLACK_BOT_TOKEN" in output and "invalid_auth" in output
    assert_no_secrets(output)
