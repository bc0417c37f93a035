"""`smserror console`: the real Bolt app and listeners, with the terminal standing in for Slack.

Each typed line becomes the request Slack would send (a message in #console, a /smserror
command, an @smserror mention, the click on a numbered button) and goes through
app.dispatch(); whatever the listeners send back through the Web API, or through respond(), is
printed instead of posted, buttons numbered. A window (a modal) that opens is filled in field by
field at the prompt and submitted as Slack submits it, so Escalate, Details, Share, Settings and
Acknowledge can all be tried without a workspace. Request verification is off for this
in-process path only: nothing here arrives over a network.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.cards.message import Message
from bot.cards.render import render_message, render_view
from bot.config import Config
from bot.core.delivery import Deliveries
from bot.log import configure_logging
from bot.slack.app import build_app, build_services
from bot.slack.listeners.commands import COMMAND
from bot.slack.poster import SlackPoster
from bot.store import Store, StoreError
from bot.strings import say

TEAM = "T0CONSOLE"
CHANNEL = "C0CONSOLE"  # shown as #console
USER = "U0YOU0001"
BOT_USER = "U0SMSERR1"
BOT_ID = "B0SMSERR1"
APP_ID = "A0CONSOLE"
MENTION = "@smserror"
MAX_ROUNDS = 10  # outbox rounds per line: a reply, then what follows it (a receipt)
RESPOND_URL = "console://respond"  # respond() prints; Bolt only needs there to be one
MAX_TRIES = 5  # rounds of filling a window in before it is given up

# Why nothing came back, from the decision the outbox made for the line: each outcome's
# sentence is console.no_reply_<outcome> in the string table.
NO_REPLY = (
    "no-codes",
    "rate-limited",
    "already-explained",
    "auto-reply-off",
    "bot-skipped",
    "duplicate",
)


def indent(text: str, width: int, prefix: str = "  │ ") -> str:
    """Each line behind a bar, wrapped to the terminal so long lines keep the bar too."""
    room = max(20, width - len(prefix))
    lines = [part for line in text.splitlines() for part in textwrap.wrap(line, room) or [""]]
    return "\n".join(prefix + line if line else prefix.rstrip() for line in lines)


@dataclass(frozen=True)
class Pressable:
    """A button shown, and where it sits: what Slack's click on it would carry."""

    button: dict[str, Any]
    container: dict[str, Any]
    message: dict[str, Any] | None = None  # the message it is on
    view: dict[str, Any] | None = None  # or the window it is in


