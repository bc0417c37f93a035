"""Per-channel settings as a value: what the core needs to know about where a message was posted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSettings:
    auto_reply: bool = True  # answer codes in channel messages without being asked
    providers: tuple[str, ...] = ()  # preferred providers: settle ambiguous and small codes
    answer_bots: bool = False  # also answer other bots and integrations (console alerts)
    support_channel: str | None = None  # where escalations from this channel go
