"""`smserror console`: the real Bolt app and listeners, with the terminal standing in for Slack.

Each typed line becomes the request Slack would send (a message in #console, a /smserror
command, an @smserror mention) and goes through app.dispatch(); whatever the listeners send
back through the Web API is printed instead of posted. Request verification is off for this
in-process path only: nothing here arrives over a network.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.cards.message import Message
from bot.cards.render import message_text, view_text
from bot.config import Config
from bot.delivery import Deliveries
from bot.log import configure_logging
from bot.slack.app import build_app, build_services
from bot.slack.listeners.commands import COMMAND
from bot.slack.poster import SlackPoster
from bot.store import Store

TEAM = "T0CONSOLE"
CHANNEL = "C0CONSOLE"  # shown as #console
USER = "U0YOU0001"
BOT_USER = "U0SMSERR1"
BOT_ID = "B0SMSERR1"
APP_ID = "A0CONSOLE"
MENTION = "@smserror"
MAX_ROUNDS = 10  # outbox rounds per line: a reply, then what follows it (a receipt)

BANNER = """\
smserror console: the Slack bot in your terminal (nothing is sent to Slack).
You are posting in #console. Try:
  seeing 30007 on every send   a message: smserror answers error codes in a thread
  /smserror 21610              look a code up (an answer only you would see)
  /smserror opted out          look up by words
  @smserror what is 30008?     ask the bot directly
  /smserror help               everything it can do
Ctrl-D quits.
"""


def indent(text: str, width: int, prefix: str = "  │ ") -> str:
    """Each line behind a bar, wrapped to the terminal so long lines keep the bar too."""
    room = max(20, width - len(prefix))
    lines = [part for line in text.splitlines() for part in textwrap.wrap(line, room) or [""]]
    return "\n".join(prefix + line if line else prefix.rstrip() for line in lines)


class ConsoleClient(WebClient):
    """A WebClient that prints what the bot would post and answers like Slack would."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(token="xoxb-console", base_url="http://console.invalid/api/")
        self.out = out
        self.shown = 0  # how many things were printed; the console says so when a line got none
        self._ts = itertools.count(1)

    def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict | None = None,
        data: dict | None = None,
        params: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
        auth: dict | None = None,
    ) -> SlackResponse:
        args = {**(params or {}), **(data or {}), **(json or {})}
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(
            self, "_" + api_method.replace(".", "_"), self._other
        )
        body = {"ok": True, **handler(args)}
        return SlackResponse(
            client=self,
            http_verb=http_verb,
            api_url=self.base_url + api_method,
            req_args={},
            data=body,
            headers={},
            status_code=200,
        ).validate()

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def show(self, title: str, text: str) -> None:
        self.shown += 1
        width = shutil.get_terminal_size((100, 24)).columns
        self.out.write(f"{title}\n{indent(text, width)}\n\n")
        self.out.flush()

    # Web API methods the listeners call, answered as Slack would.

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "user": "smserror"}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        where = "replied in the thread" if args.get("thread_ts") else "posted in #console"
        self.show(f"smserror {where}:", message_text(_message(args)))
        return {"channel": args.get("channel"), "ts": self.next_ts()}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self.show("smserror (only you can see this):", message_text(_message(args)))
        return {"message_ts": self.next_ts()}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _decoded(args.get("view"))
        self.show("smserror opened a window:", view_text(view))
        return {"view": {**view, "id": "V0CONSOLE"}}

    _views_push = _views_open

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _decoded(args.get("view"))
        self.show("smserror updated its App Home tab:", view_text(view))
        return {"view": {**view, "id": "V0CONSOLEHOME"}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"members": [USER, BOT_USER], "response_metadata": {"next_cursor": ""}}

    def _other(self, args: dict[str, Any]) -> dict[str, Any]:
        return {}


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _message(args: dict[str, Any]) -> Message:
    return Message(str(args.get("text") or ""), tuple(_decoded(args.get("blocks")) or ()))


