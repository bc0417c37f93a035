"""A local HTTP server that plays Slack's Web API (https://slack.com/api/<method>).

Hand ``SlackWebAPI.url`` to ``slack_sdk.WebClient(base_url=...)``; the code
under test then talks real HTTP to this process, so request encoding, retry
handlers and timeouts are exercised exactly as they would be against Slack.
"""

from __future__ import annotations

import base64
import contextlib
import email.parser
import email.policy
import json
import random
import string
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import ids

JSON = dict[str, Any]
Responder = JSON | Callable[["Call"], JSON]

# Bolt reads bot scopes from this header with a case-sensitive dict lookup on
# "x-oauth-scopes" (Slack answers over HTTP/2, so names arrive lowercase).
DEFAULT_SCOPES = (
    "app_mentions:read,channels:history,channels:read,chat:write,commands,"
    "groups:history,groups:read,im:history,reactions:write,users:read"
)

_ACCEPTED_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "conversations.info": "channels:read,groups:read,mpim:read,im:read",
    "conversations.members": "channels:read,groups:read,mpim:read,im:read",
    "conversations.history": "channels:history,groups:history,mpim:history,im:history",
    "conversations.replies": "channels:history,groups:history,mpim:history,im:history",
    "users.info": "users:read",
    "reactions.add": "reactions:write",
    "reactions.remove": "reactions:write",
    "apps.connections.open": "connections:write",
}


@dataclass
class Call:
    """One request as the stand-in received it.

    ``params`` merges query string, form and JSON body; values keep the type
    they were sent with (a form-encoded ``blocks`` stays a JSON string, a JSON
    body's ``blocks`` stays a list). ``headers`` keys are lowercased.
    ``status``/``response`` are filled in once the answer is sent.
    """

    method: str
    params: JSON
    headers: dict[str, str]
    token: str | None
    http_method: str = "POST"
    path: str = ""
    body: bytes = b""
    at: float = field(default_factory=time.time)
    status: int | None = None
    response: Any = None


@dataclass
class Channel:
    id: str
    name: str
    is_member: bool = True
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False


@dataclass(frozen=True)
class _Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    hang_up: bool = False  # read the request, then close the connection without answering
    acted: bool = True  # with hang_up: Slack acted on the request before the answer was lost