class ConsoleClient(WebClient):
    """A WebClient that prints what the bot would post and answers like Slack would."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(token="xoxb-console", base_url="http://console.invalid/api/")
        self.out = out
        self.shown = 0  # how many things were printed; the console says so when a line got none
        self.buttons: list[Pressable] = []  # numbered as shown since the last line typed
        self.open_view: dict[str, Any] | None = None  # a window waiting to be filled in
        self._last = 0

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
        """A message ts as Slack writes them, rising, and not one an earlier run used (its
        database keeps the messages it answered)."""
        self._last = max(self._last + 1, time.time_ns() // 1000)  # microseconds
        return f"{self._last // 1_000_000}.{self._last % 1_000_000:06d}"

    def show(self, title: str, text: str) -> None:
        self.shown += 1
        width = shutil.get_terminal_size((100, 24)).columns
        shown = indent(named(text), width)
        if self.out.isatty():  # a transcript or a pipe keeps Slack's own marks
            shown = on_terminal(shown)
        self.out.write(f"{title}\n{shown}\n\n")
        self.out.flush()

    def show_message(
        self, title: str, message: Message, ts: str, *, thread_ts: Any = None, private: bool
    ) -> None:
        """A message, its buttons numbered after those already shown for this line."""
        thread = {"thread_ts": thread_ts} if thread_ts else {}
        container = {
            "type": "message",
            "message_ts": ts,
            "channel_id": CHANNEL,
            "is_ephemeral": private,
            **thread,
        }
        on = {"type": "message", "user": BOT_USER, "ts": ts, "text": message.text, **thread}
        on["blocks"] = list(message.blocks)
        press = [p.button for p in self.buttons]
        text = render_message(message, press)
        self._keep_pressable(press, lambda b: Pressable(b, container, message=on))
        self.show(title, text)

    def show_private(self, message: Message, *, thread_ts: Any = None) -> str:
        """A message only the person sees (an ephemeral); returns its ts."""
        ts = self.next_ts()
        self.show_message(say("console.private"), message, ts, thread_ts=thread_ts, private=True)
        return ts

    def show_view(self, title: str, view: dict[str, Any]) -> None:
        container = {"type": "view", "view_id": view["id"]}
        press = [p.button for p in self.buttons]
        text = render_view(view, press)
        self._keep_pressable(press, lambda b: Pressable(b, container, view=view))
        self.show(title, text)

    def _keep_pressable(
        self, press: list[dict[str, Any]], where: Callable[[dict[str, Any]], Pressable]
    ) -> None:
        """The buttons rendering added to `press` (numbered on from this line's), kept with
        where they sit so their numbers can be pressed."""
        self.buttons += [where(b) for b in press[len(self.buttons) :]]

    # Web API methods the listeners call, answered as Slack would.

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "user": "smserror"}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        thread, ts = args.get("thread_ts"), self.next_ts()
        title = say("console.replied_in_thread") if thread else say("console.posted")
        self.show_message(title, _message(args), ts, thread_ts=thread, private=False)
        return {"channel": args.get("channel"), "ts": ts}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self.show_private(_message(args), thread_ts=args.get("thread_ts"))}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("ts"))
        self.show_message(say("console.updated_message"), _message(args), ts, private=False)
        return {"channel": args.get("channel"), "ts": ts}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        # Unique across runs too: a submit is kept once per view id, and the database may be
        # last run's.
        view = {**_decoded(args.get("view")), "id": f"V0{secrets.token_hex(5).upper()}"}
        self.show_view(say("console.opened_window"), view)
        if any(block.get("type") == "input" for block in view.get("blocks", [])):
            self.open_view = view
        return {"view": view}

    _views_push = _views_open

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = {**_decoded(args.get("view")), "id": "V0CONSOLEHOME"}
        self.show_view(say("console.updated_home"), view)
        return {"view": view}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"members": [USER, BOT_USER], "response_metadata": {"next_cursor": ""}}

    def _other(self, args: dict[str, Any]) -> dict[str, Any]:
        return {}


class ConsoleRespond(Respond):
    """respond() for the console: what would go to the response_url is printed."""

    def __init__(self, client: ConsoleClient) -> None:
        super().__init__(response_url=RESPOND_URL)
        self.client = client

    def __call__(  # type: ignore[override]
        self,
        text: str | dict = "",
        blocks: Any = None,
        response_type: str | None = None,
        delete_original: bool | None = None,
        thread_ts: str | None = None,
        **_: Any,
    ) -> None:
        if delete_original:
            self.client.show(say("console.removed_private"), "")
            return
        message = Message(str(text or ""), tuple(_decoded(blocks) or ()))
        if response_type == "in_channel":
            ts = self.client.next_ts()
            self.client.show_message(
                say("console.posted"), message, ts, thread_ts=thread_ts, private=False
            )
        else:
            self.client.show_private(message, thread_ts=thread_ts)


def _shown(url: str) -> str:
    """A database URL as the banner shows it: a SQLite file as its path, no password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


# The console's own ids, as a person reads them (in Slack they would be names).
_NAMES = {f"@{USER}": "@you", f"@{BOT_USER}": "@smserror", f"#{CHANNEL}": "#console"}


_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")


def on_terminal(text: str) -> str:
    """Slack's *bold* and `code` as a terminal shows them (ANSI bold; code in cyan)."""
    text = _CODE.sub("\x1b[36m\\1\x1b[0m", text)
    return _BOLD.sub("\x1b[1m\\1\x1b[0m", text)


def named(text: str) -> str:
    for raw, name in _NAMES.items():
        text = text.replace(raw, name)
    return text


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _message(args: dict[str, Any]) -> Message:
    return Message(str(args.get("text") or ""), tuple(_decoded(args.get("blocks")) or ()))


class Console:
    """Turns typed lines into Slack requests for one Bolt app."""

    def __init__(
        self,
        app: App,
        client: ConsoleClient,
        store: Store,
        deliveries: Deliveries,
        ask: Callable[[str], str | None],
    ) -> None:
        self.app = app
        self.client = client
        self.store = store
        self.deliveries = deliveries
        self.poster = SlackPoster(client)
        self.ask = ask  # a prompt's answer; None once the input has ended

    def handle(self, line: str) -> None:
        before = self.client.shown
        pressed = self._pressable(line)
        self.client.buttons = []  # what this line shows is numbered afresh
        if pressed is not None:
            self._press(pressed)
        elif line.startswith("/"):
            self._command(line)
        elif line.casefold().startswith(MENTION):
            self._mention(line[len(MENTION) :].strip())
        else:
            self._message(line)
        outcomes = self._deliver()
        while self.client.open_view is not None:
            view, self.client.open_view = self.client.open_view, None
            self._fill(view)
            outcomes += self._deliver()
        if self.client.shown == before and pressed is None and not line.startswith("/"):
            why = next((o for o in outcomes if o in NO_REPLY), "no-codes")
            self.client.out.write(f"  ({say('console.no_reply_' + why.replace('-', '_'))})\n\n")
            self.client.out.flush()

    def _pressable(self, line: str) -> Pressable | None:
        """The button a line names by its number, when one with that number is shown."""
        if line.isdigit() and 1 <= int(line) <= len(self.client.buttons):
            return self.client.buttons[int(line) - 1]
        return None

    # -- what a person does, as the requests Slack sends ----------------------------------------

    def _command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command != COMMAND:
            self.client.out.write(f"  ({say('console.only_command', command=COMMAND)})\n\n")
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
                "response_url": RESPOND_URL,
                "trigger_id": self._trigger(),
            }
        )
        response = self._dispatch(body, "application/x-www-form-urlencoded")
        if response.body:
            self.client.show_private(_message(json.loads(response.body)))

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

    def _press(self, pressed: Pressable) -> None:
        """The block_actions payload Slack sends for a click on that button."""
        button = pressed.button
        action = {
            "action_id": button.get("action_id"),
            "block_id": "console",
            "type": "button",
            "value": button.get("value"),
            "text": button.get("text"),
            "action_ts": f"{time.time():.6f}",
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": USER, "username": "you", "name": "you", "team_id": TEAM},
            "api_app_id": APP_ID,
            "container": pressed.container,
            "trigger_id": self._trigger(),
            "team": {"id": TEAM, "domain": "console"},
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if pressed.message is not None:
            payload.update(
                channel={"id": CHANNEL, "name": "console"},
                message=pressed.message,
                response_url=RESPOND_URL,
            )
        if pressed.view is not None:
            payload["view"] = pressed.view
        self._dispatch(urlencode({"payload": json.dumps(payload)}), FORM)

    def _fill(self, view: dict[str, Any]) -> None:
        """Ask for the window's fields one by one, submit it, and ask again for those the bot
        says are wrong, as the modal would show them."""
        title = (view.get("title") or {}).get("text", say("console.the_window"))
        values: dict[str, Any] = {}
        wrong: dict[str, str] = {}
        for _ in range(MAX_TRIES):
            for block in view.get("blocks", []):
                field = block.get("block_id")
                if block.get("type") != "input" or (wrong and field not in wrong):
                    continue
                if field in wrong:
                    self.client.out.write(f"  ! {wrong[field]}\n")
                answer = fill_in(block, self.ask, self.client.out)
                if answer is None:  # "cancel", or the input ended
                    self.client.out.write(f"  ({say('console.window_cancelled', title=title)})\n\n")
                    return
                action = (block.get("element") or {}).get("action_id", field)
                values[field] = {action: answer}  # state.values[block_id][action_id]
            reply = self._submit(view, values)
            if reply.get("response_action") == "errors":
                wrong = {k: str(v) for k, v in (reply.get("errors") or {}).items()}
                continue
            if reply.get("response_action") in ("update", "push"):
                updated = {**reply["view"], "id": view["id"]}
                self.client.show_view(say("console.changed_window"), updated)
                if any(b.get("type") == "input" for b in updated.get("blocks", [])):
                    view, values, wrong = updated, {}, {}
                    continue
            self.client.out.write(f"  ({say('console.window_sent', title=title)})\n\n")
            return
        self.client.out.write(
            f"  ({say('console.window_given_up', title=title, tries=MAX_TRIES)})\n\n"
        )

    def _submit(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "console"},
            "user": {"id": USER, "username": "you", "name": "you", "team_id": TEAM},
            "api_app_id": APP_ID,
            "trigger_id": self._trigger(),
            "view": {**view, "state": {"values": values}},
        }
        response = self._dispatch(urlencode({"payload": json.dumps(payload)}), FORM)
        return json.loads(response.body) if response.body else {}

    def _trigger(self) -> str:
        return f"console.{self.client.next_ts()}"

    # -- the bot's side ---------------------------------------------------------------------

    def _deliver(self) -> list[str]:
        """Post what the line made the bot decide, before the next prompt: the outbox the
        workers empty when serving, emptied here in the foreground. Returns each job's outcome
        (a decision such as "rate-limited", or "posted")."""
        outcomes: list[str] = []
        for _ in range(MAX_ROUNDS):
            jobs = self.store.take_jobs(lease=self.deliveries.lease, limit=20)
            if not jobs:
                break
            outcomes += [self.deliveries.deliver(job, self.poster) for job in jobs]
        return outcomes

    def _dispatch(self, body: str, content_type: str) -> BoltResponse:
        response = self.app.dispatch(BoltRequest(body=body, headers={"content-type": content_type}))
        if response.status != 200:
            self.client.out.write(f"  ({say('console.failed', status=response.status)})\n\n")
        return response


