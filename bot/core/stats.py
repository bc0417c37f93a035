"""How often each code was seen: a channel's top codes against the period before, and the
workspace's top codes for App Home. Counts come from the store's sightings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.cards.escalation import stats_message
from bot.cards.message import Message
from bot.cards.reported import Reported
from bot.core.alerting import Watch
from bot.core.catalog import Catalog, Entry
from bot.core.ports import SightingStore
from bot.core.records import EntryKey

TOP = 10
HOME_DAYS = 7


def channel_stats(
    store: SightingStore,
    catalog: Catalog,
    channel: str,
    days: int,
    *,
    now: datetime,
    watch: Watch | None = None,
) -> Message:
    """`/smserror stats [days]`: the channel's top codes, each against the period before, and
    beside them the failures provider webhooks reported to the channel."""
    period = timedelta(days=days)
    current = store.top_codes(now - period, now, channel_id=channel, limit=TOP)
    # Every code of the period before, not just its top ones: a code can climb into the top.
    before = store.top_codes(now - 2 * period, now - period, channel_id=channel, limit=10_000)
    reported = (
        _reported(catalog, watch.reported(lambda c: c == channel, now - period, now, limit=TOP))
        if watch
        else []
    )
    return stats_message(channel, days, _entries(catalog, current), dict(before), reported=reported)


def reported_top(
    catalog: Catalog, watch: Watch, *, now: datetime, visible: Callable[[str], bool]
) -> list[Reported]:
    """App Home's failures reported by webhooks this week, in the channels the person sees."""
    since = now - timedelta(days=HOME_DAYS)
    return _reported(catalog, watch.reported(visible, since, now, limit=5))


def _reported(catalog: Catalog, rows: Sequence[tuple[str, str, int]]) -> list[Reported]:
    return [
        Reported(catalog.providers.get(p, p), code, catalog.get(p, code), n) for p, code, n in rows
    ]


def workspace_top(
    store: SightingStore, catalog: Catalog, *, now: datetime, visible: Callable[[str], bool]
) -> list[tuple[Entry, int]]:
    """App Home's "top error codes this week", across the channels `visible` lets the person
    see: codes seen in a private channel are not told to someone outside it."""
    since = now - timedelta(days=HOME_DAYS)
    channels = [c for c in store.sighting_channels(since, now) if visible(c)]
    if not channels:
        return []
    return _entries(catalog, store.top_codes(since, now, channel_ids=channels, limit=5))


def _entries(catalog: Catalog, rows: Sequence[tuple[EntryKey, int]]) -> list[tuple[Entry, int]]:
    """Rows as entries; a code an operator has since removed from the catalog is left out."""
    found = ((catalog.get(*key), count) for key, count in rows)
    return [(entry, count) for entry, count in found if entry is not None]