class SlackApiFailure(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _flatten(qs: dict[str, list[str]]) -> JSON:
    # Slack treats a repeated form key as its last value; keep lists only when
    # a test genuinely sent several, so assertions stay simple.
    return {k: v[0] if len(v) == 1 else v for k, v in qs.items()}


def _maybe_json(value: Any) -> Any:
    """Form bodies carry blocks/view/attachments as JSON strings; answers echo them decoded."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _required(params: JSON, *names: str) -> None:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise SlackApiFailure(
            "invalid_arguments",
            response_metadata={
                "messages": [f"[ERROR] missing required field: {n}" for n in missing]
            },
        )


def _parse_multipart(content_type: str, body: bytes) -> JSON:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    out: JSON = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        out[str(name)] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return out


class SlackWebAPI:
    """Slack Web API stand-in on 127.0.0.1 (ephemeral port).

    Channel/user state is plain data on the instance (``channels``, ``users``)
    so a test can shape what ``conversations.info`` & co. report.
    ``chat.*`` accepts any channel unless ``strict_channels`` is set; a known
    channel the bot is not a member of answers ``not_in_channel`` as Slack does.
    """

    def __init__(
        self,
        *,
        socket_url: str | Callable[[], str] | None = None,
        scopes: str = DEFAULT_SCOPES,
        valid_tokens: set[str] | None = None,
        strict_channels: bool = False,
        port: int = 0,
    ) -> None:
        self.requested_port = port  # 0: any free port; a fixed one lets a test restart "Slack"
        self.socket_url = socket_url
        self.scopes = scopes
        self.valid_tokens = valid_tokens
        self.strict_channels = strict_channels
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, JSON] = {}
        self.locales: dict[str, str] = {}  # user id -> Slack locale, for include_locale
        self.messages: dict[str, list[JSON]] = {}  # what the bot posted, per channel
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._overrides: dict[str, Responder] = {}
        self._reactions: set[tuple[str, str, str]] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._install_defaults()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SlackWebAPI:
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.requested_port), _Handler)
        self._server.api = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-web-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        # Wake handlers sleeping in delay() first so shutdown is not held up.
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SlackWebAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackWebAPI is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        # Trailing slash: slack_sdk urljoin()s base_url and method (WebClient
        # appends a missing slash itself, hand-rolled urljoin callers would not).
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def hooks_url(self) -> str:
        """Base for local response_url / webhook URLs (recorded as method ``"response_url"``)."""
        return f"http://127.0.0.1:{self.port}/hooks/"

    def response_url(self, kind: str = "commands") -> str:
        return ids.response_url(kind, base=self.hooks_url)

    # ------------------------------------------------------------------ scripting

    def fail(
        self,
        method: str,
        error: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Queue failures for the next ``times`` calls of ``method``.

        ``fail(m, error="channel_not_found")`` answers HTTP 200 ``ok: false``
        (Slack's normal error style); ``fail(m)`` / ``fail(m, status=429)`` is a
        rate limit with ``Retry-After`` (default 1); ``fail(m, status=503)`` a
        server error. ``retry_after`` must be an int: slack_sdk's handler int()s it.
        """
        if status is None:
            status = 200 if error is not None else 429
        if status == 200 and error is None:
            raise ValueError("an HTTP 200 failure needs an error code")
        if status == 429 and retry_after is None:
            retry_after = 1
        if error is None:
            error = (
                "ratelimited"
                if status == 429
                else "internal_error"
                if status >= 500
                else "invalid_request"
            )
        self._queue(method, _Fault(status=status, error=error, retry_after=retry_after), times)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep ``seconds`` before answering (normally) the next ``times`` calls of ``method``."""
        self._queue(method, _Fault(delay=seconds), times)

    def hang_up(self, method: str, times: int = 1) -> None:
        """Take the next ``times`` calls of ``method``, then close the connection unanswered.

        The caller cannot tell whether Slack acted on the request (it is recorded here as if it
        had been): the case where a retry could post the same message twice.
        """
        self._queue(method, _Fault(hang_up=True), times)

    def drop(self, method: str, times: int = 1) -> None:
        """Like hang_up, but Slack never acted on the request: the connection broke on the way
        in. The caller cannot tell the two apart."""
        self._queue(method, _Fault(hang_up=True, acted=False), times)

    def respond(self, method: str, responder: Responder) -> None:
        """Answer ``method`` with a fixed dict or ``responder(call)``; makes unknown methods known.

        ``ok: true`` is added unless the dict sets ``ok`` itself.
        """
        with self._cond:
            self._overrides[method] = responder

    def set_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_member: bool | None = None,
        members: list[str] | None = None,
        is_private: bool | None = None,
    ) -> Channel:
        with self._cond:
            ch = self.channels.setdefault(
                channel_id, Channel(id=channel_id, name=name or channel_id.lower())
            )
            if name is not None:
                ch.name = name
            if is_member is not None:
                ch.is_member = is_member
            if members is not None:
                ch.members = list(members)
            if is_private is not None:
                ch.is_private = is_private
            return ch

    def set_user(
        self,
        user_id: str,
        name: str,
        *,
        is_bot: bool = False,
        locale: str | None = None,
        **profile: Any,
    ) -> JSON:
        user = _user_object(user_id, name, is_bot=is_bot, **profile)
        with self._cond:
            self.users[user_id] = user
            if locale is not None:
                self.locales[user_id] = locale
        return user

    def _queue(self, method: str, fault: _Fault, times: int) -> None:
        with self._cond:
            self._faults[method].extend([fault] * times)

    def _install_defaults(self) -> None:
        self.set_channel(
            ids.CHANNEL_ID,
            name=ids.CHANNEL_NAME,
            members=[ids.BOT_USER_ID, ids.USER_ID, ids.OTHER_USER_ID],
        )
        self.set_channel(
            ids.OTHER_CHANNEL_ID,
            name=ids.OTHER_CHANNEL_NAME,
            is_member=False,
            members=[ids.USER_ID, ids.OTHER_USER_ID],
        )
        dm = self.set_channel(
            ids.DM_CHANNEL_ID, name=ids.USER_ID, members=[ids.USER_ID, ids.BOT_USER_ID]
        )
        dm.is_im = dm.is_private = True
        self.set_user(ids.USER_ID, ids.USER_NAME, real_name="Alice Example")
        self.set_user(ids.OTHER_USER_ID, ids.OTHER_USER_NAME, real_name="Bob Example")
        self.set_user(ids.BOT_USER_ID, ids.BOT_NAME, is_bot=True, real_name="SMS Error")

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` arrived (failed/delayed ones count too)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matching = [c for c in self._calls if c.method == method]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self._calls]
                    raise AssertionError(
                        f"expected >= {count} call(s) to {method} within {timeout}s, "
                        f"got {len(matching)}; all calls seen: {seen}"
                    )
                self._cond.wait(left)

    def reset(self) -> None:
        """Forget recorded calls, queued faults and reactions (channels, users, respond() stay)."""
        with self._cond:
            self._calls.clear()
            self._faults.clear()
            self._reactions.clear()

    # ------------------------------------------------------------------ request flow

    def _record(self, call: Call) -> _Fault | None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            queue = self._faults.get(call.method)
            return queue.popleft() if queue else None

    def _answer(self, call: Call) -> tuple[int, JSON, dict[str, str]]:
        """Return (status, body, extra headers) for a recorded /api call."""
        fault = self._record(call)
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        if fault is not None and fault.hang_up:
            if fault.acted:  # only the answer is lost: the case that can post twice
                self._act(call)
            return 0, {}, {}
        if fault is not None and fault.error is not None:
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            return fault.status, {"ok": False, "error": fault.error}, headers

        return self._act(call)

    def _act(self, call: Call) -> tuple[int, JSON, dict[str, str]]:
        """What Slack does with a call that got through, whether or not its answer is read."""
        with self._cond:
            override = self._overrides.get(call.method)
        handler = _HANDLERS.get(call.method)
        if override is None and handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": call.method}, {}
        if not call.token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if self.valid_tokens is not None and call.token not in self.valid_tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        # Slack refuses app-level tokens outside apps.connections.* and vice versa.
        is_app_token = call.token.startswith("xapp-")
        if call.method != "auth.test" and is_app_token != call.method.startswith(
            "apps.connections."
        ):
            return 200, {"ok": False, "error": "not_allowed_token_type"}, {}

        try:
            if override is not None:
                body = override(call) if callable(override) else dict(override)
                body.setdefault("ok", True)
            else:
                assert handler is not None
                body = {"ok": True, **handler(self, call.params)}
        except SlackApiFailure as e:
            body = {"ok": False, "error": e.error, **e.extra}
        return 200, body, {}

    def _answer_hook(self, call: Call) -> tuple[int, JSON, dict[str, str]]:
        fault = self._record(call)
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        if fault is not None and fault.error is not None:
            return fault.status, {"ok": False, "error": fault.error}, {}
        return 200, {"ok": True}, {}

    # ------------------------------------------------------------------ Slack methods

    def _channel(self, channel_id: str) -> Channel:
        with self._cond:
            ch = self.channels.get(channel_id)
        if ch is None and channel_id.startswith(ids.TEST_CHANNEL_PREFIX):
            # A channel a test made up (slack_harness.channel_id()): in a real workspace it
            # would exist, with the bot and the two test users in it.
            ch = self.set_channel(
                channel_id, members=[ids.BOT_USER_ID, ids.USER_ID, ids.OTHER_USER_ID]
            )
        if ch is None:
            raise SlackApiFailure("channel_not_found")
        return ch

    def _postable(self, channel_id: str) -> str:
        """Resolve the channel a chat.* call writes to, failing like Slack would."""
        if not channel_id:
            raise SlackApiFailure("channel_not_found")
        if channel_id[0] in "UW":
            # Posting to a user id lands in the bot's DM with that user.
            return "D" + channel_id[1:]
        with self._cond:
            # Slack also accepts "#name"/"name" and answers with the channel id.
            name = channel_id.lstrip("#")
            ch = self.channels.get(channel_id) or next(
                (c for c in self.channels.values() if c.name == name and not c.is_im), None
            )
        if ch is None:
            if self.strict_channels:
                raise SlackApiFailure("channel_not_found")
            return channel_id
        if not ch.is_member and not ch.is_im:
            raise SlackApiFailure("not_in_channel")
        return ch.id

    def _auth_test(self, p: JSON) -> JSON:
        return {
            "url": f"https://{ids.TEAM_DOMAIN}.slack.com/",
            "team": ids.TEAM_NAME,
            "user": ids.BOT_NAME,
            "team_id": ids.TEAM_ID,
            "user_id": ids.BOT_USER_ID,
            "bot_id": ids.BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, p: JSON) -> JSON:
        channel = self._postable(str(p.get("channel", "")))
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackApiFailure("no_text")
        ts = ids.next_ts()
        message = _bot_message(p, ts)
        with self._cond:
            self.messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _history(self, p: JSON) -> JSON:
        """conversations.history: the channel's top-level messages, newest first; metadata
        only with include_all_metadata, as Slack does."""
        _required(p, "channel")
        channel = str(p["channel"])
        oldest = float(p.get("oldest") or 0)
        with self._cond:
            kept = [
                m
                for m in self.messages.get(channel, [])
                if float(m["ts"]) >= oldest and m.get("thread_ts", m["ts"]) == m["ts"]
            ]
        return {"messages": _shown(kept, p), "has_more": False}

    def _replies(self, p: JSON) -> JSON:
        """conversations.replies: a thread's parent and replies, oldest first."""
        _required(p, "channel", "ts")
        channel, ts = str(p["channel"]), str(p["ts"])
        with self._cond:
            kept = [
                m
                for m in self.messages.get(channel, [])
                if m["ts"] == ts or m.get("thread_ts") == ts
            ]
        return {"messages": _shown(list(reversed(kept)), p), "has_more": False}

    def _post_ephemeral(self, p: JSON) -> JSON:
        _required(p, "user")
        self._postable(str(p.get("channel", "")))
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackApiFailure("no_text")
        return {"message_ts": ids.next_ts()}

    def _update(self, p: JSON) -> JSON:
        channel = self._postable(str(p.get("channel", "")))
        if not p.get("ts"):
            raise SlackApiFailure("message_not_found")
        ts = str(p["ts"])
        message = _bot_message(p, ts)
        message.pop("ts")
        message["edited"] = {"user": ids.BOT_USER_ID, "ts": ids.next_ts()}
        return {"channel": channel, "ts": ts, "text": p.get("text", ""), "message": message}

    def _delete(self, p: JSON) -> JSON:
        channel = self._postable(str(p.get("channel", "")))
        if not p.get("ts"):
            raise SlackApiFailure("message_not_found")
        return {"channel": channel, "ts": str(p["ts"])}

    def _get_permalink(self, p: JSON) -> JSON:
        _required(p, "channel", "message_ts")
        channel, ts = str(p["channel"]), str(p["message_ts"])
        link = f"https://{ids.TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _views_open(self, p: JSON) -> JSON:
        if not (p.get("trigger_id") or p.get("interactivity_pointer")):
            _required(p, "trigger_id")
        _required(p, "view")
        return {"view": _view_object(_maybe_json(p["view"]))}

    def _views_push(self, p: JSON) -> JSON:
        return self._views_open(p)

    def _views_update(self, p: JSON) -> JSON:
        if not (p.get("view_id") or p.get("external_id")):
            _required(p, "view_id")
        _required(p, "view")
        view_id = str(p.get("view_id") or ids.slack_id("V"))
        view = _view_object(_maybe_json(p["view"]), view_id=view_id)
        if p.get("external_id"):
            view["external_id"] = p["external_id"]
        return {"view": view}

    def _views_publish(self, p: JSON) -> JSON:
        _required(p, "user_id", "view")
        return {"view": _view_object(_maybe_json(p["view"]), default_type="home")}

    def _conversations_info(self, p: JSON) -> JSON:
        _required(p, "channel")
        ch = self._channel(str(p["channel"]))
        info = _channel_object(ch)
        if str(p.get("include_num_members", "")).lower() in ("1", "true"):
            info["num_members"] = len(ch.members)
        return {"channel": info}

    def _conversations_members(self, p: JSON) -> JSON:
        _required(p, "channel")
        ch = self._channel(str(p["channel"]))
        limit = int(p.get("limit") or 100)
        start = 0
        if p.get("cursor"):
            # Slack cursors are base64 of "user:<first id of next page>".
            wanted = base64.b64decode(str(p["cursor"])).decode().removeprefix("user:")
            start = ch.members.index(wanted) if wanted in ch.members else len(ch.members)
        page = ch.members[start : start + limit]
        rest = ch.members[start + limit :]
        cursor = base64.b64encode(f"user:{rest[0]}".encode()).decode() if rest else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, p: JSON) -> JSON:
        _required(p, "user")
        with self._cond:
            user = self.users.get(str(p["user"]))
            locale = self.locales.get(str(p["user"]), "en-US")
        if user is None:
            raise SlackApiFailure("user_not_found")
        # Slack adds the locale only when asked (include_locale), as a string "fr-FR".
        if str(p.get("include_locale", "")).lower() in ("1", "true"):
            return {"user": {**user, "locale": locale}}
        return {"user": user}

    def _reactions_add(self, p: JSON) -> JSON:
        _required(p, "channel", "timestamp", "name")
        key = (str(p["channel"]), str(p["timestamp"]), str(p["name"]).strip(":"))
        with self._cond:
            if key in self._reactions:
                raise SlackApiFailure("already_reacted")
            self._reactions.add(key)
        return {}

    def _reactions_remove(self, p: JSON) -> JSON:
        _required(p, "name")
        key = (str(p.get("channel", "")), str(p.get("timestamp", "")), str(p["name"]).strip(":"))
        with self._cond:
            if key not in self._reactions:
                raise SlackApiFailure("no_reaction")
            self._reactions.discard(key)
        return {}

    def _apps_connections_open(self, p: JSON) -> JSON:
        url = self.socket_url() if callable(self.socket_url) else self.socket_url
        if not url:
            raise SlackApiFailure("socket_url_not_configured")
        return {"url": url}


