"""Escalations speak each channel's language: the support post the support channel's, the
receipt and updates the source thread's; what a person was told in the modal is theirs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.catalog import default_catalog
from bot.core.channels import ChannelSettings
from bot.core.escalation.service import Escalations
from bot.core.records import Example, JobRecord, NewEscalation
from bot.store import Store

SOURCE, SUPPORT = "C0SOURCE001", "C0SUPPORT01"
NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    kept = Store.open(f"sqlite:///{tmp_path / 'esc.sqlite3'}")
    yield kept
    kept.close()


def _escalate(store: Store, escalations: Escalations):
    new = NewEscalation(
        provider="twilio",
        code="30007",
        scope=None,
        requester="U0REQUESTER",
        source_channel=SOURCE,
        source_thread_ts="1764590400.000100",
        permalink=None,
        examples=(Example("SM" + "a" * 32, NOW - timedelta(hours=1), "+14155550167"),),
        notes="",
        support_channel=SUPPORT,
    )
    return store.create_escalation(new, jobs_for=lambda r: [escalations.support_job(r)])


def _shown(job) -> str:
    return job.text + json.dumps(json.loads(job.blocks), ensure_ascii=False)


def test_the_support_post_is_in_the_support_channels_language(store: Store) -> None:
    store.save_settings(SUPPORT, ChannelSettings(language="fr"))
    escalations = Escalations(store, default_catalog())
    record = _escalate(store, escalations)
    post = escalations.support_job(record)
    assert "Message filtré comme spam" in _shown(post) and "Demandée par" in _shown(post)
    # The receipt goes to the source thread, which is left at the default: English.
    job = JobRecord(**{**post.__dict__, "purpose": "support", "escalation_id": record.id})
    [receipt] = escalations.sent(job, "1764590500.000200").follow_ups
    assert "Escalated to support" in _shown(receipt)


def test_the_thread_hears_in_its_own_language(store: Store) -> None:
    store.save_settings(SOURCE, ChannelSettings(language="fr"))
    escalations = Escalations(store, default_catalog())
    record = _escalate(store, escalations)
    assert "Requested by" in _shown(escalations.support_job(record))
    job = JobRecord(**{**escalations.support_job(record).__dict__, "escalation_id": record.id})
    [receipt] = escalations.sent(job, "1764590500.000200").follow_ups
    assert "Escalated to support" not in _shown(receipt)
    assert record.short_id in _shown(receipt)
