"""What people see in Slack, pinned: each card and view is compared with tests/golden/NAME.json.

A change in what users see shows up as a diff in review. When the change is intended, rewrite
the files and read the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cards_golden.py

Files are JSON, pretty-printed with sorted keys and a trailing newline. Messages are stored as
{"text": fallback, "blocks": [...]}, views as the view dict. The cards come from the built-in
catalog only, so operator files (SMSERROR_CATALOG_PATH) never change them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cards.blocks import (
    entry_card,
    explain_modal,
    help_message,
    home_view,
    lookup_reply,
    matches_reply,
    settings_modal,
)
from bot.cards.message import Message
from bot.catalog import load_catalog
from bot.channels import ChannelSettings
from bot.lookup import Lookup

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CATALOG = load_catalog([])
LOOKUP = Lookup(CATALOG)


def entry(provider: str, code: str, scope: str | None = None):
    found = CATALOG.get(provider, code, scope)
    assert found, f"{provider} {code} {scope} is not in the built-in catalog"
    return found


def message(m: Message) -> dict:
    return {"text": m.text, "blocks": list(m.blocks)}


THREE = [("twilio", "30007"), ("telnyx", "40300"), ("twilio", "21610")]
SETTINGS = ChannelSettings(auto_reply=True, providers=("twilio", "telnyx"), answer_bots=False)
QUIET = ChannelSettings(
    auto_reply=False, providers=(), answer_bots=True, support_channel="C0SUPPORT01"
)

CASES: dict[str, Callable[[], dict]] = {
    "entry_card_twilio_30007": lambda: message(entry_card(entry("twilio", "30007"))),
    "entry_card_smspartner_14_send_share": lambda: message(
        entry_card(entry("smspartner", "14", "send"), share=True)
    ),
    "matches_reply_three": lambda: message(
        matches_reply([entry(*k) for k in THREE], note="Edited message: new codes only")
    ),
    "lookup_reply_smspartner_14": lambda: message(lookup_reply(LOOKUP.search("smspartner 14"))),
    "lookup_reply_no_match_escaped": lambda: message(
        lookup_reply(LOOKUP.search("<!channel> banana"))
    ),
    "help_message": lambda: message(help_message()),
    "settings_modal": lambda: settings_modal("C0123456789", SETTINGS, CATALOG.providers),
    "home_view": lambda: home_view(
        channels=[("C0123456789", SETTINGS), ("G0987654321", QUIET)],
        providers=CATALOG.providers,
    ),
    "explain_modal": lambda: explain_modal(
        [entry("twilio", "30007"), entry("telnyx", "40300")], nothing_found=False
    ),
    "explain_modal_nothing_found": lambda: explain_modal([], nothing_found=True),
}


def dump(obj: dict) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden_file(name):
    path = GOLDEN / f"{name}.json"
    actual = dump(CASES[name]())
    if UPDATE:
        path.write_text(actual, "utf-8")
    assert path.exists(), f"{path} is missing; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == path.read_text("utf-8"), f"{name} changed; see the module docstring"


def test_no_stale_golden_files():
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(CASES)


def test_no_match_golden_pings_nobody():
    """The golden file itself must hold the escaped query, never a live <!channel>."""
    text = (GOLDEN / "lookup_reply_no_match_escaped.json").read_text("utf-8")
    assert "&lt;!channel&gt; banana" in text
    assert "<!channel>" not in text
