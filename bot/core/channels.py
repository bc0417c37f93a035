"""Per-channel settings as a value: what the core needs to know about where a message was posted."""

from __future__ import annotations

from dataclasses import dataclass

from bot.strings import default


@dataclass(frozen=True)
class ChannelSettings:
    auto_reply: bool = True  # answer codes in channel messages without being asked
    providers: tuple[str, ...] = ()  # preferred providers: settle ambiguous and small codes
    answer_bots: bool = False  # also answer other bots and integrations (console alerts)
    support_channel: str | None = None  # where escalations from this channel go
    language: str | None = None  # what the channel reads: replies, support posts; None: default

    @property
    def spoken(self) -> str:
        """The language the channel is answered in: its own, else the workspace's."""
        return self.language or default()
