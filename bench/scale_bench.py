"""How throughput grows with instances on PostgreSQL: one `serve` process, then two, on one
database, fed the same stream of Slack-signed message events.

Run: .venv/bin/python bench/scale_bench.py [--instances 1,2] [--events 3000] [--rate 1000]

For each count of instances: a fresh database on a PostgreSQL server this script starts
(tests/pg.py), that many bots (`python -m bot serve --http`, not pinned) against the Web API
stand-in, and `events` message events, half of them naming a code, sent open loop at `rate`
and dealt round-robin to the bots. The rate is more than the bots keep up with, so what is
measured is how fast they get through the whole stream. It prints:
- through/s: events sent, over the seconds from the first send to the last reply posted;
- CPU ms/event: the bots' CPU, and the database server's, per event sent;
- the acks' p50 and p99 and errors (non-200, or none within 10 s);
- replies posted against those due, and threads answered twice (which must be 0).

This machine has two cores, and the bots share them with the database, the load and the
stand-in; so through/s here can grow by less than the count of bots. That CPU ms/event stays
flat as bots are added is what says each further core carries as much again: 1000 over it is
the events per second one core's worth of CPU takes. Prints figures, asserts none.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

import pg  # noqa: E402
from load_bench import (  # noqa: E402
    BOT,
    Server,
    Step,
    bot_env,
    cpu_of,
    drive,
    free_port,
    message_bodies,
    signed_request,
)
from slack_standin import SlackWebAPI  # noqa: E402

QUIET = 5.0  # seconds with no new reply after which the rest is taken as never coming


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its children, the live ones and those that have ended:
    PostgreSQL serves each connection from a child of its postmaster."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == root:
                        children.append(int(entry))
            except (OSError, IndexError, ValueError):  # a process that just ended
                continue
    live = 0.0
    for child in children:
        try:
            live += cpu_of(child)
        except OSError:
            continue
    return cpu_of(root, children=True) + live


def last_reply(api: SlackWebAPI, expected: int) -> tuple[int, float]:
    """Replies posted, and the time of the last, once all came or none came for QUIET s."""
    last_count, changed = -1, time.monotonic()
    while True:
        calls = api.calls("chat.postMessage")
        if len(calls) >= expected:
            break
        if len(calls) != last_count:
            last_count, changed = len(calls), time.monotonic()
        elif time.monotonic() - changed > QUIET:
            break
        time.sleep(0.05)
    return len(calls), max((c.at for c in calls), default=time.time())


def answered_twice(api: SlackWebAPI) -> int:
    threads = collections.Counter(
        (c.params.get("channel"), c.params.get("thread_ts")) for c in api.calls("chat.postMessage")
    )
    return sum(1 for n in threads.values() if n > 1)


def one_count(
    count: int, server: pg.PgServer, events: int, rate: int, tmp: Path
) -> dict[str, float]:
    database = server.create_database()
    bodies, coded = message_bodies(events, random.Random(count))
    with SlackWebAPI() as api:
        bots = [
            Server(
                [*BOT, "--port", str(port := free_port())],
                bot_env(api, database),
                port,
                tmp / f"bot-{count}-{n}.log",
                replies=True,
                core=None,
            )
            for n in range(count)
        ]
        try:
            dealt = [bodies[n::count] for n in range(count)]
            steps = [Step(rate) for _ in bots]
            cpu_before = sum(bot.cpu() for bot in bots), tree_cpu(server.process.pid)  # type: ignore[union-attr]
            started = time.time()

            async def send() -> None:
                await asyncio.gather(
                    *(
                        drive(
                            bot.port,
                            [signed_request(bot.port, b) for b in mine],
                            rate // count,
                            step,
                        )
                        for bot, mine, step in zip(bots, dealt, steps, strict=True)
                    )
                )

            asyncio.run(send())
            replies, at = last_reply(api, coded)
            bots_cpu = sum(bot.cpu() for bot in bots) - cpu_before[0]
            db_cpu = tree_cpu(server.process.pid) - cpu_before[1]  # type: ignore[union-attr]
            twice = answered_twice(api)
        finally:
            for bot in bots:
                bot.stop()
    acks = Step(rate)
    for step in steps:
        acks.latencies += step.latencies
        acks.errors += step.errors
    return {
        "through": events / max(at - started, 1e-9),
        "bots_cpu": 1000 * bots_cpu / events,
        "db_cpu": 1000 * db_cpu / events,
        "p50": acks.p(0.5),
        "p99": acks.p(0.99),
        "errors": acks.errors,
        "replies": replies,
        "expected": coded,
        "twice": twice,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", default="1,2")
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=1000, help="events per second, in all")
    args = parser.parse_args()
    counts = [int(n) for n in args.instances.split(",")]
    server = pg.start()
    print(
        f"scale bench: {args.events} message events at {args.rate}/s, half with a code, "
        f"round-robin over the bots; PostgreSQL, {os.cpu_count()} cores shared by everything"
    )
    print(
        "  bots  through/s | CPU ms/event bots  db  all | ack p50 ms  p99 ms errors"
        " | replies/expected  twice"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for count in counts:
                r = one_count(count, server, args.events, args.rate, Path(tmp))
                print(
                    f"  {count:4d} {r['through']:10.0f} | {r['bots_cpu']:17.2f} {r['db_cpu']:4.2f}"
                    f" {r['bots_cpu'] + r['db_cpu']:4.2f} | {r['p50']:10.2f} {r['p99']:7.2f}"
                    f" {r['errors']:6.0f} | {r['replies']:7.0f}/{r['expected']:<8.0f}"
                    f" {r['twice']:5.0f}",
                    flush=True,
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
