"""The Store's escalations: create, deliver, acknowledge and resolve, as plain records.

State moves are one conditional UPDATE (compare-and-set): two people clicking "Resolve" at the
same moment both send it, the database lets one through, and the other learns it was too late.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.records import EscalationRecord, Example, NewEscalation, NewJob
from bot.store.jobs import enqueue
from bot.store.models import EscalationRow, as_utc, utcnow

JobsFor = Callable[[EscalationRecord], Sequence[NewJob]]

LAST_ERROR_LIMIT = 200  # characters kept of a delivery error: enough to say what went wrong

# Where each state may be reached from; anything else (including "open") is not a move.
MOVES_FROM = {"acknowledged": ("open",), "resolved": ("open", "acknowledged")}
MOVED_BY = {"acknowledged": "acknowledged_by", "resolved": "resolved_by"}


class StoredEscalations:
    _session: sessionmaker[Session]

    def create_escalation(
        self,
        new: NewEscalation,
        *,
        view_id: str | None = None,
        jobs_for: JobsFor | None = None,
    ) -> EscalationRecord:
        """Store it as "open"; the database picks the id, so creators never collide.

        `view_id` (the modal it came from) makes a submit idempotent: the same view submitted
        again gets the escalation already stored, not a second one. `jobs_for` names the posts
        it needs (the support post), written in the same transaction.
        """
        if view_id:
            try:
                return self._create_escalation(new, view_id, jobs_for)
            except IntegrityError:  # the same view, submitted twice at once: the other won
                found = self.escalation_for_view(view_id)
                if found is None:
                    raise
                return found
        return self._create_escalation(new, None, jobs_for)

    def escalation_for_view(self, view_id: str) -> EscalationRecord | None:
        with self._session() as session:
            row = session.scalars(
                select(EscalationRow).where(EscalationRow.view_id == view_id)
            ).one_or_none()
            return _record(row) if row else None

    def _create_escalation(
        self, new: NewEscalation, view_id: str | None, jobs_for: JobsFor | None
    ) -> EscalationRecord:
        now = utcnow()
        row = EscalationRow(
            provider=new.provider,
            code=new.code,
            scope=new.scope or "",
            requester=new.requester,
            source_channel=new.source_channel,
            source_thread_ts=new.source_thread_ts,
            permalink=new.permalink,
            examples=_examples_json(new.examples),
            notes=new.notes,
            state="open",
            support_channel=new.support_channel,
            view_id=view_id,
            delivery_attempts=0,
            created_at=now,
            updated_at=now,
        )
        with self._session.begin() as session:
            if view_id:
                kept = session.scalars(
                    select(EscalationRow).where(EscalationRow.view_id == view_id)
                ).one_or_none()
                if kept is not None:
                    return _record(kept)
            session.add(row)
            session.flush()
            record = _record(row)
            if jobs_for is not None:
                enqueue(session.connection(), jobs_for(record))
            return record

    def escalation(self, id: int) -> EscalationRecord | None:
        with self._session() as session:
            row = session.get(EscalationRow, id)
            return _record(row) if row else None

    def undelivered_escalations(self, limit: int = 500) -> list[EscalationRecord]:
        """Not yet posted to support and still worth posting, oldest first."""
        return self._escalations(
            select(EscalationRow)
            .where(EscalationRow.support_ts.is_(None), EscalationRow.state != "resolved")
            .order_by(EscalationRow.id)
            .limit(limit)
        )

    def open_escalations(self, limit: int = 50) -> list[EscalationRecord]:
        """Open or acknowledged, newest first."""
        return self._escalations(
            select(EscalationRow)
            .where(EscalationRow.state.in_(("open", "acknowledged")))
            .order_by(EscalationRow.id.desc())
            .limit(limit)
        )

    def move_escalation(
        self, id: int, *, to: str, by: str, jobs_for: JobsFor | None = None
    ) -> EscalationRecord | None:
        """Acknowledge or resolve; None when the move is not allowed (already there, unknown id).

        One conditional UPDATE: of two concurrent moves to the same state exactly one changes a
        row, so exactly one caller gets the record back.
        """
        if to not in MOVES_FROM:
            raise ValueError(f"cannot move an escalation to {to!r}; use one of {list(MOVES_FROM)}")
        with self._session.begin() as session:
            moved = session.execute(
                update(EscalationRow)
                .where(EscalationRow.id == id, EscalationRow.state.in_(MOVES_FROM[to]))
                .values({"state": to, MOVED_BY[to]: by, "updated_at": utcnow()})
            )
            if moved.rowcount != 1:
                return None
            # Same transaction: the row is ours until commit, so this reads our own move.
            row = session.scalars(select(EscalationRow).where(EscalationRow.id == id)).one()
            record = _record(row)
            if jobs_for is not None:  # the post's update and the requester's note, with it
                enqueue(session.connection(), jobs_for(record))
            return record

    def _escalations(self, query: Any) -> list[EscalationRecord]:
        with self._session() as session:
            return [_record(row) for row in session.scalars(query)]


def _examples_json(examples: tuple[Example, ...]) -> str:
    return json.dumps(
        [
            {
                "message_id": e.message_id,
                "sent_at": as_utc(e.sent_at).isoformat(),
                "recipient": e.recipient,
            }
            for e in examples
        ]
    )


def _examples(text: str) -> tuple[Example, ...]:
    return tuple(
        Example(
            message_id=item["message_id"],
            sent_at=as_utc(datetime.fromisoformat(item["sent_at"])),
            recipient=item["recipient"],
        )
        for item in json.loads(text or "[]")
    )


def _record(row: EscalationRow) -> EscalationRecord:
    return EscalationRecord(
        provider=row.provider,
        code=row.code,
        scope=row.scope or None,
        requester=row.requester,
        source_channel=row.source_channel,
        source_thread_ts=row.source_thread_ts,
        permalink=row.permalink,
        examples=_examples(row.examples),
        notes=row.notes,
        support_channel=row.support_channel,
        id=row.id,
        state=row.state,
        support_ts=row.support_ts,
        delivery_attempts=row.delivery_attempts,
        last_error=row.last_error,
        acknowledged_by=row.acknowledged_by,
        resolved_by=row.resolved_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
