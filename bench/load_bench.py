"""Ack latency of the real bot under Slack-signed message events at rising rates, on one core.

Run: .venv/bin/python bench/load_bench.py [--rates 50,100,200,400] [--seconds 5] [--turns 5]

Starts `python -m bot serve --http` against the Web API stand-in (tests/slack_standin), pinned to
core 0; this process (load generator and stand-in) runs on core 1. At each rate it sends
rate x seconds message events over loopback, open loop (each at its scheduled time, on a free
keep-alive connection, so a slow answer never delays the next send): half name a real code
("Twilio 30007 again"), half are chatter, spread over many channels with the reply cap raised, so
every code gets its reply. It prints p50/p99 ack latency (request written -> response read),
errors (non-200 or no answer within 10 s), and replies posted (chat.postMessage calls the
stand-in saw, after waiting for the backlog). The same requests go to bench/bare_app.py (a
bare Bolt app, served the same way, same pinning), bare and behind our HTTP layer: ours/bare is
the ratio of medians. CPU ms/event is each server's CPU time over its turns (for ours, until its
replies are posted) per event sent: 1000 over it is the most events per second one core could
take with replies keeping up. The three servers run side by side and take turns: each rate's
seconds are split into --turns rounds, and in each round every server gets the same requests,
in a rotating order, so what else the machine is doing falls on all three alike. Goals (the
reliability issue): ours/bare <= 1.3 at 200 events/s, <= 1.5 at 400/s, and p99 < 50 ms at 400/s,
every reply posted. Prints figures, asserts none.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from detect_bench import CHATTER  # noqa: E402
from slack_standin import BOT_TOKEN, SIGNING_SECRET, SlackWebAPI, payloads, sign  # noqa: E402

SERVER_CORE, LOAD_CORE = 0, 1
ANSWER_TIMEOUT = 10.0  # seconds; Slack itself gives up after 3
SETTLE = 0.2  # seconds after the last reply before the next server's turn
CHANNELS = [f"C0LOAD{i:04d}" for i in range(500)]
WITH_CODES = [
    "Twilio 30007 again",
    "getting 21610 on the promo blast",
    "error 30003 on half the list since noon",
    "telnyx 40300 for the whole campaign?",
]


@dataclass
class Step:
    rate: int
    sent: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    expected_replies: int = 0
    replies: int = 0
    cpu: float = 0.0  # seconds of the server's CPU over its turns, replies included

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000 if ordered else math.nan


# -- the requests ------------------------------------------------------------------------------


def message_bodies(n: int, rng: random.Random) -> tuple[list[bytes], int]:
    """n event_callback bodies, every other one naming a code; and how many name one."""
    bodies, coded = [], 0
    for i in range(n):
        if i % 2 == 0:
            text, coded = rng.choice(WITH_CODES), coded + 1
        else:
            text = rng.choice(CHATTER).format(n=7, h=3, who="Sam", team="Acme Roofing")
        event = payloads.message_event(text, channel=rng.choice(CHANNELS))
        bodies.append(json.dumps(payloads.event_callback(event)).encode())
    return bodies, coded


def signed_request(port: int, body: bytes) -> bytes:
    head = [
        "POST /slack/events HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in sign(body, SIGNING_SECRET).items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


# -- the load ----------------------------------------------------------------------------------


async def answer_of(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def drive(port: int, requests: list[bytes], rate: int, step: Step) -> None:
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def one(request: bytes) -> None:
        started = time.perf_counter()
        reused = bool(idle)
        for _attempt in range(2):
            conn = idle.pop() if reused else await asyncio.open_connection("127.0.0.1", port)
            reader, writer = conn
            try:
                writer.write(request)
                status = await asyncio.wait_for(answer_of(reader), ANSWER_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as error:
                writer.close()
                # A kept-alive connection the server had just closed (uvicorn closes idle ones
                # after 5 s): sent again on a new one, as HTTP clients do. The wasted try
                # stays in the latency.
                if reused and not isinstance(error, asyncio.TimeoutError):
                    reused = False
                    continue
                step.errors += 1
                return
            step.latencies.append(time.perf_counter() - started)
            if status != 200:
                step.errors += 1
            idle.append(conn)
            return

    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    for i, request in enumerate(requests):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request)))
    step.sent += len(requests)
    step.seconds += loop.time() - start + 1 / rate  # the span the requests were sent over
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()


def run_turn(
    server: Server, api: SlackWebAPI, rate: int, bodies: list[bytes], coded: int, step: Step
) -> None:
    """Send the bodies to one server at `rate`; from ours, wait for the replies the `coded` ones
    ask for, which also keeps its backlog off the core when the next server's turn starts."""
    requests = [signed_request(server.port, body) for body in bodies]  # valid 5 minutes
    posted = len(api.calls("chat.postMessage"))
    cpu = server.cpu()
    asyncio.run(drive(server.port, requests, rate, step))
    if server.replies:
        step.expected_replies += coded
        step.replies += wait_for_replies(api, posted, coded) - posted
    step.cpu += server.cpu() - cpu
    time.sleep(SETTLE)  # the last replies' log lines, the last keep-alive connections closing


