"""The Store's provider reports: each failure kept once (its event key), delivered messages
counted per sender and minute, and the grouped counts the alert rules read.

Delivered reports are nine in ten of a busy sender's callbacks: they are added up in memory and
written every few seconds (flush_delivered), so answering a provider costs no write for them.
A crash loses at most those seconds of delivered counts, never a failure.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, and_, delete, func, or_, select

from bot.core.records import FailureGroup, StoredFailure
from bot.core.webhooks.report import Report, masked_recipient, recipient_key
from bot.store.inserts import insert_new
from bot.store.models import DeliveryCountRow, DeliveryFailureRow, as_utc, utcnow

_FAILURE_KEY = ("provider", "event_key")
_COUNT_KEY = ("provider", "account", "sender", "service", "minute")
_SOURCE = (
    DeliveryFailureRow.provider,
    DeliveryFailureRow.account,
    DeliveryFailureRow.sender,
    DeliveryFailureRow.service,
)


class Reports:
    engine: Engine
    recipient_secret: bytes
    _delivered: Counter[tuple[str, str, str, str, datetime]]
    _delivered_lock: threading.Lock

    def keep_reports(self, reports: Iterable[Report]) -> int:
        """Failures written (a retried one is skipped), delivered ones tallied; returns how
        many failures were new."""
        now = utcnow()
        rows = []
        for report in reports:
            if not report.failed:
                minute = report.at.replace(second=0, microsecond=0)
                key = (report.provider, report.account, report.sender, report.service, minute)
                with self._delivered_lock:
                    self._delivered[key] += 1
                continue
            rows.append(
                {
                    "provider": report.provider,
                    "event_key": report.event_key[:255],
                    "message_id": report.message_id,
                    "code": report.code,
                    "account": report.account,
                    "sender": report.sender,
                    "service": report.service,
                    "recipient_masked": masked_recipient(report.recipient)
                    if report.recipient
                    else "",
                    "recipient_hash": recipient_key(report.recipient, self.recipient_secret)
                    if report.recipient
                    else "",
                    # A provider's clock ahead of ours must not keep an alert open.
                    "failed_at": min(as_utc(report.at), now),
                    "received_at": now,
                }
            )
        if not rows:
            return 0
        with self.engine.begin() as conn:
            return sum(
                insert_new(conn, DeliveryFailureRow.__table__, _FAILURE_KEY, [r]) for r in rows
            )

    def flush_delivered(self) -> int:
        """Write the delivered tally; what fails to write is added back for the next flush."""
        with self._delivered_lock:
            tally, self._delivered = self._delivered, Counter()
        if not tally:
            return 0
        try:
            with self.engine.begin() as conn:
                for (provider, account, sender, service, minute), n in tally.items():
                    where = (
                        (DeliveryCountRow.provider == provider)
                        & (DeliveryCountRow.account == account)
                        & (DeliveryCountRow.sender == sender)
                        & (DeliveryCountRow.service == service)
                        & (DeliveryCountRow.minute == minute)
                    )
                    added = conn.execute(
                        DeliveryCountRow.__table__.update()
                        .where(where)
                        .values(delivered=DeliveryCountRow.delivered + n)
                    ).rowcount
                    if not added:
                        row = dict(
                            zip(
                                _COUNT_KEY,
                                (provider, account, sender, service, minute),
                                strict=True,
                            )
                        )
                        if not insert_new(
                            conn, DeliveryCountRow.__table__, _COUNT_KEY, [row | {"delivered": n}]
                        ):  # another instance wrote the minute meanwhile
                            conn.execute(
                                DeliveryCountRow.__table__.update()
                                .where(where)
                                .values(delivered=DeliveryCountRow.delivered + n)
                            )
        except Exception:
            with self._delivered_lock:
                self._delivered.update(tally)
            raise
        return sum(tally.values())

    def failure_groups(self, since: datetime, until: datetime) -> list[FailureGroup]:
        """Failures from `since` to `until`, counted per source and code."""
        hashes = func.count(func.distinct(DeliveryFailureRow.recipient_hash))
        query = (
            select(
                *_SOURCE,
                DeliveryFailureRow.code,
                func.count(),
                hashes,
                func.min(DeliveryFailureRow.failed_at),
                func.max(DeliveryFailureRow.failed_at),
            )
            .where(DeliveryFailureRow.failed_at >= since, DeliveryFailureRow.failed_at < until)
            .group_by(*_SOURCE, DeliveryFailureRow.code)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            FailureGroup(p, a, s, v, code, n, r, read_moment(first), read_moment(last))
            for p, a, s, v, code, n, r, first, last in rows
        ]

    def delivered_counts(
        self, since: datetime, until: datetime
    ) -> dict[tuple[str, str, str, str], int]:
        """Delivered messages per source (provider, account, sender, service)."""
        query = (
            select(
                DeliveryCountRow.provider,
                DeliveryCountRow.account,
                DeliveryCountRow.sender,
                DeliveryCountRow.service,
                func.sum(DeliveryCountRow.delivered),
            )
            .where(DeliveryCountRow.minute >= since, DeliveryCountRow.minute < until)
            .group_by(
                DeliveryCountRow.provider,
                DeliveryCountRow.account,
                DeliveryCountRow.sender,
                DeliveryCountRow.service,
            )
        )
        with self.engine.connect() as conn:
            return {(p, a, s, v): int(n or 0) for p, a, s, v, n in conn.execute(query)}

    def recent_failures(
        self,
        provider: str,
        code: str,
        sources: Sequence[tuple[str, str, str, str]],
        *,
        since: datetime,
        limit: int,
    ) -> list[StoredFailure]:
        """The newest failures of one code from these sources: an escalation's examples."""
        if not sources:
            return []
        query = (
            select(DeliveryFailureRow.__table__)
            .where(
                DeliveryFailureRow.provider == provider,
                DeliveryFailureRow.code == code,
                DeliveryFailureRow.failed_at >= since,
                or_(
                    *(
                        and_(
                            DeliveryFailureRow.account == account,
                            DeliveryFailureRow.sender == sender,
                            DeliveryFailureRow.service == service,
                        )
                        for _, account, sender, service in sources
                    )
                ),
            )
            .order_by(DeliveryFailureRow.failed_at.desc(), DeliveryFailureRow.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_failure(row) for row in conn.execute(query).mappings()]

    def failure_of_message(self, provider: str, message_id: str) -> StoredFailure | None:
        query = (
            select(DeliveryFailureRow.__table__)
            .where(
                DeliveryFailureRow.provider == provider,
                DeliveryFailureRow.message_id == message_id,
            )
            .order_by(DeliveryFailureRow.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _failure(row) if row else None

    def purge_reports(self, older_than: timedelta) -> int:
        """Failures and delivered counts past their retention; returns the failures removed."""
        cutoff = utcnow() - older_than
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(DeliveryFailureRow).where(DeliveryFailureRow.failed_at < cutoff)
            ).rowcount
            conn.execute(delete(DeliveryCountRow).where(DeliveryCountRow.minute < cutoff))
        return gone


def read_moment(moment: datetime) -> datetime:
    # min()/max() come back as text on SQLite, past the column's type.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _failure(row: Mapping[str, Any]) -> StoredFailure:
    return StoredFailure(
        provider=row["provider"],
        message_id=row["message_id"],
        code=row["code"],
        account=row["account"],
        sender=row["sender"],
        service=row["service"],
        recipient=row["recipient_masked"],
        failed_at=read_moment(row["failed_at"]),
    )
