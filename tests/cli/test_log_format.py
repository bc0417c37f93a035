"""LOG_FORMAT=json: one JSON object per line, extra fields kept, no secret anywhere in it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from slack_harness import channel_id, running_http_bot
from slack_standin import BOT_TOKEN, SIGNING_SECRET, payloads

from bot.log import configure_logging

SECRETS = [BOT_TOKEN, SIGNING_SECRET]


@pytest.fixture
def logs() -> Iterator[tuple[StringIO, Callable[[str], None]]]:
    """Root logging pointed at a buffer; the caller picks the format. Restored afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = StringIO()
    try:
        yield stream, lambda fmt: configure_logging("DEBUG", SECRETS, stream=stream, fmt=fmt)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def lines(stream: StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_its_extra_fields(logs) -> None:
    stream, configure = logs
    configure("json")
    logging.getLogger("bot.web.server").info(
        "POST %s %d", "/slack/events", 200, extra={"kind": "event", "duration_ms": 3.2}
    )
    logging.getLogger("x").warning("two\nlines")
    first, second = lines(stream)
    assert first["message"] == "POST /slack/events 200"
    assert (first["level"], first["logger"]) == ("INFO", "bot.web.server")
    assert (first["kind"], first["duration_ms"]) == ("event", 3.2)
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert second["message"] == "two\nlines"  # still one line of output


def test_secrets_put_anywhere_in_a_record_never_reach_the_json_lines(logs) -> None:
    stream, configure = logs
    configure("json")
    log = logging.getLogger("slack_sdk.web")
    log.debug("headers: %s", {"Authorization": f"Bearer {BOT_TOKEN}"})
    log.info(f"signing with {SIGNING_SECRET}")
    log.info(
        "extras",
        extra={
            "channel": "C0ALERTS1",
            "note": f"token={BOT_TOKEN}",
            "headers": {"x-secret": SIGNING_SECRET},
        },
    )
    try:
        raise RuntimeError(f"refused {BOT_TOKEN}")
    except RuntimeError:
        log.exception("call failed with %s", SIGNING_SECRET)
    log.warning("where", stack_info=True, extra={"token": BOT_TOKEN})

    out = stream.getvalue()
    assert BOT_TOKEN not in out and SIGNING_SECRET not in out
    headers, signing, extras, failed, where = lines(stream)
    assert "Bearer ****" in headers["message"] and signing["message"] == "signing with ****"
    assert (extras["channel"], extras["note"]) == ("C0ALERTS1", "token=****")
    assert "****" in extras["headers"]
    assert failed["message"] == "call failed with ****"
    assert "RuntimeError: refused ****" in failed["exception"]
    assert where["token"] == "****" and "stack" in where


def test_text_stays_the_readable_format_and_is_masked_too(logs) -> None:
    stream, configure = logs
    configure("text")
    logging.getLogger("bot").info("token %s", BOT_TOKEN, extra={"kind": "event"})
    out = stream.getvalue()
    assert out.rstrip().endswith(" INFO bot: token ****")
    assert "kind" not in out  # extra fields are for the JSON lines


@pytest.mark.slow
def test_a_serving_bot_writes_only_json_lines_with_one_line_per_request(tmp_path: Path) -> None:
    with running_http_bot(tmp_path, LOG_FORMAT="json", LOG_LEVEL="DEBUG") as (_, bot):
        event = payloads.message_event("Twilio 30007 again", channel=channel_id())
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        bot.event(event, extra_headers=retry)
        bot.wait_for_line(f"ts={event['ts']} outcome=answered")
        bot.get("/nope")
    records = [json.loads(line) for line in bot.output.splitlines()]  # every line parses
    requests = [r for r in records if r["logger"] == "bot.web.server" and "status" in r]
    event_line = next(r for r in requests if r["path"] == "/slack/events")
    assert event_line["method"] == "POST" and event_line["status"] == 200
    assert event_line["kind"] == "event" and event_line["retry_num"] == 1
    assert isinstance(event_line["duration_ms"], float)
    assert any(r["path"] == "/nope" and r["status"] == 404 for r in requests)
    assert len([r for r in requests if r["path"] == "/slack/events"]) == 1
    # running_http_bot has checked the whole output for both secrets on the way out.


def test_uvicorns_coloured_copy_of_a_message_stays_out_of_json_lines(logs) -> None:
    stream, configure = logs
    configure("json")
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]", 7, extra={"color_message": "Started \x1b[36m%d\x1b[0m"}
    )
    [line] = lines(stream)
    assert line["message"] == "Started server process [7]"
    assert "color_message" not in line


def test_start_up_chatter_is_left_out_below_debug(logs) -> None:
    stream, _ = logs
    configure_logging("INFO", SECRETS, stream=stream, fmt="text")
    logging.getLogger("alembic.runtime.plugins").info("setup plugin alembic.autogenerate.types")
    logging.getLogger("slack_bolt.App").warning(
        "As you gave `client` as well, `token` will be unused."
    )
    logging.getLogger("alembic.runtime.migration").info("Running upgrade 0003 -> 0004, …")
    assert (
        stream.getvalue().count("\n") == 1 and "Running upgrade 0003 -> 0004" in stream.getvalue()
    )