def wait_for_replies(api: SlackWebAPI, before: int, expected: int, quiet: float = 3.0) -> int:
    """chat.postMessage calls so far, once all expected arrived or none came for `quiet` s."""
    last, last_change = -1, time.monotonic()
    while True:
        now = len(api.calls("chat.postMessage"))
        if now - before >= expected:
            return now
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            return now
        time.sleep(0.05)


# -- the servers -------------------------------------------------------------------------------


class Server:
    """A server process pinned to one core, its output in a file (a pipe could fill and stall)."""

    def __init__(
        self,
        cmd: list[str],
        env: dict[str, str],
        port: int,
        log: Path,
        *,
        replies: bool,
        core: int | None = SERVER_CORE,
    ) -> None:
        self.port, self.replies = port, replies
        self.log = log.open("w")
        self.proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=self.log, stderr=self.log)
        if core is not None:
            pin(self.proc.pid, core)
        self._wait_healthy()
        if core is not None:
            pin(self.proc.pid, core)  # again: every thread started so far, to be sure

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with opener.open(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"server never became healthy; see {self.log.name}")

    def cpu(self) -> float:
        """Seconds of CPU the server has used so far (user and system, every thread)."""
        return cpu_of(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def cpu_of(pid: int, *, children: bool = False) -> float:
    """Seconds of CPU process `pid` has used (every thread); with `children`, also what its
    children that have ended used."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    used = int(fields[11]) + int(fields[12])
    if children:
        used += int(fields[13]) + int(fields[14])
    return used / os.sysconf("SC_CLK_TCK")


def pin(pid: int, core: int) -> None:
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(ProcessLookupError):  # a thread that just ended
            os.sched_setaffinity(int(tid), {core})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(
    servers: dict[str, Server], api: SlackWebAPI, args: argparse.Namespace
) -> dict[str, list[Step]]:
    """Per rate, `turns` rounds; in each round every server gets the same requests in turn, in
    an order that rotates: no server always goes first, and whatever else the machine is doing
    falls on all of them alike."""
    names = list(servers)
    for name in names:  # warm up: first-request imports, SQLite pages
        bodies, coded = message_bodies(50, random.Random(0))
        run_turn(servers[name], api, 50, bodies, coded, Step(50))
    steps: dict[str, list[Step]] = {name: [] for name in names}
    for rate in args.rates:
        step = {name: Step(rate) for name in names}
        for turn in range(args.turns):
            n = round(rate * args.seconds / args.turns)
            bodies, coded = message_bodies(n, random.Random(rate * 1000 + turn))
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                run_turn(servers[name], api, rate, bodies, coded, step[name])
        for name in names:
            steps[name].append(step[name])
    return steps


BOT = [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1"]


def bot_env(api: SlackWebAPI, database: str) -> dict[str, str]:
    """The bot's environment for a bench: the stand-in's URL and secrets, and `database`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMSERROR_"))},
        "SLACK_API_URL": api.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": database,
        "LOG_LEVEL": "INFO",  # as deployed: one line per request and per message
        "LOG_FORMAT": "text",
        "SMSERROR_REPLIES_PER_MINUTE": "100000",  # and 500 channels: no reply is capped
    }


