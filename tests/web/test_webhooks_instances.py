"""Two bot processes on one PostgreSQL database, behind one URL as a load balancer would put
them: a callback Twilio sends to both is kept once, a burst split between them makes one alert,
and a failure both hear updates it once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import providers
import pytest
from providers import message_sid, post_twilio, status_callback
from slack_harness import HttpBot, assert_no_secrets, http_env, posts, wait_until
from slack_standin import SlackWebAPI
from sqlalchemy import create_engine, func, select

from bot.store.models import DeliveryFailureRow

pytestmark = pytest.mark.slow

ALERTS = "C0WATCH002"


@pytest.fixture
def two(pg_url: str, tmp_path: Path) -> Iterator[tuple[SlackWebAPI, HttpBot, HttpBot]]:
    env = {
        **providers.env(),
        "DATABASE_URL": pg_url,
        "SMSERROR_ALERT_CHANNEL": ALERTS,
        "SMSERROR_ALERT_COUNT": "5",
        "SMSERROR_ALERT_SWEEP_SECONDS": "0.2",
    }
    with SlackWebAPI() as api:
        api.set_channel(ALERTS, name="sms-alerts", is_member=True)
        first = HttpBot(http_env(api, tmp_path / "unused.db", **env), tmp_path)
        second = HttpBot(http_env(api, tmp_path / "unused.db", **env), tmp_path)
        try:
            yield api, first, second
        finally:
            for bot in (first, second):
                assert_no_secrets(bot.stop(), providers.TWILIO_TOKEN)


def test_two_instances_keep_once_alert_once_and_update_once(two, pg_url: str) -> None:
    api, first, second = two
    retried = status_callback(message_sid(1))
    assert post_twilio(first.base, retried) == 204
    assert post_twilio(second.base, retried) == 204  # Twilio's retry, on the other instance
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(DeliveryFailureRow)).scalar()
    engine.dispose()
    assert kept == 1
    for n in range(2, 7):  # the burst, split between the instances
        bot = first if n % 2 else second
        assert post_twilio(bot.base, status_callback(message_sid(n))) == 204
    wait_until(lambda: posts(api, ALERTS))
    time.sleep(1.0)  # both sweep several times over the same failures
    assert len(posts(api, ALERTS)) == 1
    both = status_callback(message_sid(7))
    assert post_twilio(first.base, both) == 204
    assert post_twilio(second.base, both) == 204
    wait_until(lambda: [u for u in posts(api, ALERTS, "chat.update") if "7 failures" in u["text"]])
    time.sleep(1.0)
    updates = [u["text"] for u in posts(api, ALERTS, "chat.update")]
    # Each count shown once, whichever instance swept it; the last failure's once.
    assert len(updates) == len(set(updates)), updates
    assert len([u for u in updates if "7 failures" in u]) == 1, updates
