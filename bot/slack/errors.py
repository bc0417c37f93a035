"""The one error handler: each kind of failure gets a log line and, where someone is waiting on
a reply (a command, a button), a short private note saying what to do next."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from http.client import HTTPException
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_bolt.kwargs_injection.args import Args
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.cards.ids import Forged

log = logging.getLogger(__name__)

GENERIC = "Sorry, something went wrong on my side. Please try again in a minute."
STALE = "That button no longer works (smserror was updated since). Run `/smserror` again."
SLACK_ERRORS = {
    "not_in_channel": "I'm not in this channel. Add me with `/invite @smserror`, then try again.",
    "channel_not_found": "I can't post in this conversation. Add me with `/invite @smserror`.",
    "is_archived": "This channel is archived, so I can't post in it.",
    "expired_trigger_id": "Slack took too long to open the window. Please try again.",
    "ratelimited": "Slack is limiting how fast I can post. Please try again in a minute.",
}


class StaleAction(Exception):
    """A button value, action id or form field we cannot use: old, or forged."""


def register(app: App) -> None:
    app.error(handle_error)


def reported(listener: Callable[..., None]) -> Callable[[Args], None]:
    """Wrap a listener that calls ack() itself, so a failure after the ack reaches handle_error
    here instead of inside Bolt.

    Why: when such a listener raises, Bolt 1.30's thread runner (process_before_response off)
    sets the acknowledgement back to None. If the request thread had not yet seen the ack, Slack
    gets "unhandled request" (404) three seconds later instead of the 200 already given.
    """
    wanted = list(inspect.signature(listener).parameters)

    def run(args: Args) -> None:
        try:
            listener(**{name: getattr(args, name) for name in wanted})
        except Exception as error:
            if args.ack.response is None:
                args.ack()  # failed before acknowledging: answer Slack now, explain below
            handle_error(error, args.body, args.respond)

    # Bolt names the listener in its logs; keep the real name (no __wrapped__: Bolt would
    # then read the listener's own argument names instead of `args`).
    run.__name__, run.__qualname__ = listener.__name__, listener.__qualname__
    run.__doc__ = listener.__doc__
    return run


def handle_error(error: Exception, body: dict[str, Any], respond: Respond | None = None) -> None:
    what = describe(body)
    if isinstance(error, (StaleAction, Forged)):
        log.warning("%s: stale or forged action: %s", what, error)
        note = STALE
    elif isinstance(error, (OSError, HTTPException)):
        log.error("%s: cannot reach Slack: %s", what, type(error).__name__)
        note = GENERIC
    elif isinstance(error, SlackApiError):
        code = str(error.response.get("error", ""))
        log.error("%s: Slack refused a call: %s", what, code)
        note = SLACK_ERRORS.get(code, GENERIC)
    else:
        log.error("%s: failed", what, exc_info=error)
        note = GENERIC
    if respond is not None and respond.response_url:
        try:
            respond(text=note, response_type="ephemeral", replace_original=False)
        except (OSError, SlackClientError):
            log.warning("%s: could not tell the user about the failure", what, exc_info=True)


def describe(body: dict[str, Any]) -> str:
    """ "event message", "command /smserror", "block_actions share": which request failed."""
    kind = body.get("type") or ("command" if body.get("command") else "request")
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type', '?')}"
    if kind == "command":
        return f"command {body.get('command')}"
    if kind == "block_actions":
        return "block_actions " + ",".join(a.get("action_id", "?") for a in body.get("actions", []))
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id', '?')}"
    if kind in ("message_action", "shortcut"):
        return f"{kind} {body.get('callback_id')}"
    return str(kind)