class Console:
    """Turns typed lines into Slack requests for one Bolt app."""

    def __init__(self, app: App, client: ConsoleClient, deliveries: Deliveries) -> None:
        self.app = app
        self.client = client
        self.deliveries = deliveries
        self.poster = SlackPoster(client)

    def handle(self, line: str) -> None:
        before = self.client.shown
        if line.startswith("/"):
            self._command(line)
        elif line.casefold().startswith(MENTION):
            self._mention(line[len(MENTION) :].strip())
        else:
            self._message(line)
        self._deliver()
        if self.client.shown == before and not line.startswith("/"):
            self.client.out.write("  (no reply: smserror answers messages with error codes)\n\n")
            self.client.out.flush()

    def _command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command != COMMAND:
            self.client.out.write(f"  (only {COMMAND} exists here)\n\n")
            return
        body = urlencode(
            {
                "command": command,
                "text": text.strip(),
                "team_id": TEAM,
                "channel_id": CHANNEL,
                "channel_name": "console",
                "user_id": USER,
                "user_name": "you",
                "api_app_id": APP_ID,
                "trigger_id": f"console.{self.client.next_ts()}",
            }
        )
        response = self._dispatch(body, "application/x-www-form-urlencoded")
        if response.body:
            reply = json.loads(response.body)
            self.client.show("smserror (only you can see this):", message_text(_message(reply)))

    def _mention(self, question: str) -> None:
        # Slack sends a mention twice, as app_mention and as a message; the bot answers once.
        text = f"<@{BOT_USER}> {question}".strip()
        ts = self.client.next_ts()
        self._event({"type": "app_mention", "text": text, "user": USER, "ts": ts})
        self._event({"type": "message", "text": text, "user": USER, "ts": ts})

    def _message(self, text: str) -> None:
        self._event({"type": "message", "text": text, "user": USER, "ts": self.client.next_ts()})

    def _event(self, event: dict[str, Any]) -> None:
        event = {**event, "channel": CHANNEL, "channel_type": "channel", "event_ts": event["ts"]}
        body = {
            "type": "event_callback",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "event": event,
            "event_id": f"Ev{event['ts'].replace('.', '')}{event['type'][:3]}",
            "event_time": int(time.time()),
        }
        self._dispatch(json.dumps(body), "application/json")

    def _deliver(self) -> None:
        """Post what the line made the bot decide, before the next prompt: the outbox the
        workers empty when serving, emptied here in the foreground."""
        for _ in range(MAX_ROUNDS):
            if not self.deliveries.deliver_due(self.poster, limit=20):
                break

    def _dispatch(self, body: str, content_type: str) -> BoltResponse:
        response = self.app.dispatch(BoltRequest(body=body, headers={"content-type": content_type}))
        if response.status != 200:
            self.client.out.write(f"  (smserror failed: HTTP {response.status}; see the log)\n\n")
        return response


def run_console(config: Config, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    configure_logging(config.log_level or "WARNING", config.secrets(), fmt=config.log_format)
    # A throwaway in-memory database unless DATABASE_URL says otherwise.
    store = Store.open(config.database_url or "sqlite://")
    client = ConsoleClient(stdout)
    # process_before_response: dispatch returns once the listener is done, so replies print
    # right after the line that caused them, before the next prompt.
    shared = build_services(store, config)
    app = build_app(
        client=client,
        store=store,
        services=shared,
        process_before_response=True,
    )

    @app.middleware
    def _print_instead(context: BoltContext, next: Callable[[], None]) -> None:
        # Bolt gives each request a fresh WebClient built from app.client's settings; the
        # listeners must get this one, which prints instead of calling Slack.
        context["client"] = client
        next()

    console = Console(app, client, shared.deliveries)
    stdout.write(BANNER + "\n")
    interactive = stdin.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())
    try:
        while True:
            try:
                line = input("you> ") if interactive else stdin.readline()
            except EOFError:
                line = ""
            if not line:  # EOF (Ctrl-D)
                break
            if line.strip():
                console.handle(line.strip())
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    if interactive:
        stdout.write("\n")
    return 0
