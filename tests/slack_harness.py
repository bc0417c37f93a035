"""Run the bot as a user would (`python -m bot serve …`, or `console`, in a subprocess) against
the stand-ins.

The bot logs one line per event it handles ("… ts=<ts> outcome=<word>"); tests wait for that
line instead of sleeping, so "the bot said nothing" is as exact as "the bot said this".
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from slack_standin import BOT_TOKEN, SIGNING_SECRET, SlackWebAPI, ids, payloads, post

T = TypeVar("T")

# Variables a developer's shell or CI might set that must not leak into the bot under test.
_CLEARED = ("SLACK_", "DATABASE_URL", "PORT", "LOG_LEVEL", "LOG_FORMAT", "SMSERROR_")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CLEARED)}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def channel_id() -> str:
    """A fresh channel per test: thread memory, settings and the rate cap never leak across."""
    return ids.TEST_CHANNEL_PREFIX + "".join(
        random.choices(string.ascii_uppercase + string.digits, k=8)
    )


def console(lines: str, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The console on `lines`; its data folder (XDG_DATA_HOME) is tmp_path/data, not ~."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *(args or ("console",))],
        input=lines,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no stray .env
        env=clean_env(**env),
        timeout=60,
    )


REPLIED = {"answered", "no-match", "help"}  # outcomes that write a reply job


class BotProcess:
    """`python -m bot …` with its stdout and stderr collected line by line."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def output(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def wait_for_line(self, needle: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((line for line in self.lines if needle in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    tail = "\n".join(self.lines[-40:])
                    raise AssertionError(f"no log line with {needle!r}; output ends:\n{tail}")
                self._cond.wait(min(left, 0.2))

    def outcome(self, ts: str, timeout: float = 10.0, *, posted: bool = True) -> str:
        """The outcome word the bot logged for the message with this ts."""
        return self.outcomes(ts, 1, timeout, posted=posted)[0]

    def outcomes(
        self, ts: str, count: int, timeout: float = 10.0, *, posted: bool = True
    ) -> list[str]:
        """The first `count` outcomes logged for this ts (one per delivery of the message).

        A reply is posted by a delivery worker after the event is answered: for each outcome
        that wrote a reply, this also waits for its job's delivery line, so a test can look at
        Slack's side right after. `posted=False` skips that wait: with several instances on
        one database, another instance's worker may post it.
        """
        needle = f"ts={ts} outcome="
        delivered = re.compile(
            rf"job reply:\S*:{re.escape(ts)}(?::edit:\S+)? (?:posted|found|refused) attempt="
        )
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = [
                    line.split(needle, 1)[1].split()[0] for line in self.lines if needle in line
                ]
                delivered_count = sum(1 for line in self.lines if delivered.search(line))
            replied = sum(1 for outcome in found[:count] if outcome in REPLIED) if posted else 0
            if len(found) >= count and delivered_count >= replied:
                return found[:count]
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} outcomes for {ts}:\n{self.output}")
            time.sleep(0.02)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        return self.output


class HttpBot(BotProcess):
    """The bot serving HTTP on a free port, with Slack-signed posting."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        super().__init__(
            ["serve", "--http", "--host", "127.0.0.1", "--port", str(self.port)], env, cwd
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.events_url = f"{self.base}/slack/events"
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited ({self.proc.returncode}):\n{self.output}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"/healthz never answered 200:\n{self.output}")

    def get(self, path: str) -> tuple[int, bytes]:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.base + path, timeout=5) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            with e:
                return e.code, e.read()

    def post(self, body: str | dict[str, Any], **kwargs: Any) -> tuple[int, dict, bytes]:
        return post(self.events_url, body, SIGNING_SECRET, **kwargs)

    def event(self, event: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Deliver one Events API event as Slack does; returns the whole event_callback body."""
        body = payloads.event_callback(event)
        status, _, _ = self.post(body, **kwargs)
        assert status == 200
        return body


