"""Slack request signing, and a tiny HTTP client to deliver signed requests.

Slack signs every HTTP request to an app with
``v0=hex(HMAC_SHA256(signing_secret, "v0:{timestamp}:{raw body}"))``
(https://docs.slack.dev/authentication/verifying-requests-from-slack).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

FORM = "application/x-www-form-urlencoded"
JSON_CT = "application/json"


def _as_bytes(body: bytes | str) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


def sign(body: bytes | str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Return the two headers Slack adds: X-Slack-Request-Timestamp and X-Slack-Signature.

    The timestamp defaults to now; Bolt rejects anything older than 5 minutes,
    so pass an old one to test replay protection.
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = b"v0:" + str(ts).encode() + b":" + _as_bytes(body)
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


def post(
    url: str,
    body: bytes | str | dict[str, Any],
    secret: str,
    *,
    content_type: str | None = None,
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
    sign: bool = True,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """POST ``body`` the way Slack delivers it; return (status, headers, body) even for 4xx/5xx.

    A dict body is sent as JSON (Events API style); otherwise ``content_type``
    defaults to JSON when the body looks like an object, else form encoding.
    Header names in the result are lowercased.
    """
    if isinstance(body, dict):
        body = json.dumps(body)
    raw = _as_bytes(body)
    if content_type is None:
        content_type = JSON_CT if raw.lstrip()[:1] == b"{" else FORM
    headers = {
        "Content-Type": content_type,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    if sign:
        headers.update(_sign(raw, secret, timestamp))
    headers.update(extra_headers or {})
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    # A direct opener: environment proxies must never see a loopback test request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


# ``post`` has a ``sign`` flag; keep a handle on the function it would shadow.
_sign = sign
