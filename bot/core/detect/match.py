"""One error found in a message: the catalog entry, where it was written, and why it counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.catalog import Entry

ENTRY_FIELDS = ("provider", "code", "scope", "title", "aliases")


@dataclass(frozen=True)
class Match:
    entry: Entry
    span: tuple[int, int]  # [start, end) in the message as posted
    reason: str  # for people: "error code after 'Error'", "Twilio docs URL", "EC_ name"

    @property
    def provider(self) -> str:
        return self.entry.provider

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def scope(self) -> str | None:
        return self.entry.scope

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.entry.aliases

    def to_dict(self) -> dict[str, Any]:
        """The shape `smserror detect --json` prints for each match: the entry's identity, as
        Entry.to_dict() gives it, plus where and why."""
        entry = self.entry.to_dict()
        return {
            **{name: entry[name] for name in ENTRY_FIELDS},
            "span": list(self.span),
            "reason": self.reason,
        }