_HANDLERS: dict[str, Callable[[SlackWebAPI, JSON], JSON]] = {
    "auth.test": SlackWebAPI._auth_test,
    "chat.postMessage": SlackWebAPI._post_message,
    "chat.postEphemeral": SlackWebAPI._post_ephemeral,
    "chat.update": SlackWebAPI._update,
    "chat.delete": SlackWebAPI._delete,
    "chat.getPermalink": SlackWebAPI._get_permalink,
    "views.open": SlackWebAPI._views_open,
    "views.push": SlackWebAPI._views_push,
    "views.update": SlackWebAPI._views_update,
    "views.publish": SlackWebAPI._views_publish,
    "conversations.info": SlackWebAPI._conversations_info,
    "conversations.members": SlackWebAPI._conversations_members,
    "conversations.history": SlackWebAPI._history,
    "conversations.replies": SlackWebAPI._replies,
    "users.info": SlackWebAPI._users_info,
    "reactions.add": SlackWebAPI._reactions_add,
    "reactions.remove": SlackWebAPI._reactions_remove,
    "apps.connections.open": SlackWebAPI._apps_connections_open,
}


# ---------------------------------------------------------------------- object shapes


def _bot_profile() -> JSON:
    return {
        "id": ids.BOT_ID,
        "deleted": False,
        "name": ids.BOT_NAME,
        "updated": 1700000000,
        "app_id": ids.APP_ID,
        "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
        "team_id": ids.TEAM_ID,
    }


