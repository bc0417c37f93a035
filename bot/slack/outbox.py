"""bot.core.escalation.service.Outbox over the Slack Web API: what escalations ask Slack while
someone waits (a thread's permalink, channel membership). Posting is the outbox's
(bot.slack.poster)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class SlackOutbox:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def permalink(self, channel: str, ts: str) -> str | None:
        """A link to the thread, or None: the form still works without one."""
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except SlackApiError as error:
            log.info("no permalink for %s %s: %s", channel, ts, error.response.get("error"))
            return None

    def is_member(self, channel: str, user: str) -> bool:
        """Whether `user` is in `channel`; a channel we cannot read counts as no."""
        try:
            # SlackResponse iterates over every page (cursor pagination).
            for page in self.client.conversations_members(channel=channel, limit=1000):
                if user in page.get("members", []):
                    return True
        except SlackApiError as error:
            code = error.response.get("error")
            if code == "missing_scope":
                log.warning("conversations.members needs the channels:read and groups:read scopes")
            else:
                # Gone, archived, or private and we were removed: nobody counts as a member.
                log.info("members of %s unknown: %s", channel, code)
        return False
