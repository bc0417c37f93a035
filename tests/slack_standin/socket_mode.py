"""A local websocket server that plays Slack's Socket Mode endpoint.

It runs its own asyncio loop in a background thread so synchronous tests (and
slack_sdk's thread-based builtin client) can drive it with plain calls.
Point the Web API stand-in's ``socket_url`` at ``SocketModeServer.url`` so
``apps.connections.open`` hands the client this server.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qs

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import ids

JSON = dict[str, Any]
T = TypeVar("T")


def envelope_payload(payload: JSON | str) -> JSON:
    """Turn an HTTP-style body into what Socket Mode carries.

    Over HTTP Slack form-encodes slash commands and wraps interactions in
    ``payload=<json>``; over Socket Mode both arrive as plain JSON objects.
    Accepting either lets one payload factory serve both transports.
    """
    if isinstance(payload, dict):
        return payload
    fields = parse_qs(payload, keep_blank_values=True)
    if set(fields) == {"payload"}:
        decoded: JSON = json.loads(fields["payload"][0])
        return decoded
    return {k: v[-1] for k, v in fields.items()}


class SocketModeServer:
    """Socket Mode stand-in on 127.0.0.1 (ephemeral port).

    Each websocket connection gets Slack's ``hello`` first. Envelopes go to the
    most recent live connection (Slack may use any of an app's connections;
    the newest is the one a reconnecting client is listening on).

    ``ping_interval`` is short on purpose: slack_sdk's builtin client reads
    with a 3 s socket timeout while holding the lock its ``close()`` needs,
    so closing it takes up to 3 s unless a frame (our ping) arrives sooner.
    """

    def __init__(self, *, app_id: str = ids.APP_ID, ping_interval: float | None = 0.5) -> None:
        self.app_id = app_id
        self.ping_interval = ping_interval
        self.acks: list[JSON] = []  # client -> server messages carrying an envelope_id
        self.received: list[Any] = []  # every other client message, decoded where possible
        self.sent: list[JSON] = []  # envelopes / control messages we sent
        self.paths: list[str] = []  # request path of every connection, ticket included
        self.connections_total = 0
        self._ticket = uuid.uuid4().hex
        self._cond = threading.Condition()
        self._live: list[ServerConnection] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._port = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SocketModeServer:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="slack-socket-mode", daemon=True
        )
        self._thread.start()
        self._run(self._open())
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        if self._server is not None:
            self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop.close()
        self._loop = self._thread = self._server = None
        self._port = 0

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Like Slack's ``wss://wss-primary.slack.com/link/?ticket=…&app_id=…``, but plain ws."""
        if not self._port:
            raise RuntimeError("SocketModeServer is not started")
        return f"ws://127.0.0.1:{self._port}/link/?ticket={self._ticket}&app_id={self.app_id}"

    async def _open(self) -> None:
        # close_timeout stays short: slack_sdk's builtin client never answers a
        # close frame, it just drops the TCP connection.
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._check_path,
            ping_interval=self.ping_interval,
            close_timeout=1,
        )
        self._port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
        assert self._loop is not None, "SocketModeServer is not started"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # ------------------------------------------------------------------ connection handling

    @staticmethod
    def _check_path(connection: ServerConnection, request: Request) -> Response | None:
        if not request.path.startswith("/link"):
            return connection.respond(HTTPStatus.NOT_FOUND, "unknown socket mode path\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        with self._cond:
            self._live.append(ws)
            self.paths.append(ws.request.path if ws.request else "")
            live = len(self._live)
        try:
            await ws.send(json.dumps(self._hello(live)))
            with self._cond:
                # Count the connection only once hello is out: that is the
                # moment a Slack client considers itself connected.
                self.connections_total += 1
                self._cond.notify_all()
            async for message in ws:
                self._on_message(message)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if ws in self._live:
                    self._live.remove(ws)
                self._cond.notify_all()

    def _hello(self, num_connections: int) -> JSON:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "applink-standin-1",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _on_message(self, message: str | bytes) -> None:
        try:
            decoded: Any = json.loads(message)
        except ValueError:
            decoded = message
        with self._cond:
            if isinstance(decoded, dict) and "envelope_id" in decoded:
                self.acks.append(decoded)
            else:
                self.received.append(decoded)
            self._cond.notify_all()

    # ------------------------------------------------------------------ test API

    @property
    def connected(self) -> bool:
        with self._cond:
            return bool(self._live)

    def wait_connected(self, timeout: float = 5.0, *, total: int = 1) -> None:
        """Wait until ``total`` connections (ever) got their hello and one is live.

        Use ``total=2`` after ``disconnect()``/``drop()`` to wait for the reconnect.
        """
        self._wait(
            lambda: self.connections_total >= total and bool(self._live),
            timeout,
            f"{total} connection(s)",
        )

    def send_envelope(
        self,
        type_: str,
        payload: JSON | str,
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool = False,
    ) -> str:
        """Send an envelope (``events_api`` / ``slash_commands`` / ``interactive``); return its id.

        ``payload`` may be a dict or an HTTP-style body from the payload factories.
        Slack sets accepts_response_payload true for slash commands and
        view submissions; pass it explicitly to mirror that.
        """
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: JSON = {
            "envelope_id": envelope_id,
            "payload": envelope_payload(payload),
            "type": type_,
            "accepts_response_payload": accepts_response_payload,
        }
        if type_ == "events_api":
            # Only Events API envelopes carry retry info (like the HTTP retry headers).
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self._send(envelope)
        return envelope_id

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message; clients reconnect via apps.connections.open."""
        self._send(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin-1"}}
        )

    def drop(self, code: int = 1001, reason: str = "going away") -> None:
        """Close every live connection from the server side (as when Slack rotates hosts)."""
        with self._cond:
            live = list(self._live)
        for ws in live:
            self._run(ws.close(code, reason))

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> JSON:
        """Return the client's ack ``{"envelope_id": …, "payload"?: …}`` for ``envelope_id``."""

        def find() -> JSON | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        self._wait(lambda: find() is not None, timeout, f"ack for envelope {envelope_id}")
        with self._cond:
            ack = find()
        assert ack is not None
        return ack

    def reset(self) -> None:
        with self._cond:
            self.acks.clear()
            self.received.clear()
            self.sent.clear()

    def _send(self, message: JSON) -> None:
        with self._cond:
            ws = self._live[-1] if self._live else None
        if ws is None:
            raise RuntimeError("no Socket Mode client is connected")
        self._run(ws.send(json.dumps(message)))
        with self._cond:
            self.sent.append(message)

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what}; "
                        f"connections_total={self.connections_total}, live={len(self._live)}, "
                        f"acks={self.acks}, other messages={self.received}"
                    )
                self._cond.wait(left)
