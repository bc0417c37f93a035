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
ACK_FIRST = 0.002  # seconds a woken worker leaves to the request that woke it


class Workers:
    """`count` threads delivering due jobs until stop(); release `woken` when a job was
    written (bot.slack.services.Services.wake does)."""

    def __init__(
        self,
        deliveries: Deliveries,
        poster: Poster,
        count: int = WORKERS,
        *,
        woken: threading.Semaphore | None = None,
    ) -> None:
        self.deliveries = deliveries
        self.poster = poster
        # One release per job written wakes one worker, not all of them at once to race for it.
        self._wake = woken or threading.Semaphore(0)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, name=f"delivery-{n}", daemon=True)
            for n in range(count)
        ]

    def start(self) -> Workers:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for _ in self._threads:
            self._wake.release()
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
            if not taken and self._wake.acquire(timeout=IDLE):
                # Woken by a request that wrote a job and has yet to send its ack: let it
                # have the interpreter first (Slack waits 3 s for that ack, not for the post).
                time.sleep(ACK_FIRST)
