"""`smserror detect` as a process: one answer line per input line, as soon as the line is read."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSWER_TIMEOUT = 10  # seconds; generous for a slow CI box, an answer normally takes milliseconds

pytestmark = pytest.mark.slow


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SMSERROR_CATALOG_PATH"}


def detect(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "detect", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env(),
        timeout=60,
    )


def answers(stdin: str, *args: str) -> list[dict]:
    done = detect(stdin.encode(), "--json", *args)
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def codes(answer: dict) -> list[tuple[str, str]]:
    return [(m["provider"], m["code"]) for m in answer["matches"]]


def test_one_json_answer_per_input_line():
    out = answers("Error 30007\nnothing to see here\n\nticket 30007 is open\n30005 and 30006\n")
    assert [codes(a) for a in out] == [
        [("twilio", "30007")],
        [],
        [],
        [],
        [("twilio", "30005"), ("twilio", "30006")],
    ]
    match = out[0]["matches"][0]
    assert set(match) == {"provider", "code", "scope", "title", "aliases", "span", "reason"}
    assert match["span"] == [6, 11] and match["reason"] == "error code after 'Error'"
    assert out[1] == {"matches": []}


def test_a_json_object_line_stands_for_its_text_and_providers():
    callback = "callback:\nMessageStatus=failed\nErrorCode=30003"
    lines = [
        json.dumps({"text": callback}),
        json.dumps({"text": "error 14 again", "providers": ["smspartner"]}),
        json.dumps({"note": "no text field", "code": 30007}),
        '{"text": "Error 30007"',  # not valid JSON: it is just text
    ]
    out = answers("\n".join(lines) + "\n")
    assert codes(out[0]) == [("twilio", "30003")]
    start = callback.index("30003")  # a span points into the message, not the JSON line
    assert out[0]["matches"][0]["span"] == [start, start + 5]
    assert {c for c in codes(out[1])} == {("smspartner", "14")}
    assert codes(out[2]) == [("twilio", "30007")]  # the line itself, read as text
    assert codes(out[3]) == [("twilio", "30007")]


def test_provider_option_is_the_channels_preferred_provider():
    assert codes(answers("error 14\n")[0]) == []
    out = answers("error 14\n", "--provider", "smspartner")
    assert {c for c in codes(out[0])} == {("smspartner", "14")}
    assert "SMSPartner is the channel's provider" in out[0]["matches"][0]["reason"]
    both = answers("error 14\n", "--provider", "twilio", "--provider", "smspartner")
    assert codes(both[0]) == codes(out[0])


def test_unknown_provider_names_the_known_ones():
    done = detect(b"", "--provider", "twillio")
    assert done.returncode == 2
    assert b"unknown provider 'twillio'; use one of:" in done.stderr and b"twilio" in done.stderr


def test_plain_output_is_one_readable_line_per_message():
    done = detect(b"Error 30007\nhello\nsmspartner mail error 14")
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    assert lines[0] == (
        "Twilio 30007 at 6-11: Message filtered as spam by the carrier (error code after 'Error')"
    )
    assert lines[1] == "no error codes"
    assert lines[2].startswith("SMSPartner 14 (mail) at 22-24: Address has unsubscribed")
    assert len(lines) == 3  # the last line had no newline and still got its answer


def test_each_answer_comes_before_the_next_line_is_written():
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "detect", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env(),
    )
    assert proc.stdin and proc.stdout
    try:
        for text, expected in [
            ("Error 30007", [("twilio", "30007")]),
            ("just chatting", []),
            ("telnyx 40300", [("telnyx", "40300")]),
        ]:
            proc.stdin.write(text.encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], ANSWER_TIMEOUT)
            assert ready, f"no answer to {text!r} within {ANSWER_TIMEOUT}s"
            assert codes(json.loads(proc.stdout.readline())) == expected
        proc.stdin.close()
        assert proc.wait(timeout=ANSWER_TIMEOUT) == 0
    finally:
        proc.kill()
        proc.wait()


def test_garbage_and_huge_lines_are_answered_without_crashing():
    garbage = bytes(range(256)) * 40  # NULs, stray continuation bytes, CRs, ten newlines per copy
    huge = b"30007 " + b"x" * 500_000 + b" 30003"
    lines = [garbage.replace(b"\n", b" "), huge, b"\xff\xfe\xfd Error 30007 \xc3", b"{" * 1000]
    done = detect(b"\n".join(lines) + b"\n" + garbage, "--json")
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(lines) + garbage.count(b"\n") + 1
    assert codes(out[1]) == [("twilio", "30007")]  # capped: the code past the cap is not read
    assert codes(out[2]) == [("twilio", "30007")]


def test_empty_input_gives_no_output():
    done = detect(b"", "--json")
    assert (done.returncode, done.stdout) == (0, b"")