def _shown(messages: list[JSON], p: JSON) -> list[JSON]:
    """Newest first; metadata dropped unless include_all_metadata asks for it."""
    with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
    limit = int(p.get("limit") or 100)
    ordered = sorted(messages, key=lambda m: float(m["ts"]), reverse=True)[:limit]
    if with_metadata:
        return ordered
    return [{k: v for k, v in m.items() if k != "metadata"} for m in ordered]


def _bot_message(p: JSON, ts: str) -> JSON:
    """The ``message`` object Slack echoes for a bot post."""
    message: JSON = {
        "user": ids.BOT_USER_ID,
        "type": "message",
        "ts": ts,
        "bot_id": ids.BOT_ID,
        "app_id": ids.APP_ID,
        "text": p.get("text", ""),
        "team": ids.TEAM_ID,
        "bot_profile": _bot_profile(),
    }
    for key in ("blocks", "attachments", "metadata"):
        if p.get(key):
            message[key] = _maybe_json(p[key])
    if p.get("thread_ts"):
        message["thread_ts"] = str(p["thread_ts"])
    return message


def _view_object(view: Any, *, view_id: str | None = None, default_type: str = "modal") -> JSON:
    if not isinstance(view, dict):
        raise SlackApiFailure("invalid_arguments")
    vid = view_id or ids.slack_id("V")
    suffix = "".join(random.choices(string.ascii_letters + string.digits, k=8))
    return {
        "id": vid,
        "team_id": ids.TEAM_ID,
        "type": view.get("type", default_type),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{suffix}",
        "title": view.get("title"),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": None,
        "root_view_id": vid,
        "app_id": ids.APP_ID,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ids.TEAM_ID,
        "bot_id": ids.BOT_ID,
    }


