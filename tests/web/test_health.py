"""Health that tells the truth: a database that cannot take writes, a SQLite file removed under
the running bot, and a data folder that is not there at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from slack_harness import HttpBot, http_env, wait_until

from bot.core.answers import RateLimiter

pytestmark = pytest.mark.slow


def healthz(bot: HttpBot) -> int:
    return bot.get("/healthz")[0]


def test_a_database_that_refuses_writes_is_unhealthy(api, pg_server, tmp_path) -> None:
    url = pg_server.create_database()
    name = url.rsplit("/", 1)[1]
    env = http_env(api, tmp_path / "unused.sqlite3")
    env["DATABASE_URL"] = url
    bot = HttpBot(env, tmp_path)
    try:
        assert healthz(bot) == 200
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        # Reads still work on the new connections; writes do not, so nothing can be claimed.
        wait_until(lambda: [1] if healthz(bot) == 503 else [], timeout=10)
    finally:
        bot.stop()


def test_a_sqlite_file_removed_under_the_bot_is_noticed_not_recreated(api, tmp_path) -> None:
    (tmp_path / "data").mkdir()
    db = tmp_path / "data" / "db.sqlite3"
    bot = HttpBot(http_env(api, db), tmp_path)
    try:
        assert healthz(bot) == 200
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        assert healthz(bot) == 503
        assert "removed or replaced" in bot.output
        assert not db.exists()  # no new, empty database in its place
    finally:
        bot.stop()


@pytest.mark.parametrize(
    "where", ["missing/folder/db.sqlite3", "a-file/db.sqlite3"], ids=["missing", "not-a-folder"]
)
def test_an_unusable_sqlite_path_stops_the_start_naming_it(api, tmp_path, where) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / where
    env = http_env(api, path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert str(path) in done.stderr
    assert "cannot reach Slack" not in done.stderr
    assert not path.exists()


def test_the_reply_cap_forgets_quiet_channels() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    for n in range(20_000):
        now[0] = n * 0.01  # 100 new channels a second, each replied to once
        assert limiter.allow(f"C{n}")
    # What it remembers is bounded by the channels of the last minute (6,000 here), with
    # room to grow to twice that before the next sweep: not every channel ever seen.
    assert limiter.remembered() <= 2 * 6000 + RateLimiter.SWEEP_AT
