"""Provider webhook requests signed the way each provider signs them, for the real bot process:
Twilio's HMAC-SHA1 over the URL and sorted form fields, Telnyx's ed25519 over "timestamp|body"
(with a key pair made here), Bandwidth's HTTP Basic credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from nacl.signing import SigningKey

TWILIO_TOKEN = "twilio-auth-token-" + secrets.token_hex(8)
OTHER_TWILIO_TOKEN = "second-account-token-" + secrets.token_hex(8)
TELNYX_KEY = SigningKey.generate()
TELNYX_PUBLIC = base64.b64encode(bytes(TELNYX_KEY.verify_key)).decode()
BANDWIDTH_USER, BANDWIDTH_PASSWORD = "bandwidth", "callback-" + secrets.token_hex(6)
ACCOUNT = "AC" + "1" * 32
SERVICE = "MG" + "2" * 32
SENDER = "+14155550100"
# The URL Twilio is told to call (behind a proxy, as in production): what it signs.
PUBLIC_URL = "https://smserror.example.com"


def env(public_url: str = PUBLIC_URL) -> dict[str, str]:
    return {
        "SMSERROR_PUBLIC_URL": public_url,
        "TWILIO_AUTH_TOKEN": f"{OTHER_TWILIO_TOKEN},{TWILIO_TOKEN}",
        "TELNYX_PUBLIC_KEY": TELNYX_PUBLIC,
        "BANDWIDTH_WEBHOOK_USER": BANDWIDTH_USER,
        "BANDWIDTH_WEBHOOK_PASSWORD": BANDWIDTH_PASSWORD,
    }


def twilio_signature(url: str, fields: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    """Twilio's scheme: the URL, then each field's name and value in name order, HMAC-SHA1."""
    signed = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def status_callback(
    sid: str, status: str = "undelivered", code: str = "30007", to: str = "+14155550112"
) -> dict[str, str]:
    """A message status callback's fields, as Twilio posts them (and one it added lately)."""
    fields = {
        "ApiVersion": "2010-04-01",
        "AccountSid": ACCOUNT,
        "MessagingServiceSid": SERVICE,
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": to,
        "From": SENDER,
        "RawDlrDoneDate": "2612011200",
    }
    if code:
        fields["ErrorCode"] = code
    return fields


def message_sid(n: int) -> str:
    return "SM" + f"{n:032x}"


def send(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def post_twilio(
    base: str, fields: dict[str, str], *, token: str = TWILIO_TOKEN, signature: str | None = None
) -> int:
    """POST to the bot at `base`, signed for PUBLIC_URL (or with `signature`; "" for none)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature != "":
        signed = PUBLIC_URL + "/webhooks/twilio"
        headers["X-Twilio-Signature"] = signature or twilio_signature(signed, fields, token)
    return send(base + "/webhooks/twilio", urlencode(fields).encode(), headers)[0]


def telnyx_event(
    event_id: str, message_id: str, *, status: str = "delivery_failed", code: str = "40300"
) -> dict[str, Any]:
    return {
        "data": {
            "event_type": "message.finalized",
            "id": event_id,
            "occurred_at": "2026-12-01T12:00:00.000+00:00",
            "record_type": "event",
            "payload": {
                "id": message_id,
                "record_type": "message",
                "direction": "outbound",
                "messaging_profile_id": "400176a4-8f6b-4c4b-9e0d-4a9b1b7c2e11",
                "from": {"phone_number": "+13125550100", "carrier": "Telnyx"},
                "to": [{"phone_number": "+13125550167", "status": status}],
                "errors": [{"code": code, "title": "Blocked as spam"}] if code else [],
            },
        },
        "meta": {"attempt": 1, "delivered_to": "https://example.com/webhooks/telnyx"},
    }


def post_telnyx(
    base: str, event: dict[str, Any], *, at: int | None = None, key: SigningKey = TELNYX_KEY
) -> int:
    body = json.dumps(event).encode()
    timestamp = str(at if at is not None else int(time.time()))
    signature = key.sign(timestamp.encode() + b"|" + body).signature
    headers = {
        "Content-Type": "application/json",
        "telnyx-timestamp": timestamp,
        "telnyx-signature-ed25519": base64.b64encode(signature).decode(),
    }
    return send(base + "/webhooks/telnyx", body, headers)[0]


def bandwidth_callback(message_id: str, *, kind: str = "message-failed", code: int = 4432) -> list:
    return [
        {
            "type": kind,
            "time": "2026-12-01T12:00:00.000Z",
            "description": "rejected-forbidden-country",
            "to": "+19195550167",
            "errorCode": code,
            "message": {
                "id": message_id,
                "owner": "+19195550100",
                "applicationId": "93de2206-9669-4e07-948d-329f4b722ee2",
                "time": "2026-12-01T11:59:59.000Z",
                "segmentCount": 1,
                "direction": "out",
                "to": ["+19195550167"],
                "from": "+19195550100",
            },
        }
    ]


def post_bandwidth(base: str, events: list, *, password: str = BANDWIDTH_PASSWORD) -> int:
    credentials = base64.b64encode(f"{BANDWIDTH_USER}:{password}".encode()).decode()
    headers = {"Content-Type": "application/json", "Authorization": f"Basic {credentials}"}
    return send(base + "/webhooks/bandwidth", json.dumps(events).encode(), headers)[0]
