"""The Slack stand-ins behave like Slack towards the real slack_sdk / slack_bolt clients."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_standin import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER_ID,
    CHANNEL_ID,
    OTHER_CHANNEL_ID,
    SIGNING_SECRET,
    SlackWebAPI,
    SocketModeServer,
    envelope_payload,
    payloads,
    post,
    sign,
)

TS = re.compile(r"^\d{10}\.\d{6}$")


@pytest.fixture
def sm(api: SlackWebAPI) -> Iterator[SocketModeServer]:
    with SocketModeServer() as server:
        api.socket_url = server.url
        yield server


def test_web_client_calls_are_recorded_with_params(api: SlackWebAPI) -> None:
    client = WebClient(base_url=api.url, token="xoxb-test")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*30007*"}}]

    first = client.chat_postMessage(channel=CHANNEL_ID, text="hi", blocks=blocks, thread_ts="1.2")
    second = client.chat_postMessage(channel=CHANNEL_ID, text="again")

    assert TS.match(first["ts"]) and first["ts"] < second["ts"]
    assert first["message"]["blocks"] == blocks and first["message"]["thread_ts"] == "1.2"
    call = api.wait_for("chat.postMessage", count=2)[0]
    assert call.token == "xoxb-test" and call.headers["authorization"] == "Bearer xoxb-test"
    assert call.params == {
        "channel": CHANNEL_ID,
        "text": "hi",
        "blocks": blocks,
        "thread_ts": "1.2",
    }

    # Form-encoded bodies keep JSON-string fields as sent; the answer decodes them.
    form = client.api_call(
        "chat.postMessage", data={"channel": CHANNEL_ID, "blocks": '[{"type":"divider"}]'}
    )
    assert api.calls("chat.postMessage")[-1].params["blocks"] == '[{"type":"divider"}]'
    assert form["message"]["blocks"] == [{"type": "divider"}]

    api.set_channel(OTHER_CHANNEL_ID, is_member=False)
    assert client.conversations_info(channel=OTHER_CHANNEL_ID)["channel"]["is_member"] is False
    assert client.conversations_info(channel=CHANNEL_ID)["channel"]["is_member"] is True
    assert BOT_USER_ID in client.conversations_members(channel=CHANNEL_ID)["members"]
    link = client.chat_getPermalink(channel=CHANNEL_ID, message_ts="1732345678.000100")["permalink"]
    assert link.endswith(f"/archives/{CHANNEL_ID}/p1732345678000100")

    with pytest.raises(SlackApiError) as unknown:
        client.api_call("nope.nothing")
    assert unknown.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as anonymous:
        WebClient(base_url=api.url).auth_test()
    assert anonymous.value.response["error"] == "not_authed"
    with pytest.raises(AssertionError, match=r"reactions\.add"):
        api.wait_for("reactions.add", timeout=0.05)


def test_rate_limit_then_success_is_retried_after_retry_after(api: SlackWebAPI) -> None:
    client = WebClient(
        base_url=api.url,
        token=BOT_TOKEN,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    api.fail("chat.postMessage", status=429, retry_after=1)

    started = time.monotonic()
    response = client.chat_postMessage(channel=CHANNEL_ID, text="after the storm")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    limited, succeeded = api.calls("chat.postMessage")
    assert (limited.status, limited.response["error"]) == (429, "ratelimited")
    assert succeeded.status == 200
    # The handler sleeps int(Retry-After) + random() seconds.
    assert 1.0 <= elapsed < 2.5


def test_injected_errors_surface_as_slack_api_errors(api: SlackWebAPI) -> None:
    client = WebClient(base_url=api.url, token=BOT_TOKEN)
    api.fail("chat.postMessage", error="channel_not_found")
    api.fail("reactions.add", status=503)

    with pytest.raises(SlackApiError) as not_found:
        client.chat_postMessage(channel=CHANNEL_ID, text="x")
    assert not_found.value.response.status_code == 200
    assert not_found.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel=CHANNEL_ID, text="x")["ok"]  # the fault was used up

    with pytest.raises(SlackApiError) as unavailable:
        client.reactions_add(channel=CHANNEL_ID, timestamp="1.2", name="eyes")
    assert unavailable.value.response.status_code == 503

    # Without a retry handler a 429 is just an error carrying Retry-After.
    api.fail("auth.test")
    with pytest.raises(SlackApiError) as limited:
        client.auth_test()
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "1"


def test_delay_trips_the_client_timeout(api: SlackWebAPI) -> None:
    api.delay("users.info", 2.0)
    client = WebClient(base_url=api.url, token=BOT_TOKEN, timeout=0.3)
    # urllib's read timeout is not wrapped in SlackApiError, nor retried by default.
    with pytest.raises(TimeoutError):
        client.users_info(user="U0ALICE01")
    assert client.users_info(user="U0ALICE01")["user"]["name"] == "alice"


def test_socket_mode_round_trip_through_bolt(api: SlackWebAPI, sm: SocketModeServer) -> None:
    app = App(client=WebClient(base_url=api.url, token=BOT_TOKEN))

    @app.event("app_mention")
    def mention(event: dict, say: Say) -> None:
        say(text="pong", thread_ts=event["ts"])

    @app.command("/smserror")
    def command(ack: Ack) -> None:
        ack("looking up 30007")

    handler = SocketModeHandler(app, app_token=APP_TOKEN)
    handler.connect()
    try:
        sm.wait_connected(timeout=5)
        assert api.calls("apps.connections.open")[0].token == APP_TOKEN

        mention_event = payloads.app_mention_event("ping")
        envelope_id = sm.send_envelope("events_api", payloads.event_callback(mention_event))
        assert sm.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
        reply = api.wait_for("chat.postMessage")[0]
        assert reply.params["thread_ts"] == mention_event["ts"] and reply.params["text"] == "pong"

        # The HTTP-style form body is accepted and sent as Socket Mode's JSON payload.
        command_id = sm.send_envelope(
            "slash_commands", payloads.slash_command("30007"), accepts_response_payload=True
        )
        assert sm.wait_for_ack(command_id)["payload"] == {"text": "looking up 30007"}
    finally:
        handler.close()


def test_builtin_client_gets_hello_and_reconnects_after_drop(
    api: SlackWebAPI, sm: SocketModeServer
) -> None:
    messages: list[dict] = []
    client = SocketModeClient(
        app_token=APP_TOKEN,
        web_client=WebClient(base_url=api.url),
        ping_interval=0.5,  # the monitor that reconnects runs at this interval
        on_message_listeners=[lambda raw: messages.append(json.loads(raw))],
    )

    def ack(c: SocketModeClient, req: SocketModeRequest) -> None:
        c.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    client.socket_mode_request_listeners.append(ack)
    client.connect()
    try:
        sm.wait_connected(timeout=5)
        envelope_id = sm.send_envelope(
            "events_api", payloads.event_callback(payloads.message_event("a"))
        )
        assert sm.wait_for_ack(envelope_id)["envelope_id"] == envelope_id
        hello = messages[0]
        assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == "ASMSERR01"
        # The client pings on connect; websockets answers, which keeps it from going stale.
        assert client.current_session is not None
        assert client.current_session.last_ping_pong_time is not None

        sm.drop()
        sm.wait_connected(timeout=5, total=2)
        envelope_id = sm.send_envelope(
            "events_api", payloads.event_callback(payloads.message_event("b"))
        )
        assert sm.wait_for_ack(envelope_id)["envelope_id"] == envelope_id
        assert len(api.calls("apps.connections.open")) == 2
    finally:
        client.close()


def test_signatures_verify_with_slack_sdk_and_bolt(api: SlackWebAPI) -> None:
    body = payloads.slash_command("30007")
    headers = sign(body, SIGNING_SECRET)
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + "&x=1", headers)
    assert not verifier.is_valid_request(body, sign(body, SIGNING_SECRET, int(time.time()) - 600))

    app = App(signing_secret=SIGNING_SECRET, client=WebClient(base_url=api.url, token=BOT_TOKEN))
    app.command("/smserror")(lambda ack: ack("ok"))
    signed = app.dispatch(BoltRequest(body=body, headers=sign(body, SIGNING_SECRET)))
    forged = app.dispatch(BoltRequest(body=body, headers=sign(body, "not-the-secret")))
    assert (signed.status, signed.body) == (200, "ok")
    assert forged.status == 401

    # post() sends exactly the bytes it signed, and reports 4xx instead of raising.
    status, _, _ = post(api.response_url(), '{"text": "done"}', SIGNING_SECRET)
    hook = api.calls("response_url")[0]
    assert status == 200 and hook.params == {"text": "done"}
    assert verifier.is_valid_request(hook.body, hook.headers)
    status, _, _ = post(api.url.replace("/api/", "/elsewhere"), "a=1", SIGNING_SECRET)
    assert status == 404


def test_payload_factories_are_slack_shaped() -> None:
    event = payloads.message_event("Error 30007 on +15550100")
    wrapped = payloads.event_callback(event)
    assert wrapped["type"] == "event_callback" and wrapped["event_id"].startswith("Ev")
    assert wrapped["authorizations"][0]["user_id"] == BOT_USER_ID
    assert wrapped["event_time"] == int(float(event["ts"]))

    ts_values = [payloads.message_event("x")["ts"] for _ in range(50)]
    assert ts_values == sorted(set(ts_values)) and all(TS.match(ts) for ts in ts_values)

    command = parse_qs(payloads.slash_command("30007"))
    assert command["command"] == ["/smserror"] and command["channel_name"] == ["sms-alerts"]
    assert {"response_url", "trigger_id", "api_app_id", "team_domain"} <= command.keys()

    action = envelope_payload(payloads.block_actions("retry", "30007", message_ts="1.000100"))
    assert action["type"] == "block_actions" and action["container"]["message_ts"] == "1.000100"
    assert action["actions"][0]["action_id"] == "retry"
    submission = envelope_payload(payloads.view_submission("report", {"b": {"a": "hi"}}))
    assert submission["view"]["state"]["values"]["b"]["a"]["value"] == "hi"
    shortcut = envelope_payload(payloads.message_shortcut("explain", "Error 30007"))
    assert shortcut["type"] == "message_action" and shortcut["message"]["text"] == "Error 30007"

    assert payloads.bot_message_event("x")["subtype"] == "bot_message"
    modern = payloads.bot_message_event("x", legacy=False)
    assert "subtype" not in modern and modern["bot_profile"]["id"] == modern["bot_id"]
    assert payloads.app_mention_event("hi")["text"] == f"<@{BOT_USER_ID}> hi"
    edit = payloads.message_changed_event("new", ts="1.000100", previous_text="old")
    assert edit["message"]["ts"] == edit["previous_message"]["ts"] == "1.000100"


def test_servers_stop_promptly_even_mid_delay(api: SlackWebAPI) -> None:
    api.delay("auth.test", 30)
    caller = threading.Thread(
        target=lambda: WebClient(base_url=api.url, token=BOT_TOKEN, timeout=5).auth_test(),
        daemon=True,
    )
    caller.start()
    api.wait_for("auth.test")
    started = time.monotonic()
    api.stop()
    assert time.monotonic() - started < 2
    caller.join(timeout=5)
