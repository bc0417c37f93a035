"""bot.core.delivery.Poster over the Web API: each post tagged with its job's key, found again
by it.

The tag is Slack message metadata (event_type smserror_job, payload {"job": key}); reading it
back needs the history scopes the bot already has to hear messages. A post whose fate is
unknown is looked for in its thread (conversations.replies) or in the channel's recent history
(conversations.history) before it is made again.
"""

from __future__ import annotations

import http.client
import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cards.ids import is_conversation
from bot.core.delivery import Later, Refused, Unsure, message_of
from bot.core.records import JobRecord
from bot.slack.client import maybe_sent, slack_error
from bot.slack.outbox import SlackOutbox

log = logging.getLogger(__name__)

TAG = "smserror_job"
UNREADABLE = "unreadable"  # the ts kept for a DM post that may have been made
LOOK_BACK = timedelta(minutes=10)  # how far before a job's creation its post can be
LOOK_AT = 200  # messages read per look: a busy channel's last ten minutes
# Refusals Slack repeats however often it is asked: retrying cannot help.
FINAL = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "msg_too_long",
    "invalid_blocks",
    "no_text",
    "restricted_action",
    "cant_update_message",
    "message_not_found",
    "edit_window_closed",
    "user_not_found",
    "account_inactive",
    "invalid_auth",
    "token_revoked",
    "missing_scope",
}


def tag(job: JobRecord) -> dict:
    return {"event_type": TAG, "event_payload": {"job": job.key}}


def tagged(message: dict, key: str) -> bool:
    metadata = message.get("metadata") or {}
    return (
        metadata.get("event_type") == TAG
        and (metadata.get("event_payload") or {}).get("job") == key
    )


class SlackPoster:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.members = SlackOutbox(client)

    def post(self, job: JobRecord, channel: str, thread_ts: str | None) -> str:
        thread = {"thread_ts": thread_ts} if thread_ts else {}
        message = message_of(job)
        response = self._call(
            self.client.chat_postMessage,
            channel=channel,
            metadata=tag(job),
            **thread,
            **message.kwargs(),
        )
        return str(response["ts"])

    def update(self, job: JobRecord) -> None:
        message = message_of(job)
        self._call(
            self.client.chat_update,
            channel=job.channel,
            ts=job.target_ts,
            metadata=tag(job),
            text=message.text,
            blocks=list(message.blocks),
        )

    def find(self, job: JobRecord) -> str | None:
        """The ts of the job's post, or None. A DM addressed by user id cannot be read back
        without another scope: its post is taken as made (at most once)."""
        if not is_conversation(job.channel):
            return UNREADABLE
        oldest = (job.created_at - LOOK_BACK).timestamp() if job.created_at else 0
        if job.thread_ts:
            # Only the part of a long thread since the job was written: its post is there.
            response = self._call(
                self.client.conversations_replies,
                channel=job.channel,
                ts=job.thread_ts,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=LOOK_AT,
            )
        else:
            response = self._call(
                self.client.conversations_history,
                channel=job.channel,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=LOOK_AT,
            )
        for message in response.get("messages") or []:
            if tagged(message, job.key):
                return str(message.get("ts"))
        return None

    def is_member(self, channel: str, user: str) -> bool:
        return self.members.is_member(channel, user)

    @staticmethod
    def _call(method, **kwargs):  # type: ignore[no-untyped-def]
        """One Web API call, its failure said in bot.core.delivery's words."""
        try:
            return method(**kwargs)
        except SlackApiError as error:
            code = slack_error(error)
            if error.response.status_code == 429 or code == "ratelimited":
                wait = error.response.headers.get("retry-after") or error.response.headers.get(
                    "Retry-After"
                )
                raise Later(float(wait) if wait else 30.0) from error
            if code in FINAL:
                raise Refused(code) from error
            raise
        except (OSError, http.client.HTTPException) as error:
            if maybe_sent(error):
                raise Unsure(type(error).__name__) from error
            raise
