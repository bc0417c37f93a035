"""What a process keeps between messages: channel settings for a few seconds, cards built once.

Both save work on every message; neither may change what a message gets, beyond the documented
staleness: another instance's settings change reaches this one within RECENT_SECONDS.
"""

from __future__ import annotations

from pathlib import Path

from bot.cards.parts import entry_blocks
from bot.core.catalog import load_catalog
from bot.core.channels import ChannelSettings
from bot.store import Store
from bot.store.settings import RECENT_SECONDS, RecentSettings

OFF = ChannelSettings(auto_reply=False, providers=("twilio",))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_settings_are_kept_until_they_age_out() -> None:
    clock = Clock()
    recent = RecentSettings(clock=clock)
    _, token = recent.get("C1")
    recent.keep("C1", OFF, token)
    assert recent.get("C1")[0] == OFF
    clock.now += RECENT_SECONDS - 0.1
    assert recent.get("C1")[0] == OFF
    clock.now += 0.2
    assert recent.get("C1")[0] is None


def test_a_read_that_overlapped_a_save_is_not_kept() -> None:
    recent = RecentSettings(clock=Clock())
    _, token = recent.get("C1")  # a reader starts, and reads the database …
    recent.forget("C1")  # … while a save commits
    recent.keep("C1", OFF, token)  # what it read may predate the save
    assert recent.get("C1")[0] is None


def test_a_save_here_is_seen_at_once_and_elsewhere_within_seconds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    here, elsewhere = Store.open(url), Store.open(url)
    clock = Clock()
    elsewhere._recent = RecentSettings(clock=clock)
    try:
        assert here.settings("C1") == elsewhere.settings("C1") == ChannelSettings()
        here.save_settings("C1", OFF, user_id="U1")
        assert here.settings("C1") == OFF
        assert elsewhere.settings("C1") == ChannelSettings()  # the documented staleness
        clock.now += RECENT_SECONDS
        assert elsewhere.settings("C1") == OFF
    finally:
        here.close()
        elsewhere.close()


def test_cards_are_handed_out_as_copies() -> None:
    entry = load_catalog([]).get("twilio", "30007")
    first = entry_blocks(entry, share=True)
    first[0]["text"]["text"] = "changed"
    first.append({"type": "divider"})
    second = entry_blocks(entry, share=True)
    assert second != first
    assert second == entry_blocks(entry, share=True)
    assert entry_blocks(entry, note="Shared by sam")[1:] == entry_blocks(entry)
