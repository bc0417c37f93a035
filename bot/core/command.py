"""What `/smserror …` asks for: a lookup, help, settings, stats or the open escalations."""

from __future__ import annotations

from dataclasses import dataclass

from bot.strings import say

DEFAULT_DAYS = 7
MOST_DAYS = 90
HELP_WORDS = {"", "help", "?", "hi", "hello"}


def asks_for_help(text: str) -> bool:
    """An empty question, "help" or a greeting: answered with usage, from any surface."""
    return text.strip().casefold() in HELP_WORDS


@dataclass(frozen=True)
class Command:
    # "help" | "settings" | "stats" | "escalations" | "watch" | "unwatch" | "lookup" | "bad"
    kind: str
    query: str = ""
    days: int = DEFAULT_DAYS
    problem: str | None = None  # for "bad": what was wrong and how to ask instead


def parse(text: str) -> Command:
    """The command in already-unescaped text; a lookup when it is not one of our words."""
    words = text.split()
    first = words[0].casefold() if words else ""
    if asks_for_help(text):
        return Command("help")
    if first == "settings" and len(words) == 1:
        return Command("settings")
    if first == "escalations" and len(words) == 1:
        return Command("escalations")
    if first in ("watch", "unwatch") and len(words) <= 3:
        return Command(first, query=" ".join(words[1:]))
    if first == "stats" and len(words) <= 2:
        return _stats(words[1] if len(words) == 2 else None)
    return Command("lookup", query=text.strip())


def _stats(days: str | None) -> Command:
    if days is None:
        return Command("stats")
    count = days.casefold().removesuffix("d")
    if count.isascii() and count.isdigit() and 1 <= int(count) <= MOST_DAYS:
        return Command("stats", days=int(count))
    return Command("bad", problem=say("command.stats_usage", most=MOST_DAYS, default=DEFAULT_DAYS))
