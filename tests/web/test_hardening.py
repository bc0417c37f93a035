"""POST /slack/events against what is not Slack: junk, strangers, giants. Never a 500.

The real bot runs as a subprocess (slack_harness); requests go over raw HTTP so sizes, framing and
headers are exactly what each test says.
"""

from __future__ import annotations

import json
import select
import socket
import time

import pytest
from slack_harness import HttpBot, channel_id
from slack_standin import SIGNING_SECRET, payloads, post, sign

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"
JSON_CT = "application/json"


def send(bot: HttpBot, body: bytes | str, content_type: str | None, **kwargs) -> tuple[int, dict]:
    """POST exactly these bytes; the status and the decoded JSON reason (or {})."""
    extra = kwargs.pop("extra_headers", {})
    headers = {} if content_type is None else {"Content-Type": content_type}
    raw = body.encode() if isinstance(body, str) else body
    status, _, answer = post(
        bot.events_url,
        raw,
        SIGNING_SECRET,
        content_type=content_type or "",
        extra_headers={**headers, **extra},
        **kwargs,
    )
    try:
        reason = json.loads(answer) if answer else {}
    except ValueError:
        reason = {"text": answer.decode(errors="replace")}
    return status, reason


MALFORMED = {
    "bad-json": (b'{"type": "event_callback", "event": ', JSON_CT),
    "json-not-an-object": (b'["event_callback"]', JSON_CT),
    "deeply-nested-json": (b"{" + b'"a":[' * 100_000 + b"]" * 100_000 + b"}", JSON_CT),
    "not-utf8": (b'{"text": "\xff\xfe caf\xe9"}', JSON_CT),
    "not-utf8-form": (b"command=%2Fsmserror&text=caf\xe9", FORM),
    "percent-escape-not-utf8": (b"command=%2Fsmserror&text=%FF%FE", FORM),
    "not-a-form": (b"command=/smserror&&text", FORM),
    "payload-not-json": (b"payload=%7Bnot+json", FORM),
    "payload-json-list": (b"payload=%5B1%2C2%5D", FORM),
    "empty": (b"", JSON_CT),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_bodies_signed_by_slack_get_400_with_a_reason(slack, name: str) -> None:
    _, bot = slack
    body, ctype = MALFORMED[name]
    status, reason = send(bot, body, ctype)
    assert status == 400
    assert reason.get("error")


@pytest.mark.parametrize("name", MALFORMED)
@pytest.mark.parametrize("how", ["unsigned", "wrong-secret", "stale"])
def test_malformed_bodies_not_signed_by_slack_get_401(slack, name: str, how: str) -> None:
    _, bot = slack
    body, ctype = MALFORMED[name]
    if how == "unsigned":
        status, _ = send(bot, body, ctype, sign=False)
    elif how == "wrong-secret":
        headers = sign(body, "not-the-signing-secret")
        status, _ = send(bot, body, ctype, sign=False, extra_headers=headers)
    else:
        status, _ = send(bot, body, ctype, timestamp=int(time.time()) - 6 * 60)
    assert status == 401


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_a_missing_signature_header_gets_401(slack, missing: str) -> None:
    _, bot = slack
    body = json.dumps(payloads.url_verification("c-1"))
    headers = {k: v for k, v in sign(body, SIGNING_SECRET).items() if k != missing}
    status, reason = send(bot, body, JSON_CT, sign=False, extra_headers=headers)
    assert status == 401
    assert "missing" in reason["error"]


@pytest.mark.parametrize("ctype", ["text/plain", "multipart/form-data; boundary=x", "", "json"])
def test_content_types_slack_never_sends_get_415(slack, ctype: str) -> None:
    _, bot = slack
    body = json.dumps(payloads.url_verification("c-2"))
    status, reason = send(bot, body, ctype or None)
    assert status == 415
    assert "content type" in reason["error"]


@pytest.mark.parametrize("ctype", ["application/json; charset=utf-8", "Application/JSON"])
def test_a_json_content_type_with_a_charset_or_capitals_is_still_served(slack, ctype) -> None:
    _, bot = slack
    body = json.dumps(payloads.url_verification("c-3"))
    status, reason = send(bot, body, ctype)
    assert (status, reason) == (200, {"challenge": "c-3"})


def test_a_slash_command_whose_text_says_payload_is_answered(slack) -> None:
    # Bolt on its own reads any form containing "payload" as an interaction: 404 "unhandled".
    _, bot = slack
    status, _, answer = bot.post(payloads.slash_command("payload 30007"))
    assert status == 200 and "30007" in answer.decode()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_on_the_events_url_get_405(slack, method: str) -> None:
    _, bot = slack
    head = f"{method} /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", bot.port), timeout=5) as conn:
        conn.sendall(head.encode())
        assert read_status(conn) == 405


def test_a_declared_oversized_body_gets_413_before_any_of_it_is_sent(slack) -> None:
    _, bot = slack
    head = request_head(bot, f"Content-Length: {100 * MIB}")
    with socket.create_connection(("127.0.0.1", bot.port), timeout=5) as conn:
        conn.sendall(head)  # the headers only: the server must not wait for 100 MiB
        assert read_status(conn) == 413
        assert closed_by_server(conn)  # not left open to drain the rest


