"""A real PostgreSQL for the tests: a throwaway server on loopback, started from the binaries.

No Docker and no shared server: initdb makes a cluster in a temporary folder, postgres serves it
on a free 127.0.0.1 port (and a unix socket inside the cluster's folder), and stop() removes
every trace. PostgreSQL refuses to run as root, so under root the server runs as the `postgres`
user in a folder under /tmp made over to that user (pytest's tmp_path is root's alone).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REQUIRE = "SMSERROR_REQUIRE_POSTGRES"  # "1" in CI: a missing PostgreSQL fails instead of skipping
START_TIMEOUT = 30.0
# Durability is not worth waiting for in a database that is deleted in a minute.
SPEED = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",  # process tests: several workers, each with its own pool
    "shared_buffers": "32MB",
    "listen_addresses": "127.0.0.1",
}


def find_binaries() -> Path | None:
    """The folder holding initdb and postgres: from PATH, else the newest Debian-style install."""
    on_path = shutil.which("initdb")
    if on_path:
        folder = Path(on_path).resolve().parent  # Debian links /usr/local/bin/* into lib/…/bin
        if (folder / "postgres").exists():
            return folder
    installed = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    with_server = [p for p in installed if (p / "postgres").exists()]
    if not with_server:
        return None
    return max(with_server, key=lambda p: _version(p.parent.name))


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", name))


@dataclass
class PgServer:
    """A running server; create_database() hands out an empty database per test."""

    binaries: Path
    base: Path  # the throwaway folder: cluster, socket and log live here
    port: int
    process: subprocess.Popen[bytes] | None = None
    as_user: str | None = None
    log: Path = field(init=False)
    _maker: ThreadPoolExecutor = field(init=False, default_factory=lambda: ThreadPoolExecutor(1))
    _spare: Future[str] | None = field(init=False, default=None)
    _one_at_a_time: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.log = self.base / "server.log"

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database with a random name; returns its SQLAlchemy URL.

        Copying the template takes a few hundred ms of disk writes, so the next test's database
        is made in the background while this test runs.
        """
        with self._one_at_a_time:
            spare, self._spare = self._spare, self._maker.submit(self._new_database)
        return spare.result() if spare else self._new_database()

    def _new_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pause(self) -> None:
        """Stop the server as an outage would (fast shutdown: clients are cut off), keeping its
        data for resume()."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=15)

    def resume(self) -> None:
        """Start the paused server again, on the same port and data."""
        self.process = _serve(self, self.as_user)
        _wait_until_ready(self)

    def stop(self) -> None:
        """Fast shutdown (SIGINT: clients are disconnected), then the folder goes."""
        self._maker.shutdown(wait=True, cancel_futures=True)
        try:
            if self.process and self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start() -> PgServer:
    """initdb and start a server; raises RuntimeError (with the server's log) if it will not."""
    binaries = find_binaries()
    if binaries is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb, postgres) found")
    as_user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="smserror-pg-", dir="/tmp"))
    server = PgServer(binaries=binaries, base=base, port=_free_port(), as_user=as_user)
    try:
        if as_user:
            shutil.chown(base, user=as_user, group=as_user)
        _run(
            [
                str(binaries / "initdb"),
                "--pgdata",
                str(server.data),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            as_user,
        )
        for attempt in range(3):  # the free port may be taken between looking and listening
            server.process = _serve(server, as_user)
            try:
                _wait_until_ready(server)
                break
            except RuntimeError:
                if attempt == 2 or "could not bind" not in _tail(server.log):
                    raise
                server.port = _free_port()
    except BaseException:
        server.stop()
        raise
    return server


def _serve(server: PgServer, as_user: str | None) -> subprocess.Popen[bytes]:
    settings = [arg for k, v in SPEED.items() for arg in ("-c", f"{k}={v}")]
    command = [str(server.binaries / "postgres"), "-D", str(server.data), "-p", str(server.port)]
    command += ["-k", str(server.data), *settings]  # the unix socket stays inside the cluster
    with open(server.log, "wb") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            **_drop_root(as_user),
            cwd=server.base,
            start_new_session=True,  # a Ctrl-C in the terminal reaches pytest, not the server
        )


def _wait_until_ready(server: PgServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"postgres exited at start:\n{_tail(server.log)}")
        try:
            with psycopg.connect(server.admin_dsn, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"postgres not ready after {START_TIMEOUT:.0f}s:\n{_tail(server.log)}"
                ) from None
            time.sleep(0.05)


def _run(command: list[str], as_user: str | None) -> None:
    done = subprocess.run(
        command, capture_output=True, cwd="/tmp", check=False, timeout=120, **_drop_root(as_user)
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).decode(errors="replace")
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}):\n{output}")


def _drop_root(as_user: str | None) -> dict[str, object]:
    """subprocess arguments that run the child as `as_user`, with none of root's groups."""
    return {"user": as_user, "group": as_user, "extra_groups": []} if as_user else {}


def _free_port() -> int:
    """A port nobody listens on now; the server takes it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no server log)"
