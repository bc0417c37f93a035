"""The Store's alerts, routes and mutes.

An alert's row is made once per (channel, provider, code) and changed only by compare-and-set
(on generation to open it, on shown to update it), in the same transaction as the job that
posts or updates its message: two instances deciding at once make one post, one update.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select, update

from bot.core.records import AlertRecord, Mute, NewJob, Route
from bot.store.inserts import insert_new
from bot.store.jobs import enqueue
from bot.store.models import AlertMuteRow, AlertRouteRow, AlertRow, as_utc, utcnow

_ALERT_KEY = ("channel_id", "provider", "code")


class Alerts:
    engine: Engine

    # -- routes ------------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    AlertRouteRow.channel_id, AlertRouteRow.provider, AlertRouteRow.match
                ).order_by(AlertRouteRow.id)
            ).all()
        return [Route(*row) for row in rows]

    def add_route(self, route: Route, by: str) -> bool:
        """False when the channel already heard exactly that."""
        row = {
            "channel_id": route.channel,
            "provider": route.provider,
            "match": route.match,
            "created_by": by,
            "created_at": utcnow(),
        }
        with self.engine.begin() as conn:
            return bool(
                insert_new(
                    conn, AlertRouteRow.__table__, ("channel_id", "provider", "match"), [row]
                )
            )

    def remove_route(self, route: Route) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    delete(AlertRouteRow).where(
                        AlertRouteRow.channel_id == route.channel,
                        AlertRouteRow.provider == route.provider,
                        AlertRouteRow.match == route.match,
                    )
                ).rowcount
            )

    # -- alerts ------------------------------------------------------------------------------

    def alert(self, channel: str, provider: str, code: str) -> AlertRecord:
        """The code's alert in the channel, made (quiet) the first time it is asked for."""
        where = (
            (AlertRow.channel_id == channel)
            & (AlertRow.provider == provider)
            & (AlertRow.code == code)
        )
        with self.engine.begin() as conn:
            row = conn.execute(select(AlertRow.__table__).where(where)).mappings().first()
            if row is None:
                now = utcnow()
                fresh = {"channel_id": channel, "provider": provider, "code": code}
                fresh |= {"state": "quiet", "generation": 0, "shown": 0, "updated_at": now}
                insert_new(conn, AlertRow.__table__, _ALERT_KEY, [fresh])
                row = conn.execute(select(AlertRow.__table__).where(where)).mappings().one()
            return _record(row)

    def alert_by_id(self, alert_id: int) -> AlertRecord | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(AlertRow.__table__).where(AlertRow.id == alert_id))
                .mappings()
                .first()
            )
        return _record(row) if row else None

    def open_alerts(self) -> list[AlertRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(AlertRow.__table__).where(AlertRow.state == "open")
            ).mappings()
            return [_record(row) for row in rows]

    def open_alert(self, alert: AlertRecord, opened_at: datetime, shown: int, job: NewJob) -> bool:
        """Quiet → open with its first message as a job; False when another got there first."""
        return self._change(
            alert,
            job,
            (AlertRow.generation == alert.generation) & (AlertRow.state == "quiet"),
            state="open",
            generation=alert.generation + 1,
            opened_at=as_utc(opened_at),
            shown=shown,
            post_key=job.key,
        )

    def show_alert(self, alert: AlertRecord, shown: int, job: NewJob) -> bool:
        """The open alert's message updated to count `shown`, as a job."""
        return self._change(
            alert,
            job,
            (AlertRow.generation == alert.generation)
            & (AlertRow.state == "open")
            & (AlertRow.shown == alert.shown),
            shown=shown,
        )

    def quiet_alert(self, alert: AlertRecord) -> bool:
        """Open → quiet: the next failures past the threshold make a new message."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(AlertRow)
                    .where(
                        AlertRow.id == alert.id,
                        AlertRow.generation == alert.generation,
                        AlertRow.state == "open",
                    )
                    .values(state="quiet", updated_at=utcnow())
                ).rowcount
            )

    def _change(self, alert: AlertRecord, job: NewJob, guard: Any, **values: Any) -> bool:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(AlertRow)
                .where(AlertRow.id == alert.id, guard)
                .values(last_job_key=job.key, updated_at=utcnow(), **values)
            ).rowcount
            if changed:
                enqueue(conn, [job])
        return bool(changed)

    # -- mutes -------------------------------------------------------------------------------

    def mute(self, mute: Mute) -> None:
        """Mute the code in the channel until `mute.until` (a later mute replaces it)."""
        row = {
            "channel_id": mute.channel,
            "provider": mute.provider,
            "code": mute.code,
            "until": as_utc(mute.until),
            "muted_by": mute.muted_by,
            "created_at": utcnow(),
        }
        with self.engine.begin() as conn:
            if not insert_new(conn, AlertMuteRow.__table__, _ALERT_KEY, [row]):
                conn.execute(
                    update(AlertMuteRow)
                    .where(*_mute_is(mute.channel, mute.provider, mute.code))
                    .values(until=row["until"], muted_by=mute.muted_by)
                )

    def unmute(self, channel: str, provider: str, code: str) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    delete(AlertMuteRow).where(*_mute_is(channel, provider, code))
                ).rowcount
            )

    def mutes(self, now: datetime) -> list[Mute]:
        """The mutes still running, soonest to end first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(AlertMuteRow.__table__)
                .where(AlertMuteRow.until > now)
                .order_by(AlertMuteRow.until)
            ).mappings()
            return [Mute(r.channel_id, r.provider, r.code, r.until, r.muted_by) for r in rows]


def _mute_is(channel: str, provider: str, code: str) -> tuple[Any, ...]:
    return (
        AlertMuteRow.channel_id == channel,
        AlertMuteRow.provider == provider,
        AlertMuteRow.code == code,
    )


def _record(row: Mapping[str, Any]) -> AlertRecord:
    return AlertRecord(
        id=row["id"],
        channel=row["channel_id"],
        provider=row["provider"],
        code=row["code"],
        state=row["state"],
        generation=row["generation"],
        opened_at=row["opened_at"],
        shown=row["shown"],
        post_key=row["post_key"],
        last_job_key=row["last_job_key"],
    )
