"""The store: claims that let exactly one through, thread memory, settings, and its file.

Also escalations and sightings. The `store` tests run twice, on a SQLite file and on a real
PostgreSQL (tests/pg.py); concurrency across processes is in test_pg.py.
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.channels import ChannelSettings
from bot.core.records import NewJob
from bot.store import Example, NewEscalation, Store
from bot.store.models import utcnow


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


def test_a_message_is_claimed_once(store: Store) -> None:
    assert store.claim_message("C1:1.1", "C1") is True
    assert store.claim_message("C1:1.1", "C1") is False
    assert store.claim_message("C1:1.2", "C1") is True


def test_racing_claims_let_exactly_one_through(store: Store) -> None:
    results: list[bool] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait()
        results.append(store.claim_message("C1:race", "C1"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_a_released_claim_can_be_claimed_again(store: Store) -> None:
    assert store.claim_message("C1:2.1", "C1")
    store.release_message("C1:2.1")
    assert store.claim_message("C1:2.1", "C1")


def test_thread_memory_keeps_codes_per_thread(store: Store) -> None:
    a, b = ("twilio", "30007", None), ("smspartner", "14", "send")
    assert store.claim_codes("C1", "1.0", [a, b, a]) == [a, b]
    assert store.claim_codes("C1", "1.0", [a]) == []  # scope None is stored as "" to collide
    assert store.explained("C1", "1.0") == {a, b}
    assert store.explained("C1", "2.0") == set()
    assert store.claim_codes("C2", "1.0", [a]) == [a]
    store.release_codes("C1", "1.0", [b])
    assert store.explained("C1", "1.0") == {a}


def test_settings_default_until_saved(store: Store) -> None:
    assert store.settings("C1") == ChannelSettings()
    saved = ChannelSettings(
        auto_reply=False, providers=("telnyx", "twilio"), answer_bots=True, support_channel="C9"
    )
    store.save_settings("C1", saved, user_id="U1")
    assert store.settings("C1") == saved
    store.save_settings("C1", ChannelSettings(), user_id="U2")
    assert store.settings("C1") == ChannelSettings()
    assert store.channels_with_settings() == [("C1", ChannelSettings())]


def test_the_database_file_is_private_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "new" / "db.sqlite3"
    first = Store.open(f"sqlite:///{path}")
    first.claim_message("C1:3.1", "C1")
    first.save_settings("C1", ChannelSettings(auto_reply=False))
    first.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = Store.open(f"sqlite:///{path}")
    assert second.claim_message("C1:3.1", "C1") is False
    assert second.settings("C1").auto_reply is False
    assert second.ping()
    second.close()


def test_an_in_memory_store_is_shared_across_threads() -> None:
    store = Store.open("sqlite://")
    store.claim_message("C1:4.1", "C1")
    seen: list[bool] = []
    t = threading.Thread(target=lambda: seen.append(store.claim_message("C1:4.1", "C1")))
    t.start()
    t.join()
    assert seen == [False]


# -- escalations ---------------------------------------------------------------------------

PARIS = timezone(timedelta(hours=2))


def new_escalation(**changes: object) -> NewEscalation:
    fields: dict[str, object] = {
        "provider": "twilio",
        "code": "30007",
        "scope": None,
        "requester": "U1",
        "source_channel": "C1",
        "source_thread_ts": "1700000000.000100",
        "permalink": "https://example.slack.com/archives/C1/p1700000000000100",
        "examples": (
            Example("SM0001", datetime(2024, 5, 1, 12, 30, tzinfo=PARIS), "+14155550123"),
            Example("SM0002", datetime(2024, 5, 1, 11, 0, tzinfo=timezone.utc), "+33612345678"),
        ),
        "notes": "only on T-Mobile",
        "support_channel": "C9",
    }
    fields.update(changes)
    return NewEscalation(**fields)  # type: ignore[arg-type]


def test_an_escalation_is_stored_open_and_read_back_the_same(store: Store) -> None:
    before = datetime.now(timezone.utc)
    record = store.create_escalation(new_escalation())
    assert (record.state, record.support_ts, record.delivery_attempts) == ("open", None, 0)
    assert record.short_id == f"ESC-{record.id}"
    assert record.key == ("twilio", "30007", None)
    assert record.notes == "only on T-Mobile" and record.support_channel == "C9"
    assert before <= record.created_at == record.updated_at <= datetime.now(timezone.utc)
    # Example times come back in UTC, the same moments.
    assert record.examples[0].sent_at == datetime(2024, 5, 1, 10, 30, tzinfo=timezone.utc)
    assert record.examples[0].sent_at.utcoffset() == timedelta(0)
    assert store.escalation(record.id) == record
    assert store.escalation(record.id + 1000) is None
    naive = (Example("SM1", datetime(2024, 5, 1, 10, 0), "+14155550123"),)
    with pytest.raises(ValueError, match="naive"):
        store.create_escalation(new_escalation(examples=naive))


def test_escalation_ids_are_new_each_time_and_a_scope_survives(store: Store) -> None:
    first = store.create_escalation(new_escalation())
    second = store.create_escalation(new_escalation(scope="send", examples=(), permalink=None))
    assert second.id > first.id
    again = store.escalation(second.id)
    assert again is not None
    assert (again.scope, again.examples, again.permalink) == ("send", (), None)


def job(key: str = "reply:C1:1.1") -> NewJob:
    return NewJob(key=key, channel="C1", text="hi", blocks="[]", purpose="reply", thread_ts="1.1")


LEASE = timedelta(seconds=60)


def test_a_job_is_written_once_and_held_by_one_taker(store: Store) -> None:
    assert store.enqueue([job(), job()]) == 1  # the key names it once and for all
    [taken] = store.take_jobs(lease=LEASE)
    assert (taken.state, taken.attempts, taken.unsure) == ("sending", 1, False)
    assert store.take_jobs(lease=LEASE) == []  # held: nobody else gets it
    store.finish_job(taken, "1.2")
    done = store.job("reply:C1:1.1")
    assert done is not None and (done.state, done.sent_ts) == ("sent", "1.2")
    assert store.take_jobs(lease=LEASE) == [] and store.jobs_waiting() == 0


def test_a_lease_that_runs_out_hands_the_job_on_as_unsure(store: Store) -> None:
    store.enqueue([job()])
    [first] = store.take_jobs(lease=timedelta(seconds=-1))  # its holder "dies" at once
    [second] = store.take_jobs(lease=LEASE)
    assert (second.id, second.attempts, second.unsure) == (first.id, 2, True)


def test_a_job_written_held_is_handed_over_in_memory_and_nobody_else_takes_it(
    store: Store, database_url: str
) -> None:
    store.hold_jobs(LEASE)
    assert store.enqueue([job(), job()]) == 1
    kept = store.job("reply:C1:1.1")
    assert kept is not None and (kept.state, kept.attempts) == ("sending", 1)
    other = Store.open(database_url)  # another instance on the same database
    try:
        assert other.take_jobs(lease=LEASE) == []  # held by this process from the start
        [taken] = store.take_jobs(lease=LEASE)  # from memory
        assert (taken.key, taken.state, taken.unsure) == ("reply:C1:1.1", "sending", False)
        assert store.take_jobs(lease=LEASE) == []  # handed over once
        store.finish_job(taken, "1.2")
        assert store.job("reply:C1:1.1").state == "sent"  # type: ignore[union-attr]
    finally:
        other.close()


def test_a_held_job_whose_holder_died_is_taken_as_unsure_once_its_lease_ends(
    store: Store, database_url: str
) -> None:
    store.hold_jobs(timedelta(seconds=-1))  # a lease already over: its holder "died"
    with store.unit() as unit:  # written in a decision's transaction, as replies are
        unit.enqueue(job())
    assert store.handover.take(10) == []  # never posted from memory with its lease gone
    other = Store.open(database_url)
    try:
        [taken] = other.take_jobs(lease=LEASE)
        assert (taken.attempts, taken.unsure) == (2, True)  # looked for in Slack first
    finally:
        other.close()


def test_a_job_in_a_unit_that_fails_is_never_handed_over(store: Store) -> None:
    store.hold_jobs(LEASE)
    with pytest.raises(RuntimeError), store.unit() as unit:
        unit.enqueue(job())
        raise RuntimeError("the decision failed before its commit")
    assert store.take_jobs(lease=LEASE) == [] and store.job("reply:C1:1.1") is None


def test_a_retry_waits_until_due_and_keeps_why(store: Store) -> None:
    store.enqueue([job()])
    [taken] = store.take_jobs(lease=LEASE)
    store.retry_job(taken, at=utcnow() + timedelta(hours=1), error="x" * 300, unsure=True)
    assert store.take_jobs(lease=LEASE) == []  # not due yet
    waiting = store.job(taken.key)
    assert waiting is not None and waiting.unsure and len(waiting.last_error or "") == 200
    store.give_up_job(waiting, "channel_not_found")
    assert store.job(taken.key).state == "failed"  # type: ignore[union-attr]


def test_a_support_post_through_marks_its_escalation_delivered(store: Store) -> None:
    record = store.create_escalation(
        new_escalation(), jobs_for=lambda r: [job(f"esc:{r.id}:support")]
    )
    [taken] = store.take_jobs(lease=LEASE)
    receipt = job(f"esc:{record.id}:receipt:note")
    store.finish_job(
        taken, "1700000001.000200", follow_ups=[receipt], delivered_escalation=record.id
    )
    delivered = store.escalation(record.id)
    assert delivered is not None and delivered.support_ts == "1700000001.000200"
    assert store.job(receipt.key) is not None  # written with it, in the same transaction


def test_the_same_view_submitted_twice_is_one_escalation(store: Store) -> None:
    first = store.create_escalation(new_escalation(), view_id="V1")
    again = store.create_escalation(new_escalation(), view_id="V1")
    assert first.id == again.id
    assert store.create_escalation(new_escalation(), view_id="V2").id != first.id


def test_an_escalation_is_acknowledged_then_resolved_once_each(store: Store) -> None:
    record = store.create_escalation(new_escalation())
    acked = store.move_escalation(record.id, to="acknowledged", by="U2")
    assert acked is not None
    assert (acked.state, acked.acknowledged_by, acked.resolved_by) == ("acknowledged", "U2", None)
    assert acked.updated_at >= record.updated_at
    assert store.move_escalation(record.id, to="acknowledged", by="U3") is None
    resolved = store.move_escalation(record.id, to="resolved", by="U4")
    assert resolved is not None
    assert (resolved.state, resolved.acknowledged_by, resolved.resolved_by) == (
        "resolved",
        "U2",
        "U4",
    )
    assert store.escalation(record.id) == resolved
    assert store.move_escalation(record.id, to="resolved", by="U5") is None
    assert store.move_escalation(record.id, to="acknowledged", by="U5") is None  # no way back


def test_an_open_escalation_can_be_resolved_directly(store: Store) -> None:
    record = store.create_escalation(new_escalation())
    resolved = store.move_escalation(record.id, to="resolved", by="U2")
    assert resolved is not None and resolved.acknowledged_by is None
    assert store.move_escalation(record.id + 1000, to="resolved", by="U2") is None


def test_moving_to_anything_but_acknowledged_or_resolved_is_refused(store: Store) -> None:
    record = store.create_escalation(new_escalation())
    for to in ("open", "closed", ""):
        with pytest.raises(ValueError, match="cannot move"):
            store.move_escalation(record.id, to=to, by="U2")
    assert store.escalation(record.id) == record


def test_open_escalations_are_newest_first_without_resolved_ones(store: Store) -> None:
    ids = [store.create_escalation(new_escalation(code=str(n))).id for n in range(4)]
    store.move_escalation(ids[1], to="acknowledged", by="U2")
    store.move_escalation(ids[2], to="resolved", by="U2")
    listed = store.open_escalations()
    assert [r.id for r in listed] == [ids[3], ids[1], ids[0]]
    assert [r.state for r in listed] == ["open", "acknowledged", "open"]
    assert [r.id for r in store.open_escalations(limit=2)] == [ids[3], ids[1]]


# -- sightings -----------------------------------------------------------------------------

T30007, T21610, SCOPED = ("twilio", "30007", None), ("twilio", "21610", None), ("sp", "14", "send")
NOON = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_a_message_counts_each_entry_once_however_often_it_comes(store: Store) -> None:
    assert store.record_sightings("C1", "C1:1.1", [T30007, T21610, T30007], at=NOON) == 2
    assert store.record_sightings("C1", "C1:1.1", [T30007], at=NOON) == 0  # retry or edit
    # One entry already counted does not stop the new one beside it.
    assert store.record_sightings("C1", "C1:1.1", [T21610, SCOPED], at=NOON) == 1
    assert store.record_sightings("C1", "C1:1.1", [("twilio", "30007", "")], at=NOON) == 0
    assert store.record_sightings("C1", "C1:1.2", [], at=NOON) == 0
    assert store.sightings("C1", T30007, NOON) == 1
    assert store.sightings("C1", SCOPED, NOON) == 1
    assert store.sightings("C1", ("sp", "14", None), NOON) == 0  # the scope is part of the key


def test_sightings_count_one_channel_from_a_moment_on(store: Store) -> None:
    for n in range(3):
        store.record_sightings("C1", f"C1:{n}", [T30007], at=NOON + timedelta(hours=n))
    store.record_sightings("C2", "C2:9", [T30007], at=NOON)
    assert store.sightings("C1", T30007, NOON) == 3
    assert store.sightings("C1", T30007, NOON + timedelta(minutes=1)) == 2
    assert store.sightings("C2", T30007, NOON) == 1
    assert store.sightings("C3", T30007, NOON) == 0
    # Another time zone names the same moment: 14:30 in Paris is 12:30 UTC.
    assert store.sightings("C1", T30007, datetime(2024, 5, 1, 14, 30, tzinfo=PARIS)) == 2
    with pytest.raises(ValueError, match="naive"):
        store.sightings("C1", T30007, datetime(2024, 5, 1))


def test_a_sighting_time_in_another_zone_is_kept_as_the_same_moment(store: Store) -> None:
    store.record_sightings("C1", "C1:1", [T30007], at=datetime(2024, 5, 1, 14, 0, tzinfo=PARIS))
    assert store.sightings("C1", T30007, NOON) == 1
    assert store.sightings("C1", T30007, NOON + timedelta(seconds=1)) == 0


def test_top_codes_rank_by_count_then_key_in_a_half_open_window(store: Store) -> None:
    seen = {"C1": [T30007, T21610, SCOPED], "C2": [T30007, T21610], "C3": [T30007]}
    for channel, keys in seen.items():
        for n, key in enumerate(keys):
            store.record_sightings(channel, f"{channel}:{n}", [key], at=NOON)
    store.record_sightings("C1", "C1:late", [SCOPED], at=NOON + timedelta(hours=1))
    until = NOON + timedelta(hours=1)
    assert store.top_codes(NOON, until) == [(T30007, 3), (T21610, 2), (SCOPED, 1)]
    assert store.top_codes(NOON, until + timedelta(seconds=1)) == [
        (T30007, 3),
        (SCOPED, 2),  # ties sort by key: "sp" before "twilio"
        (T21610, 2),
    ]
    assert store.top_codes(NOON, until, channel_id="C1") == [
        (SCOPED, 1),
        (T21610, 1),
        (T30007, 1),
    ]
    assert store.top_codes(NOON, until, limit=1) == [(T30007, 3)]
    assert store.top_codes(NOON + timedelta(seconds=1), until) == []
    assert store.top_codes(NOON, until, channel_id="C9") == []


def test_escalations_stored_before_the_outbox_get_their_support_post_job(store: Store) -> None:
    from bot.core.catalog import default_catalog
    from bot.core.escalation.service import Escalations

    old = store.create_escalation(new_escalation())  # as before: no job written with it
    escalations = Escalations(store, default_catalog())
    assert escalations.adopt_undelivered() == 1
    assert escalations.adopt_undelivered() == 0  # once
    waiting = store.job(f"esc:{old.id}:support")
    assert waiting is not None and waiting.escalation_id == old.id
