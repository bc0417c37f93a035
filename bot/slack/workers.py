"""Delivery workers: threads of their own that post the outbox, so no Slack call, retry or
backoff ever holds one of Bolt's listener threads (a rate-limited minute would starve every
command and modal otherwise)."""

from __future__ import annotations

import logging
import threading
import time

from bot.delivery import Deliveries, Poster

log = logging.getLogger(__name__)

WORKERS = 4
IDLE = 0.5  # seconds between looks when nothing woke the workers
# One job at a time: a job held while its worker posts others would sit out its lease in the
# queue, and a second worker could take it once the lease ran out.
TAKE = 1


class Workers:
    """`count` threads delivering due jobs until stop(); wake() when a job was written."""

    def __init__(self, deliveries: Deliveries, poster: Poster, count: int = WORKERS) -> None:
        self.deliveries = deliveries
        self.poster = poster
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, name=f"delivery-{n}", daemon=True)
            for n in range(count)
        ]

    def start(self) -> Workers:
        for thread in self._threads:
            thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                taken = self.deliveries.deliver_due(self.poster, limit=TAKE)
                failing = False
            except Exception:  # the database is away: say so once, look again shortly
                if not failing:
                    log.exception("delivery workers cannot read the outbox; retrying")
                failing = True
                taken = 0
                time.sleep(1.0)
            if not taken:
                self._wake.wait(IDLE)
                self._wake.clear()