def test_a_streamed_oversized_body_gets_413_without_the_server_reading_it_all(slack) -> None:
    _, bot = slack
    total, chunk = 256 * MIB, b"x" * (64 * 1024)
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent, status, pending = 0, None, b""
    with socket.create_connection(("127.0.0.1", bot.port), timeout=10) as conn:
        conn.sendall(request_head(bot, "Transfer-Encoding: chunked"))
        deadline = time.monotonic() + 30
        while sent < total and time.monotonic() < deadline:
            readable, writable, _ = select.select([conn], [conn], [], 1)
            if readable:  # the answer came while we were still sending
                status = read_status(conn)
                break
            if writable:
                pending = pending or frame  # finish a frame before starting the next
                try:
                    done = conn.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                pending, sent = pending[done:], sent + done
        if status is None:
            status = read_status(conn)
    assert status == 413
    # Socket buffers hold a few MiB in flight; the server stopped after 1 MiB of the 256.
    assert sent < 64 * MIB


def test_an_unsigned_ssl_check_is_answered_without_acting_on_anything_riding_along(slack) -> None:
    _, bot = slack
    ch = channel_id()
    smuggled = payloads.slash_command("30007", channel_id=ch)
    body = "ssl_check=1&token=x&" + smuggled
    status, _, answer = post(bot.events_url, body, SIGNING_SECRET, content_type=FORM, sign=False)
    # Dispatched, the command would have been acknowledged with a card in this answer.
    assert (status, answer) == (200, b"")
    assert f"channel={ch}" not in bot.output


def test_a_signed_body_bolt_cannot_read_gets_400_and_one_logged_traceback(slack) -> None:
    _, bot = slack
    status, reason = send(bot, '{"type": "event_callback", "event": "not an object"}', JSON_CT)
    assert status == 400 and reason["error"]
    bot.wait_for_line("could not handle a request (kind=event)")
    assert bot.output.count("could not handle") == 1


ODD_EVENTS = [
    {"type": "message", "channel": ["C1"], "ts": 1},
    {"type": "message", "channel": "C0TODD0001", "ts": "1.1", "text": ["30007"]},
    {"type": "message", "subtype": "message_changed", "channel": "C0TODD0001", "message": "x"},
    {"type": "app_mention", "channel": "C0TODD0001", "ts": "1.2", "text": {"a": 1}},
    {"type": "message", "channel": "C0TODD0001", "ts": "1.3", "text": "30007", "thread_ts": 5},
    {"type": "message", "channel": "C0TODD0001", "ts": "1.4", "text": "30007", "blocks": "x"},
    {"type": "message", "channel": "C0TODD0001", "ts": "1.5", "attachments": [1, "x", None]},
]


@pytest.mark.parametrize("event", ODD_EVENTS, ids=range(len(ODD_EVENTS)))
def test_signed_events_of_odd_shapes_are_acknowledged_never_a_500(slack, event) -> None:
    _, bot = slack
    status, _ = send(bot, json.dumps({"type": "event_callback", "event": event}), JSON_CT)
    assert status in (200, 400)


def test_control_characters_from_requests_are_escaped_in_log_lines(slack) -> None:
    _, bot = slack
    ts = "1796000000.777777"
    event = {"type": "message", "channel": "C0T\u202eZ\u0000", "ts": ts, "text": "30007"}
    assert send(bot, json.dumps({"type": "event_callback", "event": event}), JSON_CT)[0] == 200
    line = bot.wait_for_line(f"ts={ts}")
    assert "\\u202e" in line and "\\x00" in line
    assert "\u202e" not in bot.output and "\x00" not in bot.output


def test_after_all_that_a_good_event_is_still_answered_and_nothing_was_a_500(slack) -> None:
    _, bot = slack
    event = payloads.message_event("Twilio 30007 again", channel=channel_id())
    status, _ = send(bot, json.dumps(payloads.event_callback(event)), JSON_CT)
    assert status == 200
    assert bot.outcome(event["ts"]) == "answered"
    assert " 500 " not in bot.output
    assert "Exception in ASGI application" not in bot.output


# -- raw HTTP ----------------------------------------------------------------------------------


def request_head(bot: HttpBot, framing: str) -> bytes:
    signed = sign(b"whatever the body will be", SIGNING_SECRET)  # present, if not matching
    lines = [
        "POST /slack/events HTTP/1.1",
        f"Host: 127.0.0.1:{bot.port}",
        f"Content-Type: {JSON_CT}",
        *(f"{k}: {v}" for k, v in signed.items()),
        framing,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_status(conn: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        more = conn.recv(4096)
        if not more:
            break
        data += more
    return int(data.split(b" ", 2)[1])


def closed_by_server(conn: socket.socket, timeout: float = 5.0) -> bool:
    """True once the server ends the connection; False if it is still open after `timeout`."""
    conn.settimeout(timeout)
    try:
        while conn.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True
