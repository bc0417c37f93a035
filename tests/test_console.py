"""`smserror console` (and `run` without tokens): the real app, driven through stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from slack_harness import clean_env

pytestmark = pytest.mark.slow


def console(lines: str, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *(args or ("console",))],
        input=lines,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no stray .env
        env=clean_env(**env),
        timeout=60,
    )


def test_a_lookup_and_a_message_with_a_code(tmp_path: Path) -> None:
    done = console("/smserror 21610\nseeing 30007 on every send\n", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "smserror console" in out and "/smserror 21610" in out  # the banner's examples
    card, thread = out.split("smserror replied in the thread:", 1)
    assert "smserror (only you can see this):" in card
    assert "Twilio 21610: Recipient opted out (STOP)" in card
    assert "[Share in channel]" in card
    assert "Twilio 30007: Message filtered as spam by the carrier" in thread
    assert "How to fix it" in thread


def test_a_mention_is_answered_once_and_chatter_not_at_all(tmp_path: Path) -> None:
    done = console("@smserror what is 30008?\nlunch at noon?\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("smserror replied in the thread:") == 1
    assert "Twilio 30008" in done.stdout
    assert "(no reply: smserror answers messages with error codes)" in done.stdout


def test_settings_shows_the_modal(tmp_path: Path) -> None:
    done = console("/smserror settings\n", tmp_path)
    assert "smserror opened a window:" in done.stdout
    assert "Channel settings" in done.stdout and "[Save] [Cancel]" in done.stdout


def test_end_of_input_exits_0(tmp_path: Path) -> None:
    done = console("", tmp_path)
    assert done.returncode == 0
    assert done.stderr == ""


def test_run_without_tokens_starts_the_console(tmp_path: Path) -> None:
    done = console("/smserror help\n", tmp_path, "run")
    assert done.returncode == 0, done.stderr
    assert "smserror console" in done.stdout
    assert "smserror: SMS and MMS errors, explained" in done.stdout


def test_the_console_keeps_to_a_database_it_is_given(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    first = console("seeing 30007 on every send\n", tmp_path, DATABASE_URL=f"sqlite:///{db}")
    assert first.returncode == 0 and db.exists()
