"""Twilio's two webhooks, told apart by their fields: a message's status callback (one per
status change, form fields MessageSid, MessageStatus, ErrorCode…) and a Debugger or alarm
webhook (Sid, Level, Timestamp, and a JSON Payload holding error_code and resource_sid).

Twilio adds fields without notice: anything not read here is ignored, never refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from bot.core.webhooks.report import CODE_MAX, Malformed, Report, clip, moment

PROVIDER = "twilio"
FAILED = {"failed", "undelivered"}
DELIVERED = {"delivered", "read"}
# Debugger levels that mean a failure; a WARNING is often about a callback URL, not delivery.
DEBUGGER_LEVELS = {"error"}


def read(form: Mapping[str, str], *, now: datetime) -> Report | None:
    """The report in one of Twilio's form bodies; None for a status we do not count."""
    if "Payload" in form and "Sid" in form:
        return _debugger(form, now=now)
    message_id = clip(form.get("MessageSid") or form.get("SmsSid"))
    status = clip(form.get("MessageStatus") or form.get("SmsStatus")).casefold()
    if not message_id or not status:
        raise Malformed("a Twilio status callback carries MessageSid and MessageStatus")
    if status in FAILED:
        outcome = "failed"
    elif status in DELIVERED:
        outcome = "delivered"
    else:
        return None
    code = clip(form.get("ErrorCode"), CODE_MAX)
    return Report(
        provider=PROVIDER,
        # A status is reported once per message; a retry repeats it exactly.
        event_key=f"{message_id}:{status}:{code}",
        outcome=outcome,
        message_id=message_id,
        at=now,  # status callbacks carry no time of their own
        code=code,
        account=clip(form.get("AccountSid")),
        sender=clip(form.get("From")),
        service=clip(form.get("MessagingServiceSid")),
        recipient=clip(form.get("To")),
    )


def _debugger(form: Mapping[str, str], *, now: datetime) -> Report | None:
    try:
        payload = json.loads(form["Payload"])
    except (ValueError, RecursionError):
        raise Malformed("a Twilio Debugger webhook's Payload is JSON") from None
    if not isinstance(payload, dict):
        raise Malformed("a Twilio Debugger webhook's Payload is a JSON object")
    if clip(form.get("Level")).casefold() not in DEBUGGER_LEVELS:
        return None
    code = clip(payload.get("error_code"), CODE_MAX)
    resource = clip(payload.get("resource_sid"))
    # Only messages: the Debugger also reports calls, API keys and webhooks.
    if not code or not resource.startswith(("SM", "MM")):
        return None
    more = payload.get("more_info") if isinstance(payload.get("more_info"), dict) else {}
    return Report(
        provider=PROVIDER,
        event_key=f"debugger:{clip(form['Sid'])}",
        outcome="failed",
        message_id=resource,
        at=moment(form.get("Timestamp")) or now,
        code=code,
        account=clip(form.get("AccountSid")),
        sender=clip(more.get("From") or more.get("from")),
        service=clip(payload.get("service_sid")),
        recipient=clip(more.get("To") or more.get("to")),
    )