FORM = "application/x-www-form-urlencoded"
CANCEL = "cancel"


def fill_in(
    block: dict[str, Any], ask: Callable[[str], str | None], out: TextIO
) -> dict[str, Any] | None:
    """One input block's state value, as Slack sends it, from what is typed at its prompt;
    None for "cancel" or the end of the input. Enter keeps what the field holds."""
    element = block.get("element") or {}
    kind = element.get("type")
    label = (block.get("label") or {}).get("text", "")
    optional = f" {say('console.optional')}" if block.get("optional") else ""
    state: dict[str, Any] = {"type": kind}
    if kind in ("radio_buttons", "multi_static_select"):
        options = element.get("options") or []
        for n, option in enumerate(options, 1):
            out.write(f"    {n}. {(option.get('text') or {}).get('text', '')}\n")
        many = kind == "multi_static_select"
        how = say("console.pick_many") if many else f"1-{len(options)}"
        typed = ask(f"  {label}{optional} [{how}]: ")
        if typed is None or typed.strip().casefold() == CANCEL:
            return None
        picked = [
            options[int(n) - 1]
            for n in typed.replace(",", " ").split()
            if n.isdigit() and 1 <= int(n) <= len(options)
        ]
        if many:
            state["selected_options"] = (
                picked if typed.strip() else element.get("initial_options", [])
            )
        else:
            state["selected_option"] = picked[0] if picked else element.get("initial_option")
        return state
    hint = {
        "datetimepicker": f" ({say('console.date_format')})",
        "conversations_select": f" ({say('console.channel_format')})",
    }.get(kind, "")
    typed = ask(f"  {label}{optional}{hint}: ")
    if typed is None or typed.strip().casefold() == CANCEL:
        return None
    typed = typed.strip()
    if kind == "datetimepicker":
        state["selected_date_time"] = _when(typed)
    elif kind == "conversations_select":
        chosen = CHANNEL if typed.lstrip("#") == "console" else typed or None
        state["selected_conversation"] = chosen or element.get("initial_conversation")
    else:
        state["value"] = typed or element.get("initial_value") or None
    return state


