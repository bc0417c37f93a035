"""The store under real concurrency, on PostgreSQL and on a SQLite file.

Each race runs twice over: eight threads sharing one Store (one bot process), and eight
processes with a Store each (several bot instances on one database). A barrier lines the
workers up so they really do collide. The worker functions live at module level because
spawned processes import them from here.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from multiprocessing.pool import Pool
from typing import Any

import pytest

from bot.core.records import NewJob
from bot.store import Example, NewEscalation, Store

WORKERS = 8
LINE_UP = 60.0  # seconds a barrier waits: spawned workers import the bot first
KEY = ("twilio", "30007", None)
SINCE = datetime(2000, 1, 1, tzinfo=timezone.utc)

Task = Callable[[Store, Any, int, Any], Any]


def escalation() -> NewEscalation:
    sent = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
    return NewEscalation(
        provider="twilio",
        code="30007",
        scope=None,
        requester="U1",
        source_channel="C1",
        source_thread_ts=None,
        permalink=None,
        examples=(Example("SM1", sent, "+14155550123"),),
        notes="",
        support_channel="C9",
    )


# -- what each worker does -----------------------------------------------------------------


def claim(store: Store, barrier: Any, worker: int, arg: Any) -> bool:
    barrier.wait(LINE_UP)
    return store.claim_message("C1:race", "C1")


def create_ten(store: Store, barrier: Any, worker: int, arg: Any) -> list[int]:
    barrier.wait(LINE_UP)
    return [store.create_escalation(escalation()).id for _ in range(10)]


def sight(store: Store, barrier: Any, worker: int, arg: Any) -> tuple[int, int]:
    """Ten messages of this worker's own, then the one message every worker saw."""
    barrier.wait(LINE_UP)
    own = sum(store.record_sightings("C1", f"C1:{worker}.{n}", [KEY]) for n in range(10))
    return own, store.record_sightings("C1", "C1:everyone", [KEY])


def resolve(store: Store, barrier: Any, worker: int, escalation_id: int) -> str | None:
    barrier.wait(LINE_UP)
    moved = store.move_escalation(escalation_id, to="resolved", by=f"U{worker}")
    return moved.resolved_by if moved else None


def take(store: Store, barrier: Any, worker: int, arg: Any) -> list[str]:
    """Every worker reaches for the outbox at once; returns the job keys it got."""
    barrier.wait(LINE_UP)
    got = []
    while taken := store.take_jobs(lease=timedelta(seconds=60), limit=1):
        got += [job.key for job in taken]
    return got


def in_own_process(task: Task, url: str, barrier: Any, worker: int, arg: Any) -> Any:
    store = Store.open(url, migrate=False)  # the test's own Store has migrated already
    try:
        return task(store, barrier, worker, arg)
    finally:
        store.close()


# -- running them --------------------------------------------------------------------------

Runner = Callable[[Task, Store, str, Any], list[Any]]


@pytest.fixture(scope="module")
def processes() -> Iterator[tuple[Pool, Any]]:
    """Eight spawned workers (a fork would share the parent's open connections) and a barrier
    maker. With eight tasks for eight workers each worker takes exactly one: a worker waits
    at the barrier until all eight are there, so none can take a second task."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(WORKERS) as pool:
        yield pool, manager


@pytest.fixture(params=["threads", pytest.param("processes", marks=pytest.mark.slow)])
def run(request: pytest.FixtureRequest) -> Runner:
    if request.param == "threads":
        return in_threads
    pool, manager = request.getfixturevalue("processes")

    def in_processes(task: Task, store: Store, url: str, arg: Any) -> list[Any]:
        barrier = manager.Barrier(WORKERS)
        jobs = [(task, url, barrier, w, arg) for w in range(WORKERS)]
        return pool.starmap(in_own_process, jobs, chunksize=1)

    return in_processes


def in_threads(task: Task, store: Store, url: str, arg: Any) -> list[Any]:
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = [None] * WORKERS
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            results[worker] = task(store, barrier, worker, arg)
        except BaseException as exc:  # re-raised below, in the test's own thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return results


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


# -- the races -----------------------------------------------------------------------------


def test_racing_claims_let_exactly_one_through(
    run: Runner, store: Store, database_url: str
) -> None:
    results = run(claim, store, database_url, None)
    assert sorted(results) == [False] * (WORKERS - 1) + [True]


def test_escalations_created_at_once_all_get_their_own_id(
    run: Runner, store: Store, database_url: str
) -> None:
    ids = [i for batch in run(create_ten, store, database_url, None) for i in batch]
    assert len(ids) == len(set(ids)) == WORKERS * 10
    stored = store.open_escalations(limit=1000)
    assert sorted(r.id for r in stored) == sorted(ids)


def test_sightings_recorded_at_once_are_all_counted_and_none_twice(
    run: Runner, store: Store, database_url: str
) -> None:
    results = run(sight, store, database_url, None)
    assert [own for own, _ in results] == [10] * WORKERS
    assert sorted(shared for _, shared in results) == [0] * (WORKERS - 1) + [1]
    assert store.sightings("C1", KEY, SINCE) == WORKERS * 10 + 1


def test_racing_resolves_move_the_escalation_once(
    run: Runner, store: Store, database_url: str
) -> None:
    record = store.create_escalation(escalation())
    results = run(resolve, store, database_url, record.id)
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    resolved = store.escalation(record.id)
    assert resolved is not None
    assert (resolved.state, resolved.resolved_by) == ("resolved", winners[0])


def test_workers_racing_for_the_outbox_take_each_job_once(
    run: Runner, store: Store, database_url: str
) -> None:
    keys = [f"reply:C1:{n}.1" for n in range(40)]
    store.enqueue(
        [NewJob(key=k, channel="C1", text="t", blocks="[]", purpose="reply") for k in keys]
    )
    results = run(take, store, database_url, None)
    taken = [key for got in results for key in got]
    assert sorted(taken) == sorted(keys)  # every job once: none twice, none left
