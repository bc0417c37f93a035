"""Delivery workers: threads of their own that post the outbox, so no Slack call, retry or
backoff ever holds one of Bolt's listener threads (a rate-limited minute would starve every
command and modal otherwise)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from bot.core.delivery import Deliveries, Poster

log = logging.getLogger(__name__)

WORKERS = 4
IDLE = 0.5  # seconds between looks when nothing woke the workers
# One job at a time: a job held while its worker posts others would sit out its lease in the
# queue, and a second worker could take it once the lease ran out.
TAKE = 1


# How much lower the workers' CPU priority is than the requests' (a nice increment). Why: on a
# busy core the kernel then runs the thread that answers Slack first and a post waits; the
# Acks gate alone acts only between jobs, and a job takes milliseconds of CPU.
NICER = 10

# How long a worker steps aside for requests before it runs a job anyway: a steady stream of
# requests must not starve the posts.
YIELD_MOST = 0.05  # seconds


class Acks:
    """The requests Slack is waiting on, counted so the delivery workers step aside for them.

    Why: Slack gives an ack 3 s, and on a busy core every job a worker runs while a request
    waits is added to that request's latency; a post can wait a few milliseconds instead.
    Use as a context manager around handling a request.
    """

    def __init__(self, wake: Callable[[], None] = lambda: None) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._owed = 0  # wakes held back while requests were under way
        self._wake = wake
        self._idle = threading.Event()
        self._idle.set()

    def __enter__(self) -> Acks:
        with self._lock:
            self._waiting += 1
            self._idle.clear()
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._waiting -= 1
            if self._waiting:
                return
            self._idle.set()
            owed, self._owed = min(self._owed, WORKERS), 0
        for _ in range(owed):  # a worker that is awake goes on to the next job without one
            self._wake()

    def wake(self) -> None:
        """A job was written: wake a worker now, or once the requests under way are answered.

        Why not at once: a worker woken mid-request wants the interpreter while the request
        still holds it, and each hand-over between them lengthens Slack's wait."""
        with self._lock:
            if self._waiting:
                self._owed += 1
                return
        self._wake()

    def wait_idle(self) -> None:
        """Until no request is waiting, or YIELD_MOST seconds at the most."""
        self._idle.wait(YIELD_MOST)


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
        acks: Acks | None = None,
    ) -> None:
        self.deliveries = deliveries
        self.poster = poster
        # One release per job written wakes one worker, not all of them at once to race for it.
        self._wake = woken or threading.Semaphore(0)
        self._acks = acks or Acks()
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
        lower_priority(NICER)
        failing = False
        while not self._stop.is_set():
            self._acks.wait_idle()
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
                self._wake.acquire(timeout=IDLE)


def lower_priority(increment: int) -> None:
    """Lower the calling thread's CPU priority. Only on Linux, where nice is per thread: on
    other systems the call would lower the whole process, or name another process."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + increment)
    except OSError as error:  # a sandbox that forbids it: run at the usual priority
        log.info("delivery worker keeps its priority: %s", error)
