"""Faults from Slack, through the stand-in Web API: every reply the bot decided is posted once
Slack lets it (the outbox), never twice (a post whose fate is unknown is looked for first), and
refusals a retry cannot fix end the job with one log line while the bot goes on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_harness import HttpBot, channel_id, free_port, http_env, wait_until
from slack_standin import SlackWebAPI, payloads

pytestmark = pytest.mark.slow
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SlackWebAPI, HttpBot]]:
    tmp = tmp_path_factory.mktemp("faults")
    # A fixed port, so "Slack" can go away and come back where the bot expects it.
    api = SlackWebAPI(port=free_port()).start()
    env = http_env(
        api, tmp / "db.sqlite3", SMSERROR_SLACK_TIMEOUT="1", SMSERROR_REPLIES_PER_MINUTE="100"
    )
    bot = HttpBot(env, tmp)
    try:
        yield api, bot
    finally:
        bot.stop()
        api.stop()


def say(bot: HttpBot, channel: str, **headers: str) -> dict:
    """A person posts a code in `channel`; returns the event callback body (to redeliver)."""
    body = payloads.event_callback(payloads.message_event("30007 on every send", channel=channel))
    assert bot.post(body, extra_headers=headers)[0] == 200
    return body


def attempts(api: SlackWebAPI, channel: str) -> list[object]:
    """Every chat.postMessage the stand-in received for `channel`: its answer's ok, or None
    for a request it never answered."""
    return [
        (c.response or {}).get("ok")
        for c in api.calls("chat.postMessage")
        if c.params.get("channel") == channel
    ]


def ts_of(body: dict) -> str:
    return body["event"]["ts"]


def lines_with(bot: HttpBot, *needles: str) -> list[str]:
    return [line for line in bot.output.splitlines() if all(n in line for n in needles)]


def new_line(bot: HttpBot, needle: str, seen: int, timeout: float = 10.0) -> str:
    """Wait for a log line with `needle` beyond the `seen` ones earlier tests left."""
    return wait_until(lambda: lines_with(bot, needle)[seen:], timeout=timeout)[0]


@pytest.mark.parametrize(
    ("fault", "kwargs"),
    [("rate limit", {"status": 429, "retry_after": 1}), ("server error", {"status": 503})],
)
def test_retryable_failures_are_retried_and_the_reply_posted_once(slack, fault, kwargs) -> None:
    api, bot = slack
    ch = channel_id()
    api.fail("chat.postMessage", **kwargs)
    body = say(bot, ch)
    assert bot.outcome(ts_of(body)) == "answered"
    assert attempts(api, ch) == [False, True]


@pytest.mark.parametrize("fault", ["timeout", "hang-up"])
def test_a_reply_slack_never_answered_is_found_and_never_posted_again(slack, fault) -> None:
    api, bot = slack
    ch = channel_id()
    if fault == "timeout":
        api.delay("chat.postMessage", 2.5)  # longer than SMSERROR_SLACK_TIMEOUT=1
    else:
        api.hang_up("chat.postMessage")
    body = say(bot, ch)
    ts = ts_of(body)
    # The first attempt went out and no answer came back; Slack had posted it. The next
    # attempt looks in the thread, finds the post by its job key and does not post again.
    new_line(bot, f"job reply:{ch}:{ts} found", 0, timeout=20)
    assert len(attempts(api, ch)) == 1
    assert [c.params["ts"] for c in api.calls("conversations.replies")].count(ts) >= 1
    # Slack redelivers the event it thinks went unanswered: the claim still holds.
    assert bot.post(body, extra_headers=RETRY)[0] == 200
    assert bot.outcomes(ts, 2)[1] == "duplicate"
    assert len(attempts(api, ch)) == 1


def test_a_post_slack_never_made_is_made_once(slack) -> None:
    """The fate was unknown and Slack had not posted it: the look finds nothing, so the
    reply is posted, once."""
    api, bot = slack
    ch = channel_id()
    api.drop("chat.postMessage")
    body = say(bot, ch)
    new_line(bot, f"job reply:{ch}:{ts_of(body)} posted attempt=2", 0, timeout=20)
    assert attempts(api, ch) == [None, True]
    assert len(api.messages[ch]) == 1


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_errors_a_retry_cannot_fix_are_logged_once_and_the_bot_goes_on(slack, error) -> None:
    api, bot = slack
    ch = channel_id()
    api.fail("chat.postMessage", error=error)
    seen = len(lines_with(bot, f"Slack refused it: {error}; given up"))
    say(bot, ch)
    line = new_line(bot, f"Slack refused it: {error}; given up", seen)
    assert "Traceback" not in bot.output
    assert attempts(api, ch) == [False]  # not retried
    # The next message is answered as usual.
    after = say(bot, ch)
    assert bot.outcome(ts_of(after)) == "answered"
    assert attempts(api, ch) == [False, True]
    assert lines_with(bot, f"Slack refused it: {error}")[seen:] == [line]  # logged once


def test_slack_out_of_reach_loses_no_reply(slack) -> None:
    api, bot = slack
    ch = channel_id()
    api.stop()  # connection refused from here on
    start = len(bot.output.splitlines())
    try:
        during = say(bot, ch)
        # Decided and stored while Slack is away; the worker keeps trying.
        new_line(bot, f"job reply:{ch}:{ts_of(during)} failed", 0, timeout=20)
        assert bot.get("/healthz")[0] == 200  # still serving
    finally:
        api.start()
    after = say(bot, ch)
    assert bot.outcome(ts_of(after)) == "answered"
    new_line(bot, f"job reply:{ch}:{ts_of(during)} posted", 0, timeout=30)
    assert attempts(api, ch) == [True, True]  # both replies, each once
    errors = [x for x in bot.output.splitlines()[start:] if " ERROR " in x]
    assert errors == []  # Slack being away is a wait, not an error
