"""How the console shows Slack's marks on a terminal (bot.console.on_terminal, named)."""

from __future__ import annotations

from bot.console import named, on_terminal

BOLD, CYAN, RESET = "\x1b[1m", "\x1b[36m", "\x1b[0m"


def test_bold_and_code_become_terminal_bold_and_colour() -> None:
    shown = on_terminal("*What happened*\n1. `SM0a1b` · sent")
    assert shown == f"{BOLD}What happened{RESET}\n1. {CYAN}SM0a1b{RESET} · sent"


def test_stars_inside_words_and_sums_are_left_alone() -> None:
    assert on_terminal("2*3*4 and file*name, * not bold *") == "2*3*4 and file*name, * not bold *"


def test_the_consoles_ids_read_as_names() -> None:
    assert named("@U0YOU0001 in #C0CONSOLE, by @U0SMSERR1") == "@you in #console, by @smserror"