def http_env(api: SlackWebAPI, db: Path, **extra: str) -> dict[str, str]:
    settings = {
        "SLACK_API_URL": api.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": f"sqlite:///{db}",
        "LOG_LEVEL": "INFO",
    }
    return clean_env(**{**settings, **extra})


@contextmanager
def running_http_bot(tmp: Path, **extra: str) -> Iterator[tuple[SlackWebAPI, HttpBot]]:
    """A Web API stand-in and the bot serving HTTP against it; secrets checked at the end."""
    with SlackWebAPI() as api:
        bot = HttpBot(http_env(api, tmp / "db.sqlite3", **extra), tmp)
        try:
            yield api, bot
        finally:
            output = bot.stop()
        assert_no_secrets(output)


def assert_no_secrets(output: str, *secrets: str) -> None:
    for secret in (BOT_TOKEN, SIGNING_SECRET, *secrets):
        assert secret not in output, "a secret was printed"


# -- reading what the bot sent ----------------------------------------------------------------


def posts(api: SlackWebAPI, channel: str, method: str = "chat.postMessage") -> list[dict]:
    return [c.params for c in api.calls(method) if c.params.get("channel") == channel]


def blocks_text(params: dict) -> str:
    """Everything a person would read in a sent message: fallback text plus blocks."""
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return str(params.get("text", "")) + "\n" + json.dumps(blocks, ensure_ascii=False)


def settings_state(
    *,
    auto_reply: bool = True,
    providers: Sequence[str] = (),
    answer_bots: bool = False,
    support_channel: str | None = None,
    language: str | None = None,
) -> dict:
    """view.state.values of a submitted settings modal, as Slack sends them (a modal opened
    before the Language field existed sends none: `language` None leaves it out)."""

    def radio(on: bool) -> dict:
        value = "on" if on else "off"
        return {
            "type": "radio_buttons",
            "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
        }

    return {
        "auto_reply": {"auto_reply": radio(auto_reply)},
        "providers": {
            "providers": {
                "type": "multi_static_select",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": p}, "value": p} for p in providers
                ],
            }
        },
        "answer_bots": {"answer_bots": radio(answer_bots)},
        "support_channel": {
            "support_channel": {
                "type": "conversations_select",
                "selected_conversation": support_channel,
            }
        },
    } | (
        {
            "language": {
                "language": {
                    "type": "radio_buttons",
                    "selected_option": {
                        "text": {"type": "plain_text", "text": language},
                        "value": language,
                    },
                }
            }
        }
        if language
        else {}
    )


def save_settings(bot: HttpBot, channel: str, **settings: Any) -> bytes:
    """Submit `channel`'s settings modal as Slack would (settings_state); returns the answer,
    empty when the modal may close."""
    body = payloads.view_submission(
        "channel_settings", settings_state(**settings), private_metadata=channel
    )
    status, _, answer = bot.post(body)
    assert status == 200
    return answer


def command(bot: HttpBot, text: str, **kwargs: str) -> dict:
    """Run /smserror; returns the JSON reply Slack would show (an empty dict for none)."""
    status, headers, body = bot.post(payloads.slash_command(text, **kwargs))
    assert status == 200
    if not body:
        return {}
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def wait_until(found: Callable[[], list[T]], count: int = 1, timeout: float = 10.0) -> list[T]:
    """Poll `found()` until it returns at least `count` items; returns them."""
    deadline = time.monotonic() + timeout
    while True:
        items = found()
        if len(items) >= count:
            return items
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} item(s) within {timeout}s, got {items}")
        time.sleep(0.02)


def hook_posts(api: SlackWebAPI, url: str) -> list[dict]:
    """What the bot has sent to one response_url."""
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    return [c.params for c in api.calls("response_url") if c.path == path]


def calls_in(api: SlackWebAPI, method: str, channel: str, count: int = 1) -> list[dict]:
    """Wait for `count` calls of `method` to `channel`; returns their params."""
    return wait_until(lambda: posts(api, channel, method), count)
