"""Bandwidth's messaging callbacks: a JSON array of events, each with a type
("message-failed", "message-delivered", …), a time, errorCode and description for a failure,
and the message (id, owner: the sending number, applicationId)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.core.webhooks.report import CODE_MAX, Malformed, Report, clip, moment

PROVIDER = "bandwidth"
OUTCOMES = {"message-failed": "failed", "message-delivered": "delivered"}
MOST_EVENTS = 1000  # Bandwidth batches callbacks; a bigger array is not one of theirs


def read(body: Any, *, now: datetime) -> list[Report]:
    events = body if isinstance(body, list) else [body]
    if len(events) > MOST_EVENTS or not all(isinstance(e, Mapping) for e in events):
        raise Malformed("a Bandwidth callback is a JSON array of event objects")
    reports = []
    for event in events:
        outcome = OUTCOMES.get(clip(event.get("type")))
        if outcome is None:
            continue
        message = event.get("message")
        if not isinstance(message, Mapping) or not clip(message.get("id")):
            raise Malformed("a Bandwidth message callback carries message.id")
        message_id = clip(message["id"])
        code = clip(event.get("errorCode"), CODE_MAX) if outcome == "failed" else ""
        reports.append(
            Report(
                provider=PROVIDER,
                event_key=f"{message_id}:{event['type']}:{clip(event.get('to'))}",
                outcome=outcome,
                message_id=message_id,
                at=moment(clip(event.get("time"))) or now,
                code=code,
                account="",
                sender=clip(message.get("owner") or message.get("from")),
                service=clip(message.get("applicationId")),
                recipient=clip(event.get("to")),
            )
        )
    return reports
