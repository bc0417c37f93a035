"""Provider failures turned into channel alerts: one message per code and channel, posted when
the code's failures pass a threshold, updated in place as they grow, and a new one only after a
quiet period.

The rules, per channel and code, over the last `window`:
- the count rule: at least `count` failures (per entry: `per_entry`, "twilio:30007" -> 300);
- the jump rule: at least `jump_least` failures, and a failure rate at least `jump` times the
  same code's rate over the day before, and `jump_points` above it. A busy sender's usual
  background of failures keeps its usual rate, so it stays quiet.

The failure rate is this code's failures over every report (delivered or failed) from the same
sources. Each decision is a compare-and-set in the store with its job in the same transaction
(bot.store.alerts), so any number of instances sweeping at once post once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.cards.alert import AlertFigures, alert_message
from bot.cards.message import Message
from bot.core.catalog import Catalog
from bot.core.delivery import job_for
from bot.core.records import (
    AlertRecord,
    FailureGroup,
    JobRecord,
    Mute,
    NewJob,
    Route,
    Source,
    StoredFailure,
)
from bot.strings import default, speaking

log = logging.getLogger(__name__)

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Thresholds:
    window: timedelta = timedelta(minutes=15)
    quiet: timedelta = timedelta(minutes=60)
    count: int = 100
    jump: float = 3.0
    jump_least: int = 10
    jump_points: float = 0.01
    per_entry: Mapping[str, int] = field(default_factory=dict)

    def count_for(self, provider: str, code: str) -> int:
        return self.per_entry.get(f"{provider}:{code}", self.count)

    def fires(self, provider: str, code: str, failures: int, rate: float, baseline: float) -> bool:
        if failures >= self.count_for(provider, code):
            return True
        return (
            failures >= self.jump_least
            and rate >= self.jump * baseline
            and rate - baseline >= self.jump_points
        )


class AlertStore(Protocol):
    def failure_groups(self, since: datetime, until: datetime) -> list[FailureGroup]: ...

    def delivered_counts(self, since: datetime, until: datetime) -> dict[Source, int]: ...

    def recent_failures(
        self,
        provider: str,
        code: str,
        sources: Sequence[Source],
        *,
        since: datetime,
        limit: int,
    ) -> list[StoredFailure]: ...

    def routes(self) -> list[Route]: ...

    def alert(self, channel: str, provider: str, code: str) -> AlertRecord: ...

    def open_alerts(self) -> list[AlertRecord]: ...

    def open_alert(
        self, alert: AlertRecord, opened_at: datetime, shown: int, job: NewJob
    ) -> bool: ...

    def show_alert(self, alert: AlertRecord, shown: int, job: NewJob) -> bool: ...

    def quiet_alert(self, alert: AlertRecord) -> bool: ...

    def mutes(self, now: datetime) -> list[Mute]: ...

    def job(self, key: str) -> JobRecord | None: ...


@dataclass
class Tally:
    """One code's failures for one channel, summed over the sources it hears."""

    failures: int = 0
    recipients: int = 0  # summed per source: a recipient reached through two senders counts twice
    first_at: datetime | None = None
    last_at: datetime | None = None
    sources: set[Source] = field(default_factory=set)

    def add(self, group: FailureGroup) -> None:
        self.failures += group.failures
        self.recipients += group.recipients
        self.first_at = min(filter(None, (self.first_at, group.first_at)))
        self.last_at = max(filter(None, (self.last_at, group.last_at)))
        self.sources.add(group.source)


def channels_for(source: Source, routes: Sequence[Route], default: str | None) -> list[str]:
    """The channels that hear a source: those whose routes match it, else the default."""
    heard = list(dict.fromkeys(r.channel for r in routes if r.hears(source)))
    return heard or ([default] if default else [])


def tallies(
    groups: Iterable[FailureGroup], routes: Sequence[Route], default: str | None
) -> dict[tuple[str, str, str], Tally]:
    """(channel, provider, code) -> its tally."""
    found: dict[tuple[str, str, str], Tally] = {}
    for group in groups:
        for channel in channels_for(group.source, routes, default):
            found.setdefault((channel, group.provider, group.code), Tally()).add(group)
    return found


def _rate(failures: int, sources: set[Source], everything: Mapping[Source, int]) -> float:
    total = sum(everything.get(s, 0) for s in sources)
    return failures / total if total else 0.0