def _channel_object(ch: Channel) -> JSON:
    created = 1700000000
    if ch.is_im:
        return {
            "id": ch.id,
            "created": created,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": ids.TEAM_ID,
            "updated": created,
            "user": next((m for m in ch.members if m != ids.BOT_USER_ID), ""),
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": ch.id,
        "name": ch.name,
        "is_channel": not ch.is_private,
        "is_group": ch.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": ch.is_private,
        "created": created,
        "is_archived": False,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": ch.name,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "context_team_id": ids.TEAM_ID,
        "updated": created,
        "parent_conversation": None,
        "creator": ids.USER_ID,
        "is_member": ch.is_member,
        "last_read": "0000000000.000000",
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
        "previous_names": [],
    }


def _user_object(user_id: str, name: str, *, is_bot: bool = False, **profile: Any) -> JSON:
    real_name = str(profile.pop("real_name", name))
    return {
        "id": user_id,
        "team_id": ids.TEAM_ID,
        "name": name,
        "deleted": False,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": "Europe/Berlin",
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "profile": {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "team": ids.TEAM_ID,
            "image_72": f"https://avatars.slack-edge.com/{user_id}_72.png",
            **({"bot_id": ids.BOT_ID, "api_app_id": ids.APP_ID} if is_bot else {}),
            **profile,
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1700000000,
    }


# ---------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    # Handler threads may be parked in delay(); don't let them block close.
    daemon_threads = True
    api: SlackWebAPI


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        api = self.server.api
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self.rfile.read(int(headers.get("content-length") or 0))
        params = _flatten(parse_qs(split.query, keep_blank_values=True))
        params.update(self._body_params(headers.get("content-type", ""), body))

        if split.path.startswith("/api/"):
            method = split.path[len("/api/") :]
            auth = headers.get("authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
            token = token or (str(params["token"]) if params.get("token") else None)
            call = Call(method, params, headers, token, self.command, split.path, body)
            status, payload, extra = api._answer(call)
        elif split.path.startswith("/hooks/"):
            call = Call("response_url", params, headers, None, self.command, split.path, body)
            status, payload, extra = api._answer_hook(call)
        else:
            self.send_error(404)
            return
        if status == 0:  # hang_up(): no answer at all
            self.close_connection = True
            return

        call.status, call.response = status, payload
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(raw)))
        self.send_header("x-slack-req-id", "".join(random.choices("0123456789abcdef", k=32)))
        self.send_header("x-oauth-scopes", api.scopes)
        self.send_header("x-accepted-oauth-scopes", _ACCEPTED_SCOPES.get(call.method, ""))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up already (its timeout fired during delay()).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(raw)

    @staticmethod
    def _body_params(content_type: str, body: bytes) -> JSON:
        if not body:
            return {}
        ctype = content_type.split(";")[0].strip().lower()
        if ctype == "application/json":
            decoded = json.loads(body)
            return decoded if isinstance(decoded, dict) else {"_json": decoded}
        if ctype == "multipart/form-data":
            return _parse_multipart(content_type, body)
        return _flatten(parse_qs(body.decode("utf-8"), keep_blank_values=True))
