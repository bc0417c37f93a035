"""Delivery workers step aside while a request Slack waits on is answered (bot.slack.workers)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from bot.slack import workers as workers_module
from bot.slack.workers import Acks, Workers


class CountingDeliveries:
    """Deliveries that note each look at the outbox and find nothing to do."""

    def __init__(self) -> None:
        self.looked = threading.Event()

    def deliver_due(self, poster, limit: int = 10) -> int:  # type: ignore[no-untyped-def]
        self.looked.set()
        return 0


def test_a_worker_waits_while_a_request_is_answered_and_goes_on_once_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers_module, "YIELD_MOST", 5.0)  # longer than the test looks
    acks, deliveries = Acks(), CountingDeliveries()
    with acks:  # a request Slack waits on is in flight
        workers = Workers(deliveries, poster=None, count=1, acks=acks).start()  # type: ignore[arg-type]
        assert not deliveries.looked.wait(0.3)  # stepped aside: no look while it waits
    assert deliveries.looked.wait(2.0)  # the ack is out: the worker looks at once
    workers.stop()


def test_nested_requests_keep_the_workers_aside_until_the_last_is_answered() -> None:
    acks = Acks()
    with acks:
        with acks:
            pass
        assert not acks._idle.is_set()
    assert acks._idle.is_set()


class NiceOfLooker:
    """Deliveries that note the nice value of the thread that looks at the outbox."""

    def __init__(self) -> None:
        self.looked = threading.Event()
        self.nice: int | None = None

    def deliver_due(self, poster, limit: int = 10) -> int:  # type: ignore[no-untyped-def]
        if self.nice is None:
            self.nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            self.looked.set()
        return 0


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")
def test_workers_run_at_a_lower_cpu_priority_than_the_thread_that_answers_slack() -> None:
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    deliveries = NiceOfLooker()
    workers = Workers(deliveries, poster=None, count=1).start()  # type: ignore[arg-type]
    assert deliveries.looked.wait(2.0)
    workers.stop()
    assert deliveries.nice == min(19, before + workers_module.NICER)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # ours untouched


def test_a_wake_while_a_request_is_answered_waits_until_it_is() -> None:
    woken: list[int] = []
    acks = Acks(wake=lambda: woken.append(1))
    acks.wake()
    assert woken == [1]  # nobody waiting on us: at once
    with acks:
        with acks:
            acks.wake()
            acks.wake()
        assert woken == [1]  # a request still under way
    assert woken == [1, 1, 1]  # both, once the last answer is out
    with acks:
        for _ in range(50):
            acks.wake()
    assert len(woken) == 3 + workers_module.WORKERS  # never more wakes than there are workers
