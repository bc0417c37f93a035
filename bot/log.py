"""Logging for the running bot: text for people or JSON lines for log pipelines, secrets masked.

Secrets are wrapped so our own code cannot print them; the filter is for the libraries below
us, whose debug output we do not control. It runs before either format, so both are masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "****"

# Attributes every LogRecord has; anything else on a record came from `extra=` (kind, status...).
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
# uvicorn adds each of its messages again, painted with terminal colours, as `color_message`:
# no field of ours, and escape codes in a JSON log.
_STANDARD.add("color_message")


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


# Characters that make a terminal or a log viewer show something other than what was logged:
# direction overrides (U+202E turns "evil.exe" around), zero-width and C1 controls. JSON
# lines escape C0 controls themselves; the text format also escapes those (TextLines), since a
# newline from a request would forge a log line.
_HIDDEN = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_C0 = re.compile("[\x00-\x1f]")


def _escape(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def printable(text: str) -> str:
    """Control and direction characters as escapes: "a\\x00b", "\\u202e"."""
    return _escape(_C0, _escape(_HIDDEN, text))


class TextLines(logging.Formatter):
    """logging.Formatter whose message part is one line, control characters escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _escape(_C0, record.message)
        return super().formatMessage(record)


class RedactSecrets(logging.Filter):
    """Replace each known secret in a record's text (message, traceback, extra fields) with ****."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # Escaped whatever the secrets: text from a request (a NUL, a newline that forges a
        # log line, U+202E that reverses what follows) is shown, never obeyed by a terminal.
        masked = _escape(_HIDDEN, self._mask(message))
        if masked != message:
            record.msg, record.args = masked, None
        if not self.secrets:
            return True
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        for key, value in extra_fields(record).items():
            # Compared as text: the JSON format writes any value it cannot encode with str().
            text = value if isinstance(value, str) else str(value)
            if (masked := self._mask(text)) != text:
                setattr(record, key, masked)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            line.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(
    level: str, secrets: Iterable[str] = (), stream=None, fmt: str = "text"
) -> None:
    """Send every logger (ours, Bolt's, slack_sdk's, uvicorn's) to one stderr handler.

    fmt is "text" (one readable line per record) or "json" (LOG_FORMAT=json).
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else TextLines(FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("slack_sdk.web.base_client").addFilter(_one_line_per_failure)
    # Start-up chatter that says nothing to an operator: Alembic lists its plugins and each
    # migration context at INFO (the migrations we run are logged as they run, at INFO), and
    # Bolt warns that the token it read from SLACK_BOT_TOKEN goes unused beside our client.
    quiet = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    logging.getLogger("alembic.runtime.plugins").setLevel(quiet)
    logging.getLogger("slack_bolt.App").addFilter(_not_the_unused_token)


def _one_line_per_failure(record: logging.LogRecord) -> bool:
    """Drop slack_sdk's ERROR for each failed attempt: bot.slack.errors logs the failure once,
    after the retries, saying what it means; the retries themselves still log at INFO."""
    return not (
        record.levelno >= logging.ERROR
        and record.getMessage().startswith("Failed to send a request to Slack API server")
    )


def _not_the_unused_token(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("As you gave `client` as well, `token` will be")