def start(name: str, cmd: list[str], env: dict[str, str], tmp: Path) -> Server:
    port = free_port()
    log = tmp / f"{name}.log"
    return Server([*cmd, "--port", str(port)], env, port, log, replies=name == "ours")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50,100,200,400")
    parser.add_argument("--seconds", type=float, default=5.0, help="per rate (at most 10)")
    parser.add_argument(
        "--turns", type=int, default=5, help="rounds the seconds of each rate are split into"
    )
    args = parser.parse_args()
    args.rates = [int(r) for r in args.rates.split(",")]
    args.seconds = min(args.seconds, 10.0)
    args.turns = max(1, args.turns)
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("load bench needs two cores: one for the server, one for the load")
    os.sched_setaffinity(0, {LOAD_CORE})

    with tempfile.TemporaryDirectory() as tmp, SlackWebAPI() as api:
        env = bot_env(api, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        bare_cmd = [sys.executable, str(REPO / "bench" / "bare_app.py")]
        commands = {"ours": BOT, "layer": [*bare_cmd, "--our-http"], "bare": bare_cmd}
        servers: dict[str, Server] = {}
        try:
            for name, cmd in commands.items():
                servers[name] = start(name, cmd, env, Path(tmp))
            steps = measure(servers, api, args)
        finally:
            for server in servers.values():
                server.stop()
    report(steps["ours"], steps["layer"], steps["bare"], args.seconds)


def report(ours: list[Step], layer: list[Step], bare: list[Step], seconds: float) -> None:
    print(
        f"load bench: message events for {seconds:g} s per rate; server pinned to core "
        f"{SERVER_CORE}, load generator and Web API stand-in on core {LOAD_CORE}"
    )
    print("  ours  = python -m bot serve --http (LOG_LEVEL=INFO)")
    print("  layer = bare Bolt app behind our HTTP layer (checks, metrics, log line)")
    print("  bare  = bare Bolt app, empty message listener (bench/bare_app.py)")
    print(
        "  rate/s  sent  achieved/s |  ours p50 ms  p99 ms errors replies/expected"
        " | layer p50  p99 errors | bare p50  p99 errors | ours/bare layer/bare"
        " | CPU ms/event ours bare"
    )
    for o, la, b in zip(ours, layer, bare, strict=True):
        print(
            f"  {o.rate:6d} {o.sent:5d} {o.sent / o.seconds:10.0f} |"
            f" {o.p(0.5):12.2f} {o.p(0.99):7.2f} {o.errors:6d}"
            f" {o.replies:8d}/{o.expected_replies:<7d}"
            f" | {la.p(0.5):9.2f} {la.p(0.99):5.2f} {la.errors:6d}"
            f" | {b.p(0.5):8.2f} {b.p(0.99):5.2f} {b.errors:6d}"
            f" | {o.p(0.5) / b.p(0.5):9.2f} {la.p(0.5) / b.p(0.5):10.2f}"
            f" | {1000 * o.cpu / o.sent:17.2f} {1000 * b.cpu / b.sent:4.2f}"
        )
    at = {s.rate: i for i, s in enumerate(ours)}
    if 200 in at:
        o, la, b = ours[at[200]], layer[at[200]], bare[at[200]]
        print(
            f"  goal: ratio of medians <= 1.3 at 200 events/s: ours/bare {o.p(0.5) / b.p(0.5):.2f}"
            f" (our HTTP layer alone: {la.p(0.5) / b.p(0.5):.2f})"
        )
    if 400 in at:
        o, b = ours[at[400]], bare[at[400]]
        print(
            f"  goal: at 400 events/s ours/bare <= 1.5 and p99 ack < 50 ms:"
            f" ours/bare {o.p(0.5) / b.p(0.5):.2f}, p99 {o.p(0.99):.2f} ms"
        )
    medians = [median_ms(steps) for steps in (ours, layer, bare)]
    print(
        "  all rates: median ms ours {:.2f}, layer {:.2f}, bare {:.2f}; ours/bare {:.2f}".format(
            *medians, medians[0] / medians[2]
        )
    )


def median_ms(steps: list[Step]) -> float:
    return statistics.median(x for step in steps for x in step.latencies) * 1000


if __name__ == "__main__":
    main()
