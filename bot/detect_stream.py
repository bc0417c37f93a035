"""`smserror detect`: messages in on standard input, one answer line out for each line read.

Reads whatever is available (os.read), answers every complete line in it, then writes and
flushes once: someone typing gets each answer at once, a piped file gets batched writes. Lines
are capped, so memory stays flat whatever arrives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import BinaryIO

from bot.core.detect import Detector, Match

MAX_CHARS = 40_000  # of one message; the rest of a longer line is ignored
MAX_BYTES = 4 * MAX_CHARS  # UTF-8 needs at most four bytes a character
CHUNK = 1 << 16
NOTHING_JSON = '{"matches": []}\n'
NOTHING_TEXT = "no error codes\n"


class LineReader:
    """Splits incoming bytes into lines, keeping at most MAX_BYTES of any one line."""

    def __init__(self) -> None:
        self._pending = b""
        self._skipping = False  # inside the tail of an over-long line

    def feed(self, chunk: bytes) -> list[bytes]:
        lines = chunk.split(b"\n")
        tail = lines.pop()
        done = []
        for piece in lines:
            if self._skipping:
                done.append(self._pending)
                self._skipping = False
            else:
                done.append(self._pending + piece)
            self._pending = b""
        self._keep(tail)
        return done

    def close(self) -> list[bytes]:
        """The last line, if the input did not end with a newline."""
        last = [self._pending] if self._pending or self._skipping else []
        self._pending, self._skipping = b"", False
        return last

    def _keep(self, tail: bytes) -> None:
        if self._skipping:
            return
        self._pending += tail
        if len(self._pending) > MAX_BYTES:
            self._pending = self._pending[:MAX_BYTES]
            self._skipping = True


def message_of(line: str, default: Sequence[str]) -> tuple[str, Sequence[str]]:
    """A line's message text and channel providers: a JSON object with "text" stands for its
    text (and may carry "providers"); any other line is the text itself."""
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # too deep for json.loads: text, like any non-JSON
            return line, default
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            providers = obj.get("providers")
            if isinstance(providers, list) and all(isinstance(p, str) for p in providers):
                return obj["text"][:MAX_CHARS], providers
            return obj["text"][:MAX_CHARS], default
    return line, default


def json_answer(matches: list[Match]) -> str:
    if not matches:
        return NOTHING_JSON
    return json.dumps({"matches": [m.to_dict() for m in matches]}, ensure_ascii=False) + "\n"


def text_answer(matches: list[Match]) -> str:
    if not matches:
        return NOTHING_TEXT
    parts = [f"{m.entry.label} at {m.span[0]}-{m.span[1]}: {m.title} ({m.reason})" for m in matches]
    return " | ".join(parts) + "\n"


def run(
    source: int,
    sink: BinaryIO,
    detector: Detector,
    *,
    as_json: bool,
    providers: Sequence[str] = (),
) -> None:
    """Answer each line of the file descriptor `source` on `sink`, until end of input."""
    answer: Callable[[list[Match]], str] = json_answer if as_json else text_answer
    reader = LineReader()

    def answers(lines: list[bytes]) -> bytes:
        text = b"\n".join(lines).decode("utf-8", errors="replace")
        out = []
        for line in text.split("\n"):
            message, channel = message_of(line.rstrip("\r")[:MAX_CHARS], providers)
            out.append(answer(detector.detect(message, providers=channel)))
        return "".join(out).encode("utf-8")

    while chunk := os.read(source, CHUNK):
        lines = reader.feed(chunk)
        if lines:
            sink.write(answers(lines))
            sink.flush()
    last = reader.close()
    if last:
        sink.write(answers(last))
        sink.flush()