def _when(typed: str) -> int | None:
    """Unix seconds of a date and time typed in UTC; None when empty or not read."""
    try:
        moment = datetime.strptime(typed, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return int(moment.timestamp())


def run_console(
    config: Config, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, *, temp: bool = False
) -> int:
    configure_logging(config.log_level or "WARNING", config.secrets(), fmt=config.log_format)
    # The same database `serve` would use (DATABASE_URL, else the data folder), so what was
    # tried is still there next time; --temp keeps nothing.
    url = "sqlite://" if temp else config.database
    try:
        store = Store.open(url, create_folder=config.database_url is None)
    except StoreError as error:
        print(f"smserror: {error}", file=sys.stderr)
        return 2
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

    respond = ConsoleRespond(client)

    @app.middleware
    def _print_instead(context: BoltContext, next: Callable[[], None]) -> None:
        # Bolt gives each request a fresh WebClient built from app.client's settings, and a
        # respond() that posts to the response_url; the listeners must get these, which print.
        context["client"] = client
        context["respond"] = respond
        next()

    interactive = stdin.isatty()

    def ask(prompt: str) -> str | None:
        if interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        stdout.write(prompt)
        line = stdin.readline()
        stdout.write(line if line.endswith("\n") else line + "\n")  # a transcript reads whole
        return line.rstrip("\n") if line else None

    console = Console(app, client, store, shared.deliveries, ask)
    stdout.write(say("console.banner"))
    kept = say("console.kept_nothing") if temp else say("console.kept_in", where=_shown(url))
    stdout.write(f"{kept}\n\n")
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
