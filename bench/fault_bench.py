"""Faults, end to end: the real bot killed, its PostgreSQL stopped, Slack failing, while events
and escalations stream in. Counts what was lost and what was posted twice.

Run: .venv/bin/python bench/fault_bench.py [--scenarios kill-sqlite,kill-postgres,pg-stop,
     slack-500,slack-429,slack-slow,slack-hangup] [--events N] [--escalations N]

Everything stays on loopback: the Slack stand-ins from tests/slack_standin, a throwaway
PostgreSQL from tests/pg.py, the bot as `python -m bot serve --http`. This script plays Slack:
an event that got no 200 is delivered again later (Slack retries three times, over about five
minutes; here, until it is acknowledged or the run ends), and a person whose escalation form
said "submit again" submits it again. Each message and each escalation carries a marker, so
what reached Slack is counted from the stand-in's own store of posts:

- events unanswered: a message with a code, acknowledged, whose thread got no reply;
- double replies: a thread that got two;
- escalations lost: a form submitted and acknowledged whose support post never came;
- escalations posted twice: two support posts for one form.

Goals: 0 of each, in one run of every scenario. Asserts nothing; prints one line a scenario.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import pg  # noqa: E402
from escalation_flow import state_for  # noqa: E402
from slack_harness import HttpBot, channel_id, http_env  # noqa: E402
from slack_standin import BOT_USER_ID, USER_ID, SlackWebAPI, ids, payloads  # noqa: E402

from bot.cards.escalation import EscalationSource, escalation_modal  # noqa: E402
from bot.core.catalog import default_catalog  # noqa: E402

SUPPORT = "C0FAULTSUP"
MARKER = re.compile(r"bench-[a-z0-9]+(?:-[a-z0-9]+)*")
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
SCENARIOS = (
    "kill-sqlite",
    "kill-postgres",
    "pg-stop",
    "slack-500",
    "slack-429",
    "slack-slow",
    "slack-hangup",
)


@dataclass
class Run:
    """One scenario's traffic and what came of it."""

    name: str
    events: list[dict] = field(default_factory=list)  # event_callback bodies
    acked: set[str] = field(default_factory=set)  # event ts Slack got a 200 for
    forms: list[dict] = field(default_factory=list)  # {"marker", "view_id", "state", "meta"}
    stored: set[str] = field(default_factory=set)  # markers whose submit answered {}
    kills: int = 0
    refused_first: int = 0  # events not acknowledged on their first delivery
    kept_open_first: int = 0  # forms not stored on their first submit


def catalog_view() -> tuple[dict, dict]:
    """The escalation modal for Twilio 30007 from a thread, as the bot would open it."""
    entry = default_catalog().get("twilio", "30007")
    assert entry is not None
    source = EscalationSource(ids.CHANNEL_ID, ids.next_ts(), None, "twilio|30007|")
    view = escalation_modal(entry, source, destination=SUPPORT)
    examples = [(f"SM{n:032x}", int(time.time() - 3600 * n), f"+1415555010{n}") for n in (1, 2, 3)]
    return view, state_for(view, examples)


