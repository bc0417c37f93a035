"""The store: claims that let exactly one through, thread memory, settings, and its file."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels import ChannelSettings
from bot.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}")
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
