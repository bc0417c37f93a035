"""Delivery workers step aside while a request Slack waits on is answered (bot.slack.workers)."""

from __future__ import annotations

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
