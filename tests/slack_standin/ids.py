"""Workspace constants and Slack-shaped identifier generators.

Every stand-in shares these so a payload built here and a Web API answer
given there talk about the same workspace, bot and channels.
"""

from __future__ import annotations

import itertools
import random
import string
import threading
import time

TEAM_ID = "T0SMSERR1"
TEAM_DOMAIN = "smserror-dev"
TEAM_NAME = "SMS Error Dev"
ENTERPRISE_ID: str | None = None

APP_ID = "ASMSERR01"
BOT_ID = "BSMSERR01"
BOT_USER_ID = "UBOTSMS01"
BOT_NAME = "smserror"

# A different integration (an SMS gateway) posting into the alerts channel.
# Bolt's IgnoringSelfEvents drops events whose bot_id equals our own BOT_ID,
# so "someone else's bot" must have a distinct id.
OTHER_BOT_ID = "B0SMSGW01"
OTHER_BOT_APP_ID = "A0SMSGW01"
OTHER_BOT_NAME = "sms-gateway"

USER_ID = "U0ALICE01"
USER_NAME = "alice"
OTHER_USER_ID = "U0BOBBY01"
OTHER_USER_NAME = "bob"

CHANNEL_ID = "C0ALERTS1"
CHANNEL_NAME = "sms-alerts"
OTHER_CHANNEL_ID = "C0RANDOM1"
TEST_CHANNEL_PREFIX = "C0T"  # slack_harness.channel_id(): one fresh channel per test
OTHER_CHANNEL_NAME = "random"
DM_CHANNEL_ID = "D0ALICE01"

BOT_TOKEN = "xoxb-0000000001-0000000002-standinbottoken"
APP_TOKEN = "xapp-1-ASMSERR01-0000000003-standinapptoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# Legacy verification token: still present in every payload Slack sends.
VERIFICATION_TOKEN = "VerifTokenStandIn00000000"

_ALNUM = string.ascii_uppercase + string.digits
_ts_lock = threading.Lock()
_last_ts: tuple[int, int] = (0, 0)
_counter = itertools.count(1)


def next_ts() -> str:
    """Return a message ts ("1732345678.000100") strictly greater than any before.

    Slack ts values are unique per channel and sort chronologically; code
    under test may rely on both (threads, ordering, dedup), so one process-wide
    clock feeds payload factories and the Web API stand-in alike.
    """
    global _last_ts
    with _ts_lock:
        now = int(time.time())
        sec, seq = _last_ts
        if now > sec:
            sec, seq = now, 0
        seq += 1
        _last_ts = (sec, seq)
    return f"{sec}.{seq * 100:06d}"


def slack_id(prefix: str, length: int = 10) -> str:
    """Random uppercase id shaped like Slack's (prefix + base36), e.g. 'V07ABCD1234'."""
    return prefix + "".join(random.choices(_ALNUM, k=length))


def event_id() -> str:
    return slack_id("Ev", 10)


def trigger_id() -> str:
    # Real trigger ids look like "13345224609.738474920.8088930838d88f008e0".
    head = f"{random.randrange(10**10, 10**11)}.{random.randrange(10**8, 10**9)}"
    return f"{head}.{next(_counter):04x}{random.getrandbits(100):025x}"


def response_url(kind: str = "commands", base: str = "https://hooks.slack.com/") -> str:
    """A response_url shaped like Slack's; pass SlackWebAPI.hooks_url as base to keep it local."""
    token = "".join(random.choices(string.ascii_letters + string.digits, k=24))
    return f"{base}{kind}/{TEAM_ID}/{random.randrange(10**12, 10**13)}/{token}"
