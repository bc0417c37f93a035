"""Codes we hold no entry for are said to be unknown; near codes are only suggestions."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.core.catalog import default_catalog
from bot.core.lookup import best_entries, lookup

# Twilio-shaped (five digits) and held by no provider in the catalog.
UNKNOWN = "29999"


def test_the_unknown_code_really_is_unknown():
    assert default_catalog().with_code(UNKNOWN) == ()


@pytest.mark.parametrize(
    "query", [UNKNOWN, f"error {UNKNOWN}", f"what does {UNKNOWN} mean?", f"twilio {UNKNOWN}"]
)
def test_a_well_formed_code_without_an_entry_gets_no_card(query):
    answer = lookup(query)
    assert answer.hits == ()
    assert best_entries(answer) == []
    assert answer.unknown is not None and answer.unknown.code == UNKNOWN
    # Near codes are offered, but only as suggestions.
    assert all(e.code != UNKNOWN for e in answer.suggestions)


def test_the_provider_is_named_when_the_query_names_it():
    unknown = lookup(f"twilio error {UNKNOWN}").unknown
    assert unknown.label == f"Twilio {UNKNOWN}"
    assert unknown.pages == (("Twilio", f"https://www.twilio.com/docs/api/errors/{UNKNOWN}"),)


def test_the_provider_is_named_when_the_channel_prefers_it():
    assert lookup(UNKNOWN, prefer=("twilio",)).unknown.provider == "twilio"
    assert lookup(UNKNOWN).unknown.provider is None  # unnamed: not guessed


def test_small_codes_count_only_with_their_provider():
    bare = lookup("14")
    assert bare.hits == () and bare.ambiguous
    assert {e.provider for e in bare.suggestions} >= {"smspartner"}
    assert lookup("smspartner 14").hits
    assert {h.entry.provider for h in lookup("14", prefer=("smspartner",)).hits} == {"smspartner"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("salesmsg 30007", ("twilio", "30007")),
        ("Salesmsg error 21610", ("twilio", "21610")),
        ("aesthetix crm 30003", ("twilio", "30003")),
        ("Insufficient_funds salesmsg", ("salesmsg", "Insufficient_funds")),
    ],
)
def test_a_provider_that_sends_through_twilio_gets_twilio_codes(query, expected):
    hit = lookup(query).hits[0]
    assert (hit.entry.provider, hit.entry.code) == expected and hit.exact


def test_word_queries_show_every_equally_good_answer():
    shown = {(e.provider, e.code) for e in best_entries(lookup("opted out"))}
    assert {("twilio", "21610"), ("telnyx", "40300")} <= shown


def test_the_channels_providers_come_first_among_equals():
    for provider in ("telnyx", "twilio"):
        first = best_entries(lookup("opted out", prefer=(provider,)))[0]
        assert first.provider == provider


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SMSERROR_CATALOG_PATH"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_says_unknown_and_exits_1():
    result = run_cli("lookup", "twilio", UNKNOWN)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"No entry for Twilio {UNKNOWN}." in result.stderr
    assert f"https://www.twilio.com/docs/api/errors/{UNKNOWN}" in result.stderr
    assert "Did you mean:" in result.stderr


def test_cli_json_marks_exact_and_unknown():
    doc = json.loads(run_cli("lookup", "--json", UNKNOWN).stdout)
    assert doc["matches"] == []
    assert doc["unknown_code"]["code"] == UNKNOWN
    assert doc["suggestions"] and all(s["exact"] is False for s in doc["suggestions"])
    exact = json.loads(run_cli("lookup", "--json", "30007").stdout)
    assert exact["matches"][0]["exact"] is True and "unknown_code" not in exact
    words = run_cli("lookup", "--json", "opted", "out")
    assert words.returncode == 0
    assert all(m["exact"] is False for m in json.loads(words.stdout)["matches"])


def test_a_short_code_is_a_typo_only_where_no_provider_uses_it():
    # 3007 is 8x8's own code: answered as such, not "corrected" to Twilio 30007.
    assert [h.entry.label for h in lookup("3007").hits] == ["8x8 3007 (api)"]
    assert lookup("3007").hits[0].exact


def test_cli_typo_exits_1_with_the_correction_as_a_suggestion():
    result = run_cli("lookup", "300007")
    assert result.returncode == 1
    assert "Did you mean:\n  - Twilio 30007:" in result.stderr