class Traffic:
    """Slack's side: delivers events and submits forms, again until acknowledged."""

    def __init__(self, run: Run, bot_ref: list[HttpBot]) -> None:
        self.run = run
        self.bot_ref = bot_ref
        self.view, self.state = catalog_view()

    def bot(self) -> HttpBot:
        return self.bot_ref[0]

    def event(self, n: int) -> None:
        ch = channel_id()
        event = payloads.message_event(f"batch {n} failing with 30007", channel=ch)
        body = payloads.event_callback(event)
        self.run.events.append(body)
        self._deliver(body, first=True)
        if body["event"]["ts"] not in self.run.acked:
            self.run.refused_first += 1

    def _deliver(self, body: dict, *, first: bool) -> None:
        try:
            status, _, _ = self.bot().post(body, **({} if first else {"extra_headers": RETRY}))
        except (OSError, urllib.error.URLError):
            return  # the bot is down: Slack will retry
        if status == 200:
            self.run.acked.add(body["event"]["ts"])

    def form(self, n: int) -> None:
        marker = f"bench-{self.run.name}-{n}-{random.randrange(10**9)}"
        state = json.loads(json.dumps(self.state))
        state["notes"] = {"notes": {"type": "plain_text_input", "value": marker}}
        form = {"marker": marker, "view_id": ids.slack_id("V"), "state": state}
        self.run.forms.append(form)
        self._submit(form)
        if marker not in self.run.stored:
            self.run.kept_open_first += 1

    def _submit(self, form: dict) -> None:
        body = payloads.view_submission(
            self.view["callback_id"],
            form["state"],
            private_metadata=self.view["private_metadata"],
            user=USER_ID,
            view_id=form["view_id"],
            blocks=self.view["blocks"],
        )
        try:
            status, _, raw = self.bot().post(body)
        except (OSError, urllib.error.URLError):
            return
        if status == 200 and not raw.strip():
            self.run.stored.add(form["marker"])

    def redeliver(self) -> None:
        """Slack's retries of what was not acknowledged; the person's second submit."""
        for body in self.run.events:
            if body["event"]["ts"] not in self.run.acked:
                self._deliver(body, first=False)
        for form in self.run.forms:
            if form["marker"] not in self.run.stored:
                self._submit(form)


def start_bot(api: SlackWebAPI, tmp: Path, database: str) -> HttpBot:
    env = http_env(
        api,
        tmp / "unused.sqlite3",
        SMSERROR_SUPPORT_CHANNEL=SUPPORT,
        SMSERROR_REPLIES_PER_MINUTE="100000",
        SMSERROR_JOB_LEASE_SECONDS="15",
        SMSERROR_SLACK_TIMEOUT="3",
        SMSERROR_RETRY_SECONDS="2",
    )
    env["DATABASE_URL"] = database
    return HttpBot(env, tmp)


def stream(traffic: Traffic, events: int, forms: int, seconds: float, during=None) -> None:
    """Events and forms spread over `seconds`; `during(k)` runs after the k-th item."""
    items = ["event"] * events + ["form"] * forms
    random.shuffle(items)
    gap = seconds / max(1, len(items))
    counts = {"event": 0, "form": 0}
    for k, item in enumerate(items):
        getattr(traffic, item)(counts[item])
        counts[item] += 1
        if during:
            during(k, len(items))
        time.sleep(gap)


