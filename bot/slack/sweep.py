"""The alert sweep: a thread of its own that, every few seconds, writes the delivered counts
the webhooks tallied, decides alerts (bot.core.alerting.Watch) and, once an hour, purges
failures past their retention. Jobs it writes are posted by the delivery workers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bot.core.alerting import Watch
from bot.slack.workers import NICER, lower_priority
from bot.store import Store

log = logging.getLogger(__name__)

EVERY = 5.0  # seconds between sweeps: an alert's count is at most this far behind
PURGE_EVERY = timedelta(hours=1)


class Sweep:
    def __init__(
        self,
        store: Store,
        watch: Watch,
        *,
        retention: timedelta,
        wake: Callable[[], None] = lambda: None,
        every: float = EVERY,
    ) -> None:
        self.store, self.watch, self.retention = store, watch, retention
        self.wake, self.every = wake, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="alert-sweep", daemon=True)
        self._purged: datetime | None = None

    def start(self) -> Sweep:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        try:
            self.store.flush_delivered()  # what the last seconds counted
        except Exception:
            log.warning("delivered counts of the last seconds not written", exc_info=True)

    def once(self, now: datetime | None = None) -> int:
        now = now or datetime.now(timezone.utc)
        self.store.flush_delivered()
        written = self.watch.sweep(now)
        if written:
            self.wake()
        if self._purged is None or now - self._purged >= PURGE_EVERY:
            if gone := self.store.purge_reports(self.retention):
                log.info("purged %d provider failures past their retention", gone)
            self._purged = now
        return written

    def _loop(self) -> None:
        lower_priority(NICER)
        failing = False
        while not self._stop.wait(self.every):
            try:
                self.once()
                failing = False
            except Exception:  # the database is away: say so once, sweep again next time
                if not failing:
                    log.exception("alert sweep failed; trying again")
                failing = True
