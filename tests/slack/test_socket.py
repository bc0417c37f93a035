"""Socket Mode end to end: `python -m bot serve` with an app token, envelopes over a websocket."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import (
    BotProcess,
    assert_no_secrets,
    blocks_text,
    channel_id,
    clean_env,
    free_port,
    posts,
    wait_until,
)
from slack_standin import (
    APP_TOKEN,
    BOT_TOKEN,
    SlackWebAPI,
    SocketModeServer,
    ids,
    payloads,
)

pytestmark = pytest.mark.slow
PROBE_PORT = free_port()  # /healthz and /metrics beside the websocket


class SocketBot:
    def __init__(self, api: SlackWebAPI, sm: SocketModeServer, proc: BotProcess) -> None:
        self.api, self.sm, self.proc = api, sm, proc

    def send(self, type_: str, payload: dict | str, **kwargs: object) -> dict:
        """Send an envelope; returns the bot's acknowledgement."""
        envelope_id = self.sm.send_envelope(type_, payload, **kwargs)
        return self.sm.wait_for_ack(envelope_id, timeout=10)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SocketBot]:
    tmp: Path = tmp_path_factory.mktemp("socket")
    with SocketModeServer() as sm, SlackWebAPI(socket_url=lambda: sm.url) as api:
        env = clean_env(
            SLACK_API_URL=api.url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
            DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
            LOG_LEVEL="DEBUG",
            PORT=str(PROBE_PORT),
        )
        proc = BotProcess(["serve"], env, tmp)
        try:
            sm.wait_connected(timeout=20)
            yield SocketBot(api, sm, proc)
        finally:
            output = proc.stop()
        assert_no_secrets(output, APP_TOKEN)
        assert proc.proc.returncode == 0, output  # SIGTERM closes the websocket and exits cleanly


def test_health_and_metrics_are_served_on_port_in_socket_mode(bot: SocketBot) -> None:
    base = f"http://127.0.0.1:{PROBE_PORT}"
    health = wait_until(lambda: [r for r in [_get(base + "/healthz")] if r[0] == 200])[0]
    assert json.loads(health[1])["ok"] is True
    status, metrics = _get(base + "/metrics")
    assert status == 200 and b"smserror_slack_api_errors_total" in metrics


def _get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()
    except OSError:
        return 0, b""


def test_it_connects_through_apps_connections_open_at_slack_api_url(bot: SocketBot) -> None:
    [call] = bot.api.calls("apps.connections.open")[:1]
    assert call.token == APP_TOKEN
    assert bot.proc.wait_for_line("connected to Slack over Socket Mode")


def test_a_message_event_is_acked_and_answered_in_its_thread(bot: SocketBot) -> None:
    ch = channel_id()
    event = payloads.message_event("seeing 30007 on every send", channel=ch)
    ack = bot.send("events_api", payloads.event_callback(event))
    assert "payload" not in ack or not ack["payload"]
    assert bot.proc.outcome(event["ts"]) == "answered"
    [reply] = posts(bot.api, ch)
    assert reply["thread_ts"] == event["ts"]
    assert "Twilio 30007" in blocks_text(reply)


def test_a_retried_envelope_is_answered_once(bot: SocketBot) -> None:
    ch = channel_id()
    body = payloads.event_callback(payloads.message_event("error 30003 again", channel=ch))
    bot.send("events_api", body)
    bot.send("events_api", body, retry_attempt=1, retry_reason="timeout")
    ts = body["event"]["ts"]
    assert sorted(bot.proc.outcomes(ts, 2)) == ["answered", "duplicate"]
    assert len(posts(bot.api, ch)) == 1


def test_a_slash_command_is_answered_in_the_ack(bot: SocketBot) -> None:
    ack = bot.send(
        "slash_commands", payloads.slash_command_payload("21610"), accepts_response_payload=True
    )
    reply = ack["payload"]
    assert reply["response_type"] == "ephemeral"
    assert "Twilio 21610" in reply["text"] + json.dumps(reply["blocks"])


def test_share_is_acked_and_posts_in_the_channel(bot: SocketBot) -> None:
    ch = channel_id()
    container = {
        "type": "message",
        "message_ts": ids.next_ts(),
        "channel_id": ch,
        "is_ephemeral": True,
    }
    payload = payloads.block_actions_payload(
        "share",
        "twilio|21610|",
        container=container,
        response_url=bot.api.response_url("actions"),
    )
    bot.send("interactive", payload)
    [post] = wait_until(lambda: posts(bot.api, ch))
    assert "Twilio 21610" in blocks_text(post)


def test_the_message_shortcut_opens_its_modal(bot: SocketBot) -> None:
    trigger = ids.trigger_id()
    payload = payloads.message_shortcut_payload(
        "explain_errors", "failed with 30008", trigger_id=trigger
    )
    bot.send("interactive", payload)
    [call] = wait_until(
        lambda: [c for c in bot.api.calls("views.open") if c.params["trigger_id"] == trigger]
    )
    assert call.params["view"]["callback_id"] == "explain_view"


def test_a_connection_slack_closes_is_replaced_within_two_seconds(bot: SocketBot) -> None:
    before = bot.sm.connections_total
    dropped = time.monotonic()
    bot.sm.drop()
    bot.sm.wait_connected(timeout=10, total=before + 1)
    assert time.monotonic() - dropped < 2.0
