"""What people see in Slack, pinned: each card and view is compared with tests/golden/NAME.json.

A change in what users see shows up as a diff in review. When the change is intended, rewrite
the files and read the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/cards/test_golden.py

Files are JSON, pretty-printed with sorted keys and a trailing newline. Messages are stored as
{"text": fallback, "blocks": [...]}, views as the view dict. The cards come from the built-in
catalog only, so operator files (SMSERROR_CATALOG_PATH) never change them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_escalation import SOURCE, record

from bot.cards.alert import AlertFigures, alert_message
from bot.cards.blocks import (
    EscalationSource,
    entry_card,
    escalation_modal,
    escalation_receipt,
    escalation_update,
    escalations_list,
    explain_modal,
    help_message,
    home_view,
    lookup_reply,
    matches_reply,
    settings_modal,
    stats_message,
    support_message,
)
from bot.cards.message import Message
from bot.core.catalog import load_catalog
from bot.core.channels import ChannelSettings
from bot.core.escalation.recurrence import note
from bot.core.lookup import Lookup
from bot.strings import speaking

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ALERT = AlertFigures(
    alert_id=7,
    provider="twilio",
    code="30007",
    failures=42,
    recipients=38,
    first_at=datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc),
    last_at=datetime(2026, 12, 1, 14, 14, 20, tzinfo=timezone.utc),
    senders=("+14155550112",),
    rate=0.07,
    baseline=0.004,
)
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

ACKED = {"state": "acknowledged", "acknowledged_by": "U0SUPPORTER"}
RESOLVED = {**ACKED, "state": "resolved", "resolved_by": "U0SUPPORTER"}
HOME_TOP = [
    (entry("twilio", "30007"), 12),
    (entry("twilio", "21610"), 4),
    (entry("telnyx", "40300"), 1),
]


def escalation_form(provider: str, code: str, source: EscalationSource) -> dict:
    return escalation_modal(
        entry(provider, code),
        source,
        destination="C0SUPPORT01",
        id_shape=CATALOG.message_id_shape(provider),
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
    # -- escalations
    "entry_card_twilio_30007_recurring": lambda: message(
        entry_card(entry("twilio", "30007"), recurring=recurring())
    ),
    "matches_reply_recurring": lambda: message(
        matches_reply(
            [entry(*k) for k in THREE], recurring={("twilio", "30007", None): recurring()}
        )
    ),
    "home_view_top_codes": lambda: home_view(
        channels=[("C0123456789", SETTINGS)], providers=CATALOG.providers, top_codes=HOME_TOP
    ),
    "escalation_modal_twilio_30007": lambda: escalation_form("twilio", "30007", SOURCE),
    "escalation_modal_smsfactory_33000": lambda: escalation_form(
        "smsfactory", "33000", EscalationSource("C0123456789", None, None, "smsfactory|33000|")
    ),
    "support_message_open_masked": lambda: message(
        support_message(
            record(notes="Since Monday's template. <!channel> & <@U123> said it's <b>bad</b>"),
            entry("twilio", "30007"),
            mask_numbers=True,
        )
    ),
    "support_message_acknowledged_unmasked": lambda: message(
        support_message(record(**ACKED), entry("twilio", "30007"), mask_numbers=False)
    ),
    "support_message_resolved": lambda: message(
        support_message(record(**RESOLVED), entry("twilio", "30007"), mask_numbers=True)
    ),
    "escalation_receipt_delivered": lambda: message(escalation_receipt(record(), delivered=True)),
    "escalation_receipt_kept": lambda: message(
        escalation_receipt(record(), delivered=False, problem="not_in_channel")
    ),
    "escalation_update_acknowledged": lambda: message(
        escalation_update(record(**ACKED), by="U0SUPPORTER")
    ),
    "escalations_list": lambda: message(
        escalations_list([record(), record(id=43, **ACKED), record(id=44, **RESOLVED)], CATALOG)
    ),
    "escalations_list_empty": lambda: message(escalations_list([], CATALOG)),
    "alert_twilio_30007": lambda: message(
        alert_message(ALERT, entry("twilio", "30007"), provider_name="Twilio")
    ),
    "alert_unknown_code": lambda: message(
        alert_message(
            replace(ALERT, code="39999", senders=("+14155550100", "+14155550101"), rate=0.0),
            None,
            provider_name="Twilio",
        )
    ),
    "stats_message": lambda: message(
        stats_message(
            "C0123456789",
            7,
            [
                (entry("twilio", "30007"), 9),
                (entry("twilio", "21610"), 4),
                (entry("telnyx", "40300"), 1),
            ],
            {("twilio", "30007", None): 4, ("twilio", "21610", None): 6},
        )
    ),
    "stats_message_empty": lambda: message(stats_message("C0123456789", 30, [], {})),
}


def recurring() -> str:
    """The note for a third Twilio 30007 in 7 days, said in the language being spoken."""
    return note(entry("twilio", "30007"), 3)


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
    assert sorted(p.stem for p in (GOLDEN / "fr").glob("*.json")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden_file_in_french(name):
    """Every card, modal and message family, as a French reader gets it (golden/fr/)."""
    path = GOLDEN / "fr" / f"{name}.json"
    with speaking("fr"):
        actual = dump(CASES[name]())
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, "utf-8")
    assert path.exists(), f"{path} is missing; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == path.read_text("utf-8"), f"{name} (fr) changed; see the module docstring"


def test_escalation_goldens_ping_nobody_but_the_people_involved():
    """Notes and ids land escaped; the only mentions are the requester and who acknowledged."""
    for name in ("support_message_open_masked", "escalations_list", "escalation_receipt_kept"):
        text = (GOLDEN / f"{name}.json").read_text("utf-8")
        mentions = set(re.findall(r"<[@!][^>|^]*", text))
        assert mentions <= {"<@U0REQUESTER", "<@U0SUPPORTER", "<!date"}, (name, mentions)


def test_no_match_golden_pings_nobody():
    """The golden file itself must hold the escaped query, never a live <!channel>."""
    text = (GOLDEN / "lookup_reply_no_match_escaped.json").read_text("utf-8")
    assert "&lt;!channel&gt; banana" in text
    assert "<!channel>" not in text
