"""Codes provider webhooks reported failing, shown beside (and told apart from) the codes
people pasted: in /smserror stats and on App Home."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cards.parts import Blocks, context, divider, section
from bot.cards.phrases import spoken
from bot.core.catalog import Entry
from bot.core.escape import escape
from bot.strings import say


@dataclass(frozen=True)
class Reported:
    """A code provider webhooks reported failing, and how often (bot.core.stats)."""

    provider_name: str
    code: str
    entry: Entry | None  # None: a code the catalog does not hold
    failures: int


def reported_blocks(reported: Sequence[Reported], heading: str) -> Blocks:
    """The codes webhooks reported, told apart from those people pasted."""
    lines = []
    for n, row in enumerate(reported, start=1):
        title = escape(spoken(row.entry).title) if row.entry else say("stats.reported_unknown")
        lines.append(
            say(
                "stats.reported_line",
                n=n,
                label=escape(f"{row.provider_name} {row.code}"),
                title=title,
                failures=say("stats.failures", count=row.failures),
            )
        )
    body = section("\n".join([f"*{heading}*", *lines]))
    return [divider(), body, context(say("stats.reported_hint"))]
