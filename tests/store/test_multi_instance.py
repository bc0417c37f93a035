"""Two bot processes behind one "load balancer", sharing one real PostgreSQL database.

Slack retries an event it thinks went unanswered, and a load balancer may hand the retry to the
other instance; both instances then hold the same message at the same moment. Exactly one may
answer it, and escalations made on both at once must get distinct ids.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from escalation_flow import action_ids, click_escalate, hours_ago, sid, state_for, submit
from slack_harness import HttpBot, blocks_text, channel_id, http_env, posts, wait_until
from slack_standin import BOT_USER_ID, OTHER_USER_ID, USER_ID, SlackWebAPI, payloads

pytestmark = pytest.mark.slow
SUPPORT = "C0SUPPORTM"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture
def pair(pg_url: str, tmp_path: Path) -> Iterator[tuple[SlackWebAPI, HttpBot, HttpBot]]:
    with SlackWebAPI() as api:
        api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID, OTHER_USER_ID])
        env = http_env(
            api,
            tmp_path / "unused.sqlite3",
            DATABASE_URL=pg_url,
            SMSERROR_SUPPORT_CHANNEL=SUPPORT,
            SMSERROR_REPLIES_PER_MINUTE="1000",
        )
        first = HttpBot(env, tmp_path)
        try:
            second = HttpBot(env, tmp_path)
            try:
                yield api, first, second
            finally:
                second.stop()
        finally:
            first.stop()
    assert not (tmp_path / "unused.sqlite3").exists()  # both really used PostgreSQL


def at_once(*jobs: Callable[[], object]) -> None:
    """Run the jobs in threads released together, so their requests overlap."""
    start = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        start.wait()
        try:
            job()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures


def logged(ts: str, *instances) -> list[str]:
    """Every outcome the instances logged for the message with this ts."""
    needle = f"ts={ts} outcome="
    return [
        line.split(needle, 1)[1].split()[0]
        for bot in instances
        for line in bot.output.splitlines()
        if needle in line
    ]


def test_the_same_events_sent_to_both_instances_are_answered_once_each(pair) -> None:
    api, first, second = pair
    channel = channel_id()
    events = [
        payloads.message_event(f"batch {n} failed with 30007", channel=channel) for n in range(12)
    ]
    for event in events:
        body = payloads.event_callback(event)
        # The second copy is Slack's retry of the first, as it would arrive.
        at_once(
            lambda body=body: first.post(body),
            lambda body=body: second.post(body, extra_headers=RETRY),
        )
    for event in events:
        # Both instances took it; the database let exactly one keep it, and one of them (either
        # instance's worker) answered it.
        outcomes = wait_until(lambda ts=event["ts"]: logged(ts, first, second), count=2)
        assert sorted(outcomes) == ["answered", "duplicate"], outcomes
    # Either instance's delivery workers may post a reply; each is posted once.
    replies = wait_until(lambda: posts(api, channel), count=len(events))
    time.sleep(1)  # time for a second post of any of them, were there one
    replies = posts(api, channel)
    assert sorted(r["thread_ts"] for r in replies) == sorted(e["ts"] for e in events)


def test_escalations_submitted_on_both_instances_at_once_get_distinct_ids(pair) -> None:
    api, first, second = pair
    channel = channel_id()
    event = payloads.message_event("Twilio 30007 since noon", channel=channel)
    first.event(event)
    [reply_call] = wait_until(
        lambda: [c for c in api.calls("chat.postMessage") if c.params.get("channel") == channel]
    )
    [escalate] = [a for a in action_ids(reply_call.params) if a.startswith("escalate:")]
    container = {
        "type": "message",
        "message_ts": reply_call.response["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
        "thread_ts": event["ts"],
    }
    view = click_escalate(first, api, escalate, "twilio|30007|", container, USER_ID)
    examples = [(sid(n), hours_ago(n + 1), "+1 415 555 0100") for n in (1, 2, 3)]
    # Distinct numbers per example are not needed; the same form submitted 10 times is
    # 10 escalations.
    state = state_for(view, examples)
    bots = [first, second] * 5
    at_once(*[lambda bot=bot: submit(bot, view, state, USER_ID) for bot in bots])

    support = wait_until(lambda: posts(api, SUPPORT), 10)
    short_ids = [re.search(r"ESC-\d+", blocks_text(p))[0] for p in support]
    assert len(support) == 10
    assert len(set(short_ids)) == 10, short_ids
