"""At start the bot asks Slack who it is (auth.test): a refused token and an unreachable Slack
each stop it with a clear message and their own exit status, naming no secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from slack_harness import clean_env, free_port
from slack_standin import BOT_TOKEN, SIGNING_SECRET, SlackWebAPI

pytestmark = pytest.mark.slow


def serve(tmp_path: Path, api_url: str) -> subprocess.CompletedProcess:
    env = clean_env(
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", str(free_port())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )


def test_slack_out_of_reach_stops_it_naming_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/api/"  # nobody listens there
    done = serve(tmp_path, url)
    assert done.returncode == 1
    assert f"smserror: cannot reach Slack at {url}" in done.stderr
    assert BOT_TOKEN not in done.stderr + done.stdout


def test_a_token_slack_refuses_stops_it_saying_where_to_copy_it_again(tmp_path: Path) -> None:
    with SlackWebAPI() as api:
        api.fail("auth.test", error="invalid_auth", times=5)
        done = serve(tmp_path, api.url)
    assert done.returncode == 2
    assert "Slack did not accept SLACK_BOT_TOKEN" in done.stderr
    assert "OAuth & Permissions" in done.stderr
    assert BOT_TOKEN not in done.stderr + done.stdout