@dataclass
class Watch:
    """The sweep that decides alerts, run every few seconds by each instance."""

    store: AlertStore
    catalog: Catalog
    thresholds: Thresholds = field(default_factory=Thresholds)
    default_channel: str | None = None
    # The channel's language (its settings), for what it is told; None: the default.
    language_of: Callable[[str], str | None] = lambda channel: None

    def sweep(self, now: datetime) -> int:
        """Open, update and quieten alerts; returns the jobs written."""
        window = self.thresholds.window
        routes = self.store.routes()
        muted = {(m.channel, m.provider, m.code) for m in self.store.mutes(now)}
        current = self.store.failure_groups(now - window, now + timedelta(seconds=1))
        found = tallies(current, routes, self.default_channel)
        written = 0
        open_alerts = {(a.channel, a.provider, a.code): a for a in self.store.open_alerts()}
        if found:
            everything = self._everything(current, now - window, now)
            before = self.store.failure_groups(now - window - DAY, now - window)
            earlier = tallies(before, routes, self.default_channel)
            everything_before = self._everything(before, now - window - DAY, now - window)
            for key, tally in found.items():
                if key in muted:
                    continue
                channel, provider, code = key
                rate = _rate(tally.failures, tally.sources, everything)
                past = earlier.get(key)
                baseline = _rate(past.failures, tally.sources, everything_before) if past else 0.0
                alert = open_alerts.pop(key, None)
                if alert is not None:
                    written += self._update(alert, now, rate, baseline)
                elif self.thresholds.fires(provider, code, tally.failures, rate, baseline):
                    alert = self.store.alert(channel, provider, code)
                    if alert.state == "quiet":
                        written += self._open(alert, tally, now, rate, baseline)
        for alert in open_alerts.values():  # no failure in the window
            self._maybe_quiet(alert, now)
        return written

    def _everything(
        self, groups: Sequence[FailureGroup], since: datetime, until: datetime
    ) -> dict[Source, int]:
        """Every report per source: failures of any code, plus those delivered."""
        totals = dict(self.store.delivered_counts(since, until))
        for group in groups:
            totals[group.source] = totals.get(group.source, 0) + group.failures
        return totals

    def _open(
        self, alert: AlertRecord, tally: Tally, now: datetime, rate: float, baseline: float
    ) -> int:
        assert tally.first_at is not None
        figures = self._figures(alert, tally, rate, baseline)
        key = f"alert:{alert.id}:{alert.generation + 1}"
        job = job_for(key, "alert", alert.channel, self._message(alert, figures))
        if self.store.open_alert(alert, tally.first_at, tally.failures, job):
            log.info("alert %s opened channel=%s count=%d", key, alert.channel, tally.failures)
            return 1
        return 0

    def _since_opened(self, alert: AlertRecord, now: datetime) -> Tally | None:
        assert alert.opened_at is not None
        groups = self.store.failure_groups(alert.opened_at, now + timedelta(seconds=1))
        found = tallies(groups, self.store.routes(), self.default_channel)
        return found.get((alert.channel, alert.provider, alert.code))

    def _update(self, alert: AlertRecord, now: datetime, rate: float, baseline: float) -> int:
        tally = self._since_opened(alert, now)
        if tally is None or tally.failures <= alert.shown or alert.post_key is None:
            return 0
        post = self.store.job(alert.post_key)
        last = self.store.job(alert.last_job_key) if alert.last_job_key else None
        # One change at a time, in order: the next waits until the last is through.
        if post is None or not post.sent_ts or (last is not None and last.state != "sent"):
            return 0
        figures = self._figures(alert, tally, rate, baseline)
        key = f"alert:{alert.id}:{alert.generation}:{tally.failures}"
        job = job_for(
            key, "update", alert.channel, self._message(alert, figures), target_ts=post.sent_ts
        )
        return int(self.store.show_alert(alert, tally.failures, job))

    def _maybe_quiet(self, alert: AlertRecord, now: datetime) -> None:
        tally = self._since_opened(alert, now)
        last = tally.last_at if tally else alert.opened_at
        if (last is None or now - last >= self.thresholds.quiet) and self.store.quiet_alert(alert):
            log.info("alert %s quiet channel=%s", alert.id, alert.channel)

    def _figures(
        self, alert: AlertRecord, tally: Tally, rate: float, baseline: float
    ) -> AlertFigures:
        assert tally.first_at is not None and tally.last_at is not None
        senders = sorted({s[2] for s in tally.sources if s[2]})
        return AlertFigures(
            alert_id=alert.id,
            provider=alert.provider,
            code=alert.code,
            failures=tally.failures,
            recipients=tally.recipients,
            first_at=tally.first_at,
            last_at=tally.last_at,
            senders=tuple(senders),
            rate=rate,
            baseline=baseline,
        )

    def _message(self, alert: AlertRecord, figures: AlertFigures) -> Message:
        entry = self.catalog.get(alert.provider, alert.code)
        name = self.catalog.providers.get(alert.provider, alert.provider)
        with speaking(self.language_of(alert.channel) or default()):
            return alert_message(figures, entry, provider_name=name)

    def examples(self, alert: AlertRecord, want: int, now: datetime) -> list[StoredFailure]:
        """The alert's most recent failures, newest first: an escalation's examples."""
        since = now - self.thresholds.window
        groups = self.store.failure_groups(since, now + timedelta(seconds=1))
        found = tallies(groups, self.store.routes(), self.default_channel)
        tally = found.get((alert.channel, alert.provider, alert.code))
        if tally is None:
            return []
        return self.store.recent_failures(
            alert.provider, alert.code, sorted(tally.sources), since=since, limit=want
        )

    def reported(
        self, heard: Callable[[str], bool], since: datetime, until: datetime, *, limit: int
    ) -> list[tuple[str, str, int]]:
        """(provider, code, failures) the webhooks reported to the channels `heard` lets
        through, most first: what stats and App Home show beside the codes people pasted."""
        found = tallies(
            self.store.failure_groups(since, until), self.store.routes(), self.default_channel
        )
        counts: dict[tuple[str, str], int] = {}
        for (channel, provider, code), tally in found.items():
            if heard(channel):
                counts[(provider, code)] = counts.get((provider, code), 0) + tally.failures
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(provider, code, n) for (provider, code), n in top]
