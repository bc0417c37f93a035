"""What `/smserror …` text asks for."""

from __future__ import annotations

import pytest

from bot.core.command import MOST_DAYS, Command, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("  help ", Command("help")),
        ("settings", Command("settings")),
        ("Settings", Command("settings")),
        ("escalations", Command("escalations")),
        ("stats", Command("stats", days=7)),
        ("stats 30", Command("stats", days=30)),
        ("STATS 14d", Command("stats", days=14)),
        (f"stats {MOST_DAYS}", Command("stats", days=MOST_DAYS)),
        ("30007", Command("lookup", query="30007")),
        ("twilio 30007", Command("lookup", query="twilio 30007")),
        # Our words inside a longer question are a lookup, not a command.
        ("settings for 30007", Command("lookup", query="settings for 30007")),
        ("stats for twilio 30007", Command("lookup", query="stats for twilio 30007")),
        ("escalations of 30007", Command("lookup", query="escalations of 30007")),
    ],
)
def test_parse(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("days", ["0", "-3", f"{MOST_DAYS + 1}", "week", "1.5", "３"])
def test_stats_outside_its_range_says_how_to_ask(days: str) -> None:
    asked = parse(f"stats {days}")
    assert asked.kind == "bad"
    assert asked.problem and "/smserror stats 30" in asked.problem


def test_smserror_version_says_the_installed_version() -> None:
    import subprocess
    import sys
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"smserror {version('smserror')}"