def settle(api: SlackWebAPI, run: Run, traffic: Traffic, timeout: float) -> None:
    """Let Slack's retries and the outbox finish: until every acknowledged event has a reply
    and every stored form a support post, or `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        traffic.redeliver()
        if not unanswered(api, run) and not lost(api, run):
            time.sleep(3)  # room for a late double to show
            return
        time.sleep(1)


def replies(api: SlackWebAPI) -> dict[str, int]:
    counts: dict[str, int] = {}
    with api._cond:
        for messages in api.messages.values():
            for m in messages:
                if m.get("thread_ts"):
                    counts[m["thread_ts"]] = counts.get(m["thread_ts"], 0) + 1
    return counts


def support_posts(api: SlackWebAPI) -> dict[str, int]:
    counts: dict[str, int] = {}
    with api._cond:
        for m in api.messages.get(SUPPORT, []):
            text = json.dumps(m.get("blocks") or [])
            for marker in _markers(text):
                counts[marker] = counts.get(marker, 0) + 1
    return counts


def _markers(text: str) -> list[str]:
    return MARKER.findall(text)


def unanswered(api: SlackWebAPI, run: Run) -> list[str]:
    got = replies(api)
    return [ts for ts in run.acked if not got.get(ts)]


def lost(api: SlackWebAPI, run: Run) -> list[str]:
    got = support_posts(api)
    return [m for m in run.stored if not got.get(m)]


def report(api: SlackWebAPI, run: Run, seconds: float) -> str:
    got, posts = replies(api), support_posts(api)
    doubles = sum(1 for body in run.events if got.get(body["event"]["ts"], 0) > 1)
    twice = sum(1 for form in run.forms if posts.get(form["marker"], 0) > 1)
    never_acked = len(run.events) - len(run.acked)
    never_stored = len(run.forms) - len(run.stored)
    return (
        f"{run.name:14} events {len(run.events):4} (refused at first {run.refused_first:3}, "
        f"never acked {never_acked}) unanswered {len(unanswered(api, run))} double replies "
        f"{doubles} | escalations {len(run.forms):3} (kept open at first "
        f"{run.kept_open_first:2}, never stored {never_stored}) lost {len(lost(api, run))} "
        f"posted twice {twice} | kills {run.kills} | {seconds:5.1f} s"
    )


def scenario(name: str, events: int, forms: int, server: pg.PgServer | None) -> str:
    tmp = Path(tempfile.mkdtemp(prefix=f"smserror-fault-{name}-"))
    api = SlackWebAPI().start()
    api.set_channel(SUPPORT, name="sms-support", members=[BOT_USER_ID])
    uses_pg = name in ("kill-postgres", "pg-stop")
    database = server.create_database() if uses_pg and server else f"sqlite:///{tmp / 'db.sqlite3'}"
    run = Run(name)
    bots = [start_bot(api, tmp, database)]
    traffic = Traffic(run, bots)
    started = time.monotonic()
    try:
        if name.startswith("kill"):
            kill_at = sorted(random.sample(range(5, events + forms - 5), 3))

            restarts: list[threading.Thread] = []

            def restart() -> None:
                bots[0] = start_bot(api, tmp, database)

            def during(k: int, total: int) -> None:
                if k in kill_at:
                    bots[0].proc.send_signal(signal.SIGKILL)  # mid-request, mid-post
                    bots[0].proc.wait()
                    run.kills += 1
                    # The stream goes on while the bot starts again: those events and forms
                    # find nobody home, as in a crash, and Slack delivers them again later.
                    restarts.append(threading.Thread(target=restart))
                    restarts[-1].start()

            stream(traffic, events, forms, seconds=15, during=during)
            for thread in restarts:
                thread.join()
        elif name == "pg-stop":
            assert server is not None
            stop_at = (events + forms) // 3
            resumed = threading.Event()

            def during(k: int, total: int) -> None:
                if k == stop_at:
                    server.pause()
                    threading.Timer(15, lambda: (server.resume(), resumed.set())).start()

            stream(traffic, events, forms, seconds=25, during=during)
            resumed.wait(30)
        else:
            fault = {
                "slack-500": lambda: api.fail("chat.postMessage", status=500, times=40),
                "slack-429": lambda: api.fail(
                    "chat.postMessage", status=429, retry_after=60, times=40
                ),
                "slack-slow": lambda: api.delay("chat.postMessage", 5.0, times=40),
                "slack-hangup": lambda: api.hang_up("chat.postMessage", times=20),
            }[name]
            fault()
            stream(traffic, events, forms, seconds=10)
        settle(api, run, traffic, timeout=240 if name == "slack-429" else 120)
        return report(api, run, time.monotonic() - started)
    finally:
        bots[0].stop()
        api.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--events", type=int, default=150)
    parser.add_argument("--escalations", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    random.seed(args.seed)
    names = [n for n in args.scenarios.split(",") if n]
    server = pg.start() if any(n in ("kill-postgres", "pg-stop") for n in names) else None
    print(f"fault bench: {args.events} events and {args.escalations} escalations per scenario")
    try:
        for name in names:
            print(scenario(name, args.events, args.escalations, server), flush=True)
    finally:
        if server:
            server.stop()
    print("goals: unanswered 0, double replies 0, escalations lost 0, posted twice 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
