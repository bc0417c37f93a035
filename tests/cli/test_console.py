"""`smserror console` (and `run` without tokens): the real app, driven through stdin."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_harness import console

pytestmark = pytest.mark.slow


def test_a_lookup_and_a_message_with_a_code(tmp_path: Path) -> None:
    done = console("/smserror 21610\nseeing 30007 on every send\n", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "smserror console" in out and "/smserror 21610" in out  # the banner's examples
    card, thread = out.split("smserror replied in the thread:", 1)
    assert "smserror (only you can see this):" in card
    assert "Twilio 21610: Recipient opted out (STOP)" in card
    assert "[1 Share in channel]" in card  # numbered: typing 1 presses it
    assert "Twilio 30007: Message filtered as spam by the carrier" in thread
    assert "How to fix it" in thread


def test_a_mention_is_answered_once_and_chatter_not_at_all(tmp_path: Path) -> None:
    done = console("@smserror what is 30008?\nlunch at noon?\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("smserror replied in the thread:") == 1
    assert "Twilio 30008" in done.stdout
    assert "(no reply: smserror answers messages with error codes)" in done.stdout


def test_settings_shows_the_modal(tmp_path: Path) -> None:
    done = console("/smserror settings\n", tmp_path)
    assert "smserror opened a window:" in done.stdout
    assert "Channel settings" in done.stdout and "[Save] [Cancel]" in done.stdout


def test_end_of_input_exits_0(tmp_path: Path) -> None:
    done = console("", tmp_path)
    assert done.returncode == 0
    assert done.stderr == ""


def test_run_without_tokens_starts_the_console(tmp_path: Path) -> None:
    done = console("/smserror help\n", tmp_path, "run")
    assert done.returncode == 0, done.stderr
    assert "smserror console" in done.stdout
    assert "smserror: SMS and MMS errors, explained" in done.stdout


def test_the_console_keeps_to_a_database_it_is_given(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    first = console("seeing 30007 on every send\n", tmp_path, DATABASE_URL=f"sqlite:///{db}")
    assert first.returncode == 0 and db.exists()


EXAMPLES = "".join(
    f"SM0123456789abcdef0123456789abcde{n}\n2026-12-01 10:0{n}\n+1415555012{n}\n" for n in range(3)
)


def test_escalate_fill_in_the_window_then_acknowledge_from_the_support_post(
    tmp_path: Path,
) -> None:
    # /smserror 30007 shows its card; 1 presses Escalate; the window asks for three examples
    # and notes; the support post comes with [1 Acknowledge] [2 Resolve]; 1 acknowledges it.
    done = console(f"/smserror 30007\n1\n{EXAMPLES}tried twice\n1\n", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1 Escalate to support]" in out
    window, after = out.split("(Escalate to support sent and closed)", 1)
    assert "smserror opened a window:" in window and "Example 3: recipient number" in window
    post, acknowledged = after.split("smserror updated its message:", 1)
    assert "ESC-1 · Twilio 30007" in post and "[1 Acknowledge] [2 Resolve]" in post
    assert "SM0123456789abcdef0123456789abcde2" in post and "tried twice" in post
    assert "Escalated to support as *ESC-1*" in post  # the requester's receipt
    assert "*Status:* Acknowledged by" in acknowledged and "[1 Resolve]" in acknowledged
    assert "*ESC-1* was acknowledged by" in acknowledged  # the note to the requester


def test_the_window_says_what_is_wrong_under_its_field_and_asks_again(tmp_path: Path) -> None:
    first = EXAMPLES.replace("+14155550120", "+1555")  # not a number: asked for again
    done = console(f"/smserror 30007\n1\n{first}\n+14155550120\n", tmp_path)
    out = done.stdout
    assert "! “+1555” is not a phone number" in out  # under its field, as the modal shows it
    assert out.count("\n  Example 1: recipient number (optional):") == 2  # asked twice
    assert "(Escalate to support sent and closed)" in out and "ESC-1" in out


def test_cancel_closes_the_window_and_sends_nothing(tmp_path: Path) -> None:
    done = console("/smserror 30007\n1\ncancel\n", tmp_path)
    assert "(Escalate to support closed, nothing sent)" in done.stdout
    assert "ESC-1" not in done.stdout


def test_settings_filled_in_at_the_prompt_and_the_hint_says_why_nothing_came(
    tmp_path: Path,
) -> None:
    # Auto-reply off (2), the rest left as it is; then a message with a code gets no reply,
    # and the console says it is the setting, not a missing code.
    done = console("/smserror settings\n2\n\n\n\n\nseeing 30007 on every send\n", tmp_path)
    out = done.stdout
    assert "(Channel settings sent and closed)" in out
    assert "(no reply: auto-reply is off in #console" in out
    assert "smserror replied in the thread:" not in out


def test_a_reply_held_back_by_the_cap_is_not_called_a_message_without_codes(
    tmp_path: Path,
) -> None:
    done = console(
        "seeing 30007 on every send\nnow 30008 as well\n",
        tmp_path,
        SMSERROR_REPLIES_PER_MINUTE="1",
    )
    out = done.stdout
    assert out.count("smserror replied in the thread:") == 1
    assert "(no reply: this channel's reply cap held it back" in out
    assert "(no reply: smserror answers messages with error codes)" not in out


ESCALATE = f"/smserror 30007\n1\n{EXAMPLES}\n"


def test_the_console_keeps_what_was_tried_in_the_data_folder(tmp_path: Path) -> None:
    first = console(ESCALATE, tmp_path)
    assert "kept in " + str(tmp_path / "data" / "smserror") in first.stdout
    assert "ESC-1 ·" in first.stdout
    again = console(ESCALATE, tmp_path)
    assert "ESC-2 ·" in again.stdout  # the first one is still there
    assert (tmp_path / "data" / "smserror" / "smserror.sqlite3").exists()


def test_temp_keeps_nothing(tmp_path: Path) -> None:
    for _ in range(2):
        done = console(ESCALATE, tmp_path, "console", "--temp")
        assert "Nothing you try here is kept (--temp)." in done.stdout
        assert "ESC-1 ·" in done.stdout
    assert not (tmp_path / "data").exists()


def test_the_consoles_own_ids_read_as_names(tmp_path: Path) -> None:
    done = console(ESCALATE, tmp_path, "console", "--temp")
    assert "*Requested by* @you in #console" in done.stdout
    assert "U0YOU0001" not in done.stdout and "C0CONSOLE" not in done.stdout
