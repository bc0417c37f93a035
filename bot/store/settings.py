"""The Store's channel settings, and the few seconds this process may remember them.

Every message in a channel asks for its settings, and they change a few times a year, so each
process keeps what it read for RECENT_SECONDS. A change saved through this process is seen at
once (save_settings forgets the channel); a change saved by another instance on the same
database is seen here within RECENT_SECONDS. Until then this process answers by the old
settings: a reply in a channel that just turned auto-reply off, or the old provider preference.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.channels import ChannelSettings
from bot.store.models import ChannelSettingsRow

RECENT_SECONDS = 10.0
RECENT_CHANNELS = 10_000  # past this many, start over rather than grow without bound

_SETTINGS = select(
    ChannelSettingsRow.auto_reply,
    ChannelSettingsRow.providers,
    ChannelSettingsRow.answer_bots,
    ChannelSettingsRow.support_channel,
    ChannelSettingsRow.language,
).where(ChannelSettingsRow.channel_id == bindparam("channel_id"))


class RecentSettings:
    """Settings read in the last `seconds`, per channel; thread-safe."""

    def __init__(
        self, seconds: float = RECENT_SECONDS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._kept: dict[str, tuple[float, ChannelSettings]] = {}
        self._changes = 0  # bumped by every forget: a read that overlapped one is not kept
        self._lock = threading.Lock()

    def get(self, channel_id: str) -> tuple[ChannelSettings | None, int]:
        """The settings still fresh enough (or None), and a token for `keep`."""
        with self._lock:
            kept = self._kept.get(channel_id)
            if kept and self._clock() < kept[0]:
                return kept[1], self._changes
            return None, self._changes

    def keep(self, channel_id: str, settings: ChannelSettings, token: int) -> None:
        """Remember settings read from the database, unless a save happened since `get`: the
        read may predate it, and keeping it would hide the save."""
        with self._lock:
            if token != self._changes:
                return
            if len(self._kept) >= RECENT_CHANNELS:
                self._kept.clear()
            self._kept[channel_id] = (self._clock() + self.seconds, settings)

    def forget(self, channel_id: str) -> None:
        with self._lock:
            self._changes += 1
            self._kept.pop(channel_id, None)


class Settings:
    engine: Engine
    _session: sessionmaker[Session]
    _recent: RecentSettings

    def settings(self, channel_id: str) -> ChannelSettings:
        """The channel's settings, as of at most RECENT_SECONDS ago (see the module's note)."""
        kept, token = self._recent.get(channel_id)
        if kept is not None:
            return kept
        with self.engine.connect() as conn:
            row = conn.execute(_SETTINGS, {"channel_id": channel_id}).first()
        read = _settings(*row) if row else ChannelSettings()
        self._recent.keep(channel_id, read, token)
        return read

    def save_settings(
        self, channel_id: str, settings: ChannelSettings, *, user_id: str | None = None
    ) -> None:
        try:
            with self._session.begin() as session:
                record = session.get(ChannelSettingsRow, channel_id)
                if record is None:
                    record = ChannelSettingsRow(channel_id=channel_id)
                    session.add(record)
                record.auto_reply = settings.auto_reply
                record.providers = ",".join(settings.providers)
                record.answer_bots = settings.answer_bots
                record.support_channel = settings.support_channel
                record.language = settings.language
                record.updated_by = user_id
        finally:
            # After the commit (or its failure): a read between the two keeps nothing.
            self._recent.forget(channel_id)

    def channels_with_settings(self) -> list[tuple[str, ChannelSettings]]:
        """Every channel someone has configured, oldest change first."""
        with self._session() as session:
            records = session.scalars(
                select(ChannelSettingsRow).order_by(
                    ChannelSettingsRow.updated_at, ChannelSettingsRow.channel_id
                )
            )
            return [
                (
                    r.channel_id,
                    _settings(
                        r.auto_reply, r.providers, r.answer_bots, r.support_channel, r.language
                    ),
                )
                for r in records
            ]


def _settings(
    auto_reply: bool,
    providers: str,
    answer_bots: bool,
    support_channel: str | None,
    language: str | None,
) -> ChannelSettings:
    return ChannelSettings(
        auto_reply=auto_reply,
        providers=tuple(p for p in providers.split(",") if p),
        answer_bots=answer_bots,
        support_channel=support_channel,
        language=language,
    )
