"""Telnyx's messaging webhooks: a JSON event (data.event_type, data.id, data.occurred_at) whose
data.payload is the message, with its recipients' statuses (to[].status) and errors[].

message.finalized is the last word on a message; message.sent is counted only when it already
carries errors (a send refused before it reached a carrier).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.core.webhooks.report import CODE_MAX, Malformed, Report, clip, moment

PROVIDER = "telnyx"
EVENTS = {"message.finalized", "message.sent"}
FAILED = {"sending_failed", "delivery_failed", "delivery_unconfirmed"}
DELIVERED = {"delivered"}


def read(body: Any, *, now: datetime) -> list[Report]:
    """The reports in one event: one per recipient (a group message has several)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise Malformed("a Telnyx webhook is a JSON object with data.payload")
    kind = clip(data.get("event_type"))
    if kind not in EVENTS:
        return []
    event_id = clip(data.get("id"))
    message = data["payload"]
    message_id = clip(message.get("id"))
    if not event_id or not message_id:
        raise Malformed("a Telnyx message event carries data.id and data.payload.id")
    errors = [e for e in message.get("errors") or [] if isinstance(e, Mapping)]
    code = clip(errors[0].get("code"), CODE_MAX) if errors else ""
    recipients = [r for r in message.get("to") or [] if isinstance(r, Mapping)] or [{}]
    sender = message.get("from")
    at = moment(clip(data.get("occurred_at"))) or now
    reports = []
    for n, recipient in enumerate(recipients):
        status = clip(recipient.get("status")).casefold()
        if status in FAILED or (errors and status not in DELIVERED):
            outcome = "failed"
        elif status in DELIVERED and kind == "message.finalized":
            outcome = "delivered"
        else:
            continue
        reports.append(
            Report(
                provider=PROVIDER,
                event_key=f"{event_id}:{n}",  # Telnyx resends an event with the same data.id
                outcome=outcome,
                message_id=message_id,
                at=at,
                code=code,
                account=clip(message.get("organization_id")),
                sender=clip(sender.get("phone_number") if isinstance(sender, Mapping) else sender),
                service=clip(message.get("messaging_profile_id")),
                recipient=clip(recipient.get("phone_number")),
            )
        )
    return reports
