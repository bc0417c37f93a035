"""Time from process start to GET /healthz answering 200, and resident memory once ready.

Run: .venv/bin/python bench/startup_bench.py [--runs N] [--imports]

Each run is a fresh `python -m bot serve --http` against the Web API stand-in (tests/slack_standin)
with a fresh SQLite file, so it pays for everything a deploy pays for: imports, the catalog,
creating the database, auth.test, binding the port. /healthz is polled every 5 ms; VmRSS and
VmHWM are read from /proc once it answers. --imports adds the slowest imports of one more run
(python -X importtime). Goals: ready < 1.5 s, RSS < 120 MB. Prints figures, asserts none.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from slack_standin import BOT_TOKEN, SIGNING_SECRET, SlackWebAPI  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz_status(port: int) -> int | None:
    """The status of one GET /healthz, or None while nothing listens."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = conn.recv(64)
    except OSError:
        return None
    return int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else None


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB (10^6 bytes, as the goal is written)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(rest.split()[0]) * 1024 / 1e6
    return fields["VmRSS"], fields["VmHWM"]


def environment(api: SlackWebAPI, db: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMSERROR_"))}
    return {
        **keep,
        "SLACK_API_URL": api.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": f"sqlite:///{db}",
        "LOG_LEVEL": "INFO",
    }


def one_start(api: SlackWebAPI, tmp: Path, python_flags: list[str]) -> tuple[float, float, float]:
    """(seconds to ready, RSS MB, peak RSS MB) of one fresh process."""
    port = free_port()
    cmd = [sys.executable, *python_flags, "-m", "bot", "serve", "--http"]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    log = (tmp / "bot.log").open("w")
    started = time.perf_counter()
    env = environment(api, tmp / "db.sqlite3")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        while healthz_status(port) != 200:
            if proc.poll() is not None or time.perf_counter() - started > 30:
                raise SystemExit(f"the bot did not start; see {log.name}")
            time.sleep(0.005)
        ready = time.perf_counter() - started
        rss, peak = memory_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
    return ready, rss, peak


def slowest_imports(log: Path, top: int = 12) -> list[tuple[float, str]]:
    """From -X importtime output: (cumulative ms, module) of the costliest top-level imports."""
    rows = []
    for line in log.read_text().splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name[1:].startswith(" "):  # top level only (nested names are indented)
            rows.append((int(cumulative) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--imports", action="store_true", help="show the slowest imports")
    args = parser.parse_args()
    ready, rss, peak = [], [], []
    with SlackWebAPI() as api:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                r, m, p = one_start(api, Path(tmp), [])
            ready.append(r)
            rss.append(m)
            peak.append(p)
        if args.imports:
            with tempfile.TemporaryDirectory() as tmp:
                one_start(api, Path(tmp), ["-X", "importtime"])
                imports = slowest_imports(Path(tmp) / "bot.log")

    runs = " ".join(f"{r:.2f}" for r in ready)
    print(f"startup bench: {args.runs} fresh processes, fresh SQLite file each")
    print(f"  start -> /healthz 200  median {statistics.median(ready):.3f} s (goal < 1.5 s)")
    print(f"                         runs: {runs}")
    print(
        f"  VmRSS when ready       median {statistics.median(rss):.1f} MB (goal < 120 MB);"
        f" peak (VmHWM) median {statistics.median(peak):.1f} MB"
    )
    if args.imports:
        print("  slowest top-level imports of one more start (cumulative ms; -X importtime):")
        for ms, name in imports:
            print(f"    {ms:7.1f}  {name}")


if __name__ == "__main__":
    main()
