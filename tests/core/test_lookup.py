"""Lookup from what people type: decorated codes, names, typos and plain words."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.core.lookup import EXACT, lookup


def top(query: str, **kw) -> tuple[str, str]:
    hits = lookup(query, **kw).hits
    assert hits, f"no match for {query!r}"
    return hits[0].entry.provider, hits[0].entry.code


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("21610", ("twilio", "21610")),
        ("Error 21610", ("twilio", "21610")),
        ("error: 21610", ("twilio", "21610")),
        ("ERR #21610", ("twilio", "21610")),
        ("`30024`", ("twilio", "30024")),
        ("twilio 30007", ("twilio", "30007")),
        ("telnyx 40300", ("telnyx", "40300")),
        ("40300", ("telnyx", "40300")),
        ("33019", ("smsfactory", "33019")),
    ],
)
def test_exact_codes_however_decorated(query, expected):
    answer = lookup(query)
    assert (answer.hits[0].entry.provider, answer.hits[0].entry.code) == expected
    assert answer.hits[0].score == EXACT


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("EC_ABSENT_SUBSCRIBER_SM", ("smspartner", "6")),
        ("ec_absent_subscriber_sm", ("smspartner", "6")),
        ("undeliv", ("smspartner", "UNDELIV")),
        ("NonCompliantMessageContent", ("smsfactory", "33019")),
        ("noncompliantmessagecontent", ("smsfactory", "33019")),
        ("Unknown_bad_number", ("salesmsg", "Unknown_bad_number")),
        ("REJECTED_DND", ("smspartner", "10")),
        ("stopped by user", ("salesmsg", "Stopped by user")),
    ],
)
def test_symbolic_names_any_case(query, expected):
    answer = lookup(query)
    assert answer.hits[0].score == EXACT
    assert top(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("300007", ("twilio", "30007")),
        ("EC_UNKOWN_SUBSCRIBER", ("smspartner", "1")),
        ("duplicate_mesage", ("salesmsg", "Duplicate_message")),
        ("NonCompliantMesageContent", ("smsfactory", "33019")),
    ],
)
def test_typos_are_corrected_as_suggestions_never_as_the_answer(query, expected):
    answer = lookup(query)
    assert answer.hits == ()  # a guess is never shown in the answer's place
    assert expected in [(e.provider, e.code) for e in answer.suggestions]


@pytest.mark.parametrize(
    ("query", "acceptable"),
    [
        ("opted out", {("twilio", "21610"), ("telnyx", "40300"), ("smspartner", "14"),
                       ("smsfactory", "33010"), ("plivo", "200")}),
        ("landline", {("twilio", "21614"), ("twilio", "21635"), ("twilio", "30006"),
                      ("salesmsg", "Landline_recipient"), ("telnyx", "40001")}),
        ("spend limit", {("telnyx", "40333")}),
        ("toll free verification", {("twilio", "30032"), ("telnyx", "40329"),
                                    *(("twilio", str(c)) for c in range(30440, 30450))}),
    ],
)  # fmt: skip
def test_words_rank_the_right_entries_first(query, acceptable):
    hits = lookup(query).hits
    assert (hits[0].entry.provider, hits[0].entry.code) in acceptable
    assert all(h.score < EXACT or h.reason == "exact name" for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_words_find_both_providers_for_opt_out():
    found = {(h.entry.provider, h.entry.code) for h in lookup("opted out").hits[:5]}
    assert {("twilio", "21610"), ("telnyx", "40300")} <= found


def test_code_in_several_scopes_returns_all_of_them():
    hits = lookup("smspartner 14").hits
    exact = {h.entry.scope for h in hits if h.score == EXACT}
    assert {"send", "verify", "location", "mail"} <= exact
    assert all(h.entry.provider == "smspartner" for h in hits)
    meanings = {h.entry.scope: h.entry.title.lower() for h in hits}
    assert "stop" in meanings["send"]
    assert "99" in meanings["location"] or "age" in meanings["location"]


def test_provider_filter():
    assert {h.entry.provider for h in lookup("14", provider="smspartner").hits} == {"smspartner"}
    assert lookup("30007", provider="telnyx").hits == ()


def test_exact_hits_come_first():
    hits = lookup("EXPIRED").hits
    assert hits[0].score == EXACT
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("query", ["banana split", "99999"])
def test_no_match_offers_suggestions(query):
    answer = lookup(query)
    assert answer.hits == ()
    assert answer.suggestions


@pytest.mark.parametrize("query", ["zzzz qqqq", "   "])
def test_nothing_in_common_with_the_catalog_suggests_nothing(query):
    # No word of the query is in any entry: any "closest" entry would be picked at random.
    answer = lookup(query)
    assert answer.hits == () and answer.suggestions == ()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SMSERROR_CATALOG_PATH"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_lookup_prints_a_readable_card():
    result = run_cli("lookup", "30007")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Twilio 30007: ")
    for part in ("What happened", "How to fix it", "1. ", "Retry: ", "Escalate to",
                 "3 or more examples from the last 7 days",
                 "Docs: https://www.twilio.com/docs/api/errors/30007"):  # fmt: skip
        assert part in out


def test_cli_lookup_json_shape():
    result = run_cli("lookup", "--json", "smspartner", "14")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert doc["query"] == "smspartner 14"
    keys = {"provider", "code", "scope", "title", "aliases", "category", "cause", "fix", "retry",
            "escalation", "docs_url", "sources", "score"}  # fmt: skip
    assert all(keys <= set(m) for m in doc["matches"])
    assert len({m["scope"] for m in doc["matches"] if m["score"] == 100}) >= 4


def test_cli_lookup_json_escalation_object():
    doc = json.loads(run_cli("lookup", "--json", "30008").stdout)
    escalation = doc["matches"][0]["escalation"]
    assert escalation["min_examples"] == 3 and escalation["window_hours"] == 48
    assert escalation["collect"] and escalation["when"]


def test_cli_no_match_exits_1_with_suggestions():
    result = run_cli("lookup", "banana split")
    assert result.returncode == 1
    assert "Nothing in the catalog matches “banana split”" in result.stderr
    assert "Did you mean:" in result.stderr


def test_cli_export_lists_every_entry():
    result = run_cli("catalog", "export", "--json")
    entries = json.loads(result.stdout)
    assert len(entries) > 330
    assert {"provider", "code", "scope", "escalation", "sources"} <= set(entries[0])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("twilio 30007 keeps failing", ("twilio", "30007")),
        ("what is 40300?", ("telnyx", "40300")),
        ("smspartner error 14 on location", ("smspartner", "14")),
    ],
)
def test_a_code_inside_a_longer_query_is_exact(query, expected):
    hit = lookup(query).hits[0]
    assert (hit.entry.provider, hit.entry.code) == expected
    assert hit.score == EXACT


def test_a_name_among_words_ranks_first_without_hiding_the_rest():
    hits = lookup("sending to landline numbers").hits
    assert hits[0].entry.code == "Landline_recipient" and hits[0].score < EXACT
    assert {"21614", "21635"} <= {h.entry.code for h in hits}


def test_slack_escaped_text_reads_as_typed():
    from bot.core.escape import escape, unescape

    typed = "AT&T <!channel> a < b > c"
    assert unescape(escape(typed)) == typed
    assert escape(unescape("&lt;!channel&gt;")) == "&lt;!channel&gt;"  # never double-escaped
