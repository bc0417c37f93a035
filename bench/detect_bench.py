"""Throughput of `smserror detect --json` against the floor of any line-by-line Python filter.

Run: make bench   (or .venv/bin/python bench/detect_bench.py [--messages N] [--runs N])

Writes N messages (nine in ten ordinary chatter, one in ten with codes or numbers that only look
like codes; the same every time) to a temporary file, then runs, as whole processes and
alternately, the installed `smserror detect --json` and the floor: a bare Python loop that reads
the same lines, runs one \\b\\d{5}\\b regex and prints json.dumps of the numbers it found. Prints
medians, messages per second, detect/floor (goal <= 1.5) and each process's peak RSS; a run on a
tenth of the input shows memory does not grow with it. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FLOOR = r"""
import json, re, sys
five = re.compile(r"\b\d{5}\b")
for line in sys.stdin:
    print(json.dumps({"numbers": five.findall(line)}))
"""

CHATTER = [
    "morning all, standup is pushed {n} min today",
    "can someone review my PR for the opt-out keyword handling? small change",
    "the {team} customer says her clients never got the promo, checking logs",
    "I'll take the escalation with {team}, they're upset about missed reminders",
    "ok texts are flowing again after the config rollback",
    "lunch order going in at noon, reply here if you want tacos",
    "is it normal for delivery receipts to arrive out of order?",
    "reminder: on-call handoff at {h}, please update the runbook",
    "{n} failed ones were typos in the numbers, fixing the import",
    "does anyone know if MMS to Canada costs more than SMS?",
    "status page looks green on the provider side, so it's probably our queue",
    "thanks {who}, that explains it :pray:",
    "heads up: deploying the inbox redesign after lunch, expect a quick blip",
    "the CSV importer chokes on numbers with parentheses, filing a bug",
    "brand got a low vetting score, they want to appeal. who handles that?",
    "<@U024BE7LH> can you look at the {team} thread when you have a sec?",
    "we crossed {n}k active contacts on the {team} account :tada:",
    "meeting moved to {h}:30, same link",
    "the toll-free verification form asks for sample messages, what do we put?",
    "should we warn customers before they send to a list that is {n} months old?",
]
WITH_CODES = [
    "Error {code} again?? third batch today for {team}",
    "{code} on anything going to Dominican Republic numbers. routing thing?",
    '```{{"status":"undelivered","error_code":{code}}}```',
    "MessageStatus=undelivered&ErrorCode={code}&To=%2B14045550173",
    "see https://www.twilio.com/docs/api/errors/{code} for what it means",
    "errors: {code}, {code2}",
    "EC_ABSENT_SUBSCRIBER_SM on most of the Orange numbers",
    "DLR came back REJECTD for all the Free Mobile numbers",
    "smspartner error {small} on the bulk send",
    "Salesmsg shows Insufficient_funds on the broadcast",
]
LOOKALIKES = [
    "ticket {code} is still open, any update from eng?",
    "Marietta, GA {code} is the new office",
    "customer callback number is (404) 300-0712, she prefers afternoons",
    "we moved the promo to short code {code}",
    "{code} messages sent yesterday across all accounts",
    "port {code} is blocked by the corporate firewall",
    "sid SM81c1aad236d31def0b9d2993300075ab failed",
    "the promo code EXPIRED, customer wants a new one",
    "spent ${code} on messaging last quarter",
    "got a 429 from the lookup API, we're hammering it",
]
CODES = ["30007", "30003", "21610", "40300", "33019", "30034", "40001", "21211"]
TEAMS = ["Brightside Med Spa", "Acme Roofing", "Northside Dental", "Oakridge Pediatrics"]


def messages(n: int, seed: int = 11) -> Iterator[str]:
    rng = random.Random(seed)
    for i in range(n):
        pool = CHATTER if i % 10 else rng.choice([WITH_CODES, LOOKALIKES])
        text = rng.choice(pool).format(
            n=rng.randint(2, 40),
            h=rng.randint(1, 11),
            who=rng.choice(["Sam", "Priya", "Jen"]),
            team=rng.choice(TEAMS),
            code=rng.choice(CODES),
            code2=rng.choice(CODES),
            small=rng.choice(["14", "11", "50", "96"]),
        )
        if i % 100 == 1:  # a multi-line message as a JSON object line
            text = json.dumps({"text": text + "\n> quoted line\n`code`"})
        yield text


def write_input(n: int, data: Path, tenth: Path) -> int:
    """Both input files, written as generated: the bench process stays small, and a child's
    peak RSS (which starts from its parent's) shows the child."""
    size = 0
    with data.open("w", encoding="utf-8") as full, tenth.open("w", encoding="utf-8") as part:
        for i, text in enumerate(messages(n)):
            full.write(text + "\n")
            size += len(text) + 1
            if i < n // 10:
                part.write(text + "\n")
    return size


def run(cmd: list[str], data: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process reading `data`."""
    with data.open("rb") as stdin:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} exited with {proc.returncode}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    detect = [str(Path(sys.executable).parent / "smserror"), "detect", "--json"]
    floor = [sys.executable, "-c", FLOOR]
    with tempfile.TemporaryDirectory() as tmp:
        data, tenth = Path(tmp, "messages.txt"), Path(tmp, "tenth.txt")
        size = write_input(args.messages, data, tenth)
        times: dict[str, list[float]] = {"detect": [], "floor": []}
        rss: dict[str, list[int]] = {"detect": [], "floor": []}
        for _ in range(args.runs):
            for name, cmd in (("detect", detect), ("floor", floor)):
                elapsed, peak = run(cmd, data)
                times[name].append(elapsed)
                rss[name].append(peak)
        _, tenth_rss = run(detect, tenth)

    print(f"detect bench: {args.messages} messages ({size / 1e6:.1f} MB), {args.runs} runs each")
    for name in ("detect", "floor"):
        median = statistics.median(times[name])
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(
            f"  {name:6}  median {median:6.3f} s  {args.messages / median:9,.0f} msg/s  "
            f"peak RSS {max(rss[name]) / 1024:6.1f} MiB   runs: {runs}"
        )
    ratio = statistics.median(times["detect"]) / statistics.median(times["floor"])
    print(f"  detect/floor ratio {ratio:.2f} (goal <= 1.5)")
    print(f"  detect peak RSS on a tenth of the input: {tenth_rss / 1024:.1f} MiB")
    hostile(args.runs)


# Long pastes of one shape, the worst cases tests/core/test_detect.py only checks finish at all.
HOSTILE = {
    "5000 x 30007": " ".join(["30007"] * 5000),
    "smspartner + 5000 small numbers": "smspartner " + " ".join(str(i % 60) for i in range(5000)),
    "10000 x '+1 '": "+1 " * 10000,
    "10000 x 'EC_'": "EC_" * 10000,
}


def hostile(runs: int) -> None:
    """Median seconds to detect each hostile paste once, in process (no provider hint)."""
    from bot.core.detect import detect

    print("hostile pastes, in process:")
    for name, text in HOSTILE.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            detect(text)
            times.append(time.perf_counter() - started)
        print(f"  {name:34}  median {statistics.median(times):6.3f} s  ({len(text):,} chars)")


if __name__ == "__main__":
    main()
