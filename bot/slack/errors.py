"""The one error handler: each kind of failure gets a log line, and the person is told on the
surface they are on: a modal submission keeps its modal open with the note under a field (the
field the error names, for a FieldError), a click or a command gets a private note saying what
to do next."""

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
from bot.cards.views import FieldError
from bot.slack.payloads import person
from bot.slack.services import KEY as SERVICES
from bot.strings import default, say, speaking

log = logging.getLogger(__name__)

# Slack's refusals a person can do something about, each said in the string table
# (error.slack_<code>); any other is the generic note.
SLACK_ERRORS = (
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "expired_trigger_id",
    "ratelimited",
)


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
        # What this person sees is in their language: ephemerals, modals, notes, errors.
        with speaking(_language_of(args)):
            _run(args)

    def _run(args: Args) -> None:
        try:
            listener(**{name: getattr(args, name) for name in wanted})
        except Exception as error:
            if args.ack.response is None and args.body.get("type") == "view_submission":
                # No response_url comes with a submission: the answer is the modal itself.
                args.ack(response_action="errors", errors=field_errors(error, args.body))
                handle_error(error, args.body)
                return
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
        note = say("error.stale")
    elif isinstance(error, (OSError, HTTPException)):
        log.error("%s: cannot reach Slack: %s", what, type(error).__name__)
        note = say("error.generic")
    elif isinstance(error, SlackApiError):
        code = str(error.response.get("error", ""))
        log.error("%s: Slack refused a call: %s", what, code)
        note = say(f"error.slack_{code}") if code in SLACK_ERRORS else say("error.generic")
    else:
        log.error("%s: failed", what, exc_info=error)
        note = say("error.generic")
    if respond is not None and respond.response_url:
        try:
            respond(text=note, response_type="ephemeral", replace_original=False)
        except (OSError, SlackClientError):
            log.warning("%s: could not tell the user about the failure", what, exc_info=True)


def _language_of(args: Args) -> str:
    shared = args.context.get(SERVICES)
    if shared is None:  # an app built without the services middleware (never in serve)
        return default()
    return shared.locales.language_of(args.client, person(args.body))


def field_errors(error: Exception, body: dict[str, Any]) -> dict[str, str]:
    """What a failed submission's modal shows: a FieldError under its own field, anything else
    (nothing was kept) under the form's first field, so the modal stays open with what was typed."""
    if isinstance(error, FieldError):
        return {error.field: error.says}
    return {first_input(body.get("view") or {}): say("error.not_kept")}


def first_input(view: dict[str, Any]) -> str:
    """The block id of the view's first input: where a whole-form error can be shown."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "notes"


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
