"""Local stand-ins for Slack: Web API server, Socket Mode server, signing, payloads.

Slack is unreachable from the test machine, so end-to-end tests replace it at
the network boundary only; the bot's real slack_sdk / slack_bolt code runs.
"""

from . import ids, payloads
from .ids import (
    APP_ID,
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    OTHER_BOT_ID,
    OTHER_CHANNEL_ID,
    OTHER_USER_ID,
    SIGNING_SECRET,
    TEAM_ID,
    USER_ID,
    next_ts,
)
from .signing import post, sign
from .socket_mode import SocketModeServer, envelope_payload
from .web_api import Call, Channel, SlackApiFailure, SlackWebAPI

__all__ = [
    "APP_ID",
    "APP_TOKEN",
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "CHANNEL_ID",
    "DM_CHANNEL_ID",
    "OTHER_BOT_ID",
    "OTHER_CHANNEL_ID",
    "OTHER_USER_ID",
    "SIGNING_SECRET",
    "TEAM_ID",
    "USER_ID",
    "Call",
    "Channel",
    "SlackApiFailure",
    "SlackWebAPI",
    "SocketModeServer",
    "envelope_payload",
    "ids",
    "next_ts",
    "payloads",
    "post",
    "sign",
]
