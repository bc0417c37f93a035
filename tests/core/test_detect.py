"""The detector finds error codes where people write them and stays quiet on look-alikes."""

from __future__ import annotations

import textwrap
import time

import pytest

from bot.core.catalog import load_catalog
from bot.core.detect import Match, detect


def found(text: str, **kw) -> set[tuple[str, str]]:
    return {(m.provider, m.code) for m in detect(text, **kw)}


TWILIO_30007 = {("twilio", "30007")}

# -- finds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "30007",
        "30007 again??",
        "Error 30007",
        "error:30007",
        "(30007)",
        "*30007*",
        "`30007`",
        "_30007_",
        "seeing a ton of 30007s since this morning",
        "ERR-30007 in the worker log",
        "Error #30007",
        "30007 => carrier block?",
        "30007 =&gt; carrier block?",  # Slack escapes '>'
        "the twilio error is 30007",
        "30007: Message filtered",
    ],
)
def test_bare_and_decorated_codes(text):
    assert found(text) == TWILIO_30007


def test_other_decorations_and_providers():
    assert found("err 21606") == {("twilio", "21606")}
    assert found("`30024`") == {("twilio", "30024")}
    assert found("(30003)") == {("twilio", "30003")}
    assert found("30004 => carrier block?") == {("twilio", "30004")}
    assert found("telnyx says 40300 for this guy") == {("telnyx", "40300")}
    assert found("33019 on the wine promo") == {("smsfactory", "33019")}


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("30005 and 30006", ["30005", "30006"]),
        ("21610, 21614 and 30006", ["21610", "21614", "30006"]),
        ("errors: 40001, 40012", ["40001", "40012"]),
        ("errors 30005/30006 overnight", ["30005", "30006"]),
        ("30003 (x14), 30005 (x3), 30006 (x2)", ["30003", "30005", "30006"]),
        ("tickets 30007, 30008 and 30032", []),
    ],
)
def test_lists_and_pairs(text, codes):
    assert [m.code for m in detect(text)] == codes


def test_a_list_carries_its_first_codes_context():
    small = "smspartner errors 14 &amp; 15"  # as Slack sends "&"
    assert [m.code for m in detect(small)][-1] == "15"
    assert detect("zip codes 30301, 30005") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SmsSid=SMa84bba07931db925306a0799dc6ebd71&SmsStatus=undelivered&ErrorCode=30003",
            ("twilio", "30003"),
        ),
        ("MessageStatus=undelivered\nErrorCode=30011\nTo=+17865550134", ("twilio", "30011")),
        ('{"status": "undelivered", "error_code": 21408}', ("twilio", "21408")),
        ('{"errors": [{"code": "40300", "title": "Blocked (STOP)"}]}', ("telnyx", "40300")),
        ("2024-05-02T14:03:11Z WARN sms.dispatch code=21211 attempt=1", ("twilio", "21211")),
        ("more info: https://www.twilio.com/docs/api/errors/30007", ("twilio", "30007")),
        ("<https://www.twilio.com/docs/api/errors/30007|the docs>", ("twilio", "30007")),
        ("https://docs.smsfactory.com/page/errors/33003", ("smsfactory", "33003")),
        (
            "https://hooks.example.com/status?MessageStatus=failed&ErrorCode=30032",
            ("twilio", "30032"),
        ),
        ("customer forwarded this:\n> Error 30007\nany idea?", ("twilio", "30007")),
        ("```\nERROR 2024-05-20 twilio code=30410 retrying\n```", ("twilio", "30410")),
        ("TwilioRestException: Unable to create record (21606)", ("twilio", "21606")),
        ("`sum:sms.failed{error_code:30005}` > 50 over 15m", ("twilio", "30005")),
    ],
)
def test_codes_in_payloads_and_logs(text, expected):
    assert found(text) == {expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EC_ABSENT_SUBSCRIBER_SM on most of the Orange numbers", ("smspartner", "6")),
        ("ec_call_barred on the prepaid SIMs", ("smspartner", "13")),
        ("HLR status REJECTED_DND for this contact", ("smspartner", "10")),
        ("id:0123 sub:001 dlvrd:000 stat:UNDELIV err:000 text:hi", ("smspartner", "UNDELIV")),
        ("DLR came back REJECTD for all the Free numbers", ("smspartner", "REJECTD")),
        ("DLR status: EXPIRED for the night batch", ("smspartner", "EXPIRED")),
        ("smsfactory says NonCompliantMessageContent on the promo", ("smsfactory", "33019")),
        (
            "Salesmsg shows *Insufficient_funds* on the broadcast",
            ("salesmsg", "Insufficient_funds"),
        ),
        ("INSUFFICIENT_FUNDS again", ("salesmsg", "Insufficient_funds")),
        ("why is it flagging them as Unknown_bad_number?", ("salesmsg", "Unknown_bad_number")),
        ("Provider_error on that one, tooltip says HTTP 400", ("salesmsg", "Provider_error")),
        ("the voice API answers SENDER_NOT_AUTHORIZED", ("smspartner", "SENDER_NOT_AUTHORIZED")),
    ],
)
def test_symbolic_names(text, expected):
    assert found(text) == {expected}


def test_smspartner_small_codes_need_smspartner():
    assert found("smspartner error 14") == {("smspartner", "14")}
    assert found("SMS Partner API returned code 10") == {("smspartner", "10")}
    assert found("error 14") == set()
    assert found("error 14", providers=["twilio"]) == set()
    assert found("error 14", providers=["smspartner"]) == {("smspartner", "14")}
    assert found("error 14", providers=["SMSPartner"]) == {("smspartner", "14")}
    assert found("smspartner errors 14, 15 and 22") == {
        ("smspartner", c) for c in ("14", "15", "22")
    }


# -- stays quiet ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # ZIP codes (Georgia's are Twilio codes, Kentucky's Telnyx's, Miami's SMSFactory's)
        "event venue: 3100 Roswell Rd, Marietta, GA 30006",
        "Louisville KY 40004 is where the rep lives",
        "new franchise in Miami FL 33010 next month",
        "Atlanta 30007 office",
        "zip codes 30002, 30003 and 30004 only",
        "W-9 says Suwanee, GA 30024-1234",
        "the zip on file is 30004",
        "most leads are from the 30005 area",
        # phone numbers, whatever their format
        "call her at (404) 300-0712",
        "470.330.0320 is the clinic",
        "+1 (470) 300-3400 forwards to voicemail",
        "+33 6 30 00 70 07 is not in E.164",
        "+14043000712 keeps replying HELP",
        "toll-free is 1-833-300-0700",
        "<tel:+14043000712|(404) 300-0712>",
        # identifiers
        "SM81c1aad236d31def0b9d2993300075ab",
        "MM3adf32b1cc8fa650bdf6593d140300b1 never showed",
        "job id 3000552d-057e-4bd0-8ab3-005440698c83 stuck",
        "fixed in commit 30034e1",
        "request id req_30007abcd9f2",
        "UPS tracking 1Z999AA10123456784",
        "<@U030007AB> can you look",
        # tickets, invoices, orders, accounts, PRs, rooms
        "ticket 30007 is still open",
        "invoice 33012 is paid",
        "order #40300 shipped",
        "acct #40010 churned",
        "customer id 21211 wants a refund",
        "merged PR #21408",
        "pull request 30007 is up",
        "booked room 30003 for the offsite",
        "INC-30007 postmortem",
        "JIRA SMS-30005: importer drops zeros",
        # short codes, ports, PIDs
        "we moved the promo to short code 33011",
        "text JOIN to 30007 for deals",
        "our short code 30005 is live",
        "port 40001 is blocked",
        "api listening on :30007",
        "SMPP bind to smpp.example.net:30006 keeps dropping",
        "0.0.0.0:40300",
        "docker run -p 30024:30024 mock-smsc",
        "pid 30034 is eating memory",
        "strace -p 30005",
        "smsgw[30005]: started",
        # money and counts
        "40,010 texts this week",
        "$30,023 invoice",
        "spent $40300 last quarter",
        "€ 30023 spent",
        "30007 messages sent yesterday",
        "we sent 21610 texts for black friday",
        "roughly 30003 undelivered this year",
        "21211 opt-ins so far",
        # dates, times, versions, coordinates
        "the cert expires 2030-07-01",
        "the 30th at 00:07 UTC",
        "v30.0.7 is rolling out",
        "firmware 3.0.0.7",
        "lat 33.0112, lng -84.30007",
        "version 30007 of the schema",
        # HTTP statuses on their own
        "got a 429 from the lookup API",
        "500 Internal Server Error from the carrier lookup",
        "HTTP 403 Forbidden",
        # ordinary words that equal a status
        "the promo code EXPIRED, customer wants a new one",
        "my parking permit EXPIRED",
        "status unknown on the vendor contract",
        "still pending on the finance approval",
        "the design got REJECTED by legal",
        # a status several providers use, with none of them named
        "final status UNKNOWN on 40 messages",
    ],
)
def test_stays_quiet(text):
    assert detect(text) == []


def test_http_statuses_stay_quiet_even_for_smspartner():
    assert found("smspartner gave us a 500 Internal Server Error") == set()
    assert found("HTTP 429 from their API", providers=["smspartner"]) == set()
    assert found("smspartner sent 500 texts today") == set()
    assert found("smspartner returned 2 errors") == set()


def test_mixed_messages_keep_only_the_codes():
    assert found("ticket 30007 is about error 30003") == {("twilio", "30003")}
    assert found("Louisville KY 40004 customer: telnyx 40004 on every msg") == {("telnyx", "40004")}
    assert found("PR #40300 adds handling for telnyx 40300") == {("telnyx", "40300")}
    assert found("listening on :30007; callback got ErrorCode=30007") == TWILIO_30007


# -- providers and scopes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_code_catalog(tmp_path_factory):
    """The built-in catalog plus an operator provider that reuses Twilio's 30007."""
    path = tmp_path_factory.mktemp("catalog") / "acme.yaml"
    path.write_text(
        textwrap.dedent(
            """
            provider: acme
            name: Acme SMS
            entries:
              - code: "30007"
                title: Acme gateway refused the message
                category: delivery
                cause: The Acme gateway refused the message for a reason it did not share.
                fix:
                  - Send it again later.
                retry: retry_with_backoff
                sources: [acme]
            """
        )
    )
    return load_catalog([path])


def test_a_code_two_providers_use_is_offered_for_both(shared_code_catalog):
    assert found("30007 again", catalog=shared_code_catalog) == {
        ("twilio", "30007"),
        ("acme", "30007"),
    }


def test_the_messages_own_provider_words_decide(shared_code_catalog):
    matches = detect("acme keeps saying 30007", catalog=shared_code_catalog)
    assert [(m.provider, m.code) for m in matches] == [("acme", "30007")]
    assert "Acme SMS" in matches[0].reason


def test_then_the_channels_provider_decides(shared_code_catalog):
    matches = detect("30007 again", providers=["twilio"], catalog=shared_code_catalog)
    assert [(m.provider, m.code) for m in matches] == [("twilio", "30007")]
    assert matches[0].reason.endswith("Twilio is the channel's provider")
    both = detect("twilio 30007", providers=["acme"], catalog=shared_code_catalog)
    assert [m.provider for m in both] == ["twilio"]  # the message outranks the channel


def test_a_code_only_one_provider_uses_resolves_to_it_whatever_is_named():
    assert found("telnyx support says we get 30007") == TWILIO_30007


def test_smspartner_scopes_every_endpoint_unless_the_message_names_one():
    every = detect("smspartner error 14")
    assert {m.scope for m in every} == {"send", "verify", "location", "mail"}
    assert {m.span for m in every} == {(17, 19)}
    assert [m.scope for m in detect("SMSPartner mail API says 14")] == ["mail"]
    assert [m.scope for m in detect("smspartner error 14 when sending")] == ["send"]
    assert [m.scope for m in detect("smspartner HLR statusId 10")] == ["hlr_status"]


# -- spans, order, reasons, shape ----------------------------------------------------------------


def test_spans_point_at_what_was_written_in_text_order():
    text = "> EC_CALL_BARRED then `stat:REJECTD`, then error 30003 and 40300s"
    matches = detect(text)
    assert [text[slice(*m.span)] for m in matches] == [
        "EC_CALL_BARRED",
        "REJECTD",
        "30003",
        "40300",
    ]
    assert [m.span[0] for m in matches] == sorted(m.span[0] for m in matches)


def test_one_match_per_entry_at_its_first_span():
    text = "30007 again, 30007 everywhere: ErrorCode=30007"
    matches = detect(text)
    assert len(matches) == 1 and matches[0].span == (0, 5)
    assert len(detect("smsfactory 33011 SenderBlocked")) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Error 30007", "error code after 'Error'"),
        ("err 21606", "error code after 'err'"),
        ("MessageStatus=failed&ErrorCode=30003", "ErrorCode= in a status callback"),
        ('{"error_code": 21408}', 'JSON key "error_code"'),
        ("level=warn code=40006", "code= in a log line"),
        ("see https://www.twilio.com/docs/api/errors/30007", "Twilio docs URL"),
        ("telnyx 40004 on every msg", "code after 'telnyx'"),
        ("30004 => carrier block?", "code before '=>'"),
        ("30007 again??", "a known code on its own"),
        ("EC_CALL_BARRED", "EC_ name"),
        ("stat:UNDELIV", "DLR status after 'stat'"),
        ("REJECTED_DND here", "SMSPartner status name"),
        ("NonCompliantMessageContent", "SMSFactory error name"),
        ("Insufficient_funds", "Salesmsg error name"),
        ("smspartner error 44", "error code after 'error'; SMSPartner named in message"),
    ],
)
def test_reasons_people_can_read(text, reason):
    assert detect(text)[0].reason == reason


def test_errors_listed_after_a_code_say_so():
    assert [m.reason for m in detect("errors: 40001, 40012")] == [
        "error code after 'errors'",
        "listed with another code",
    ]


def test_match_properties_and_json_shape():
    match = detect("Error 30007")[0]
    assert isinstance(match, Match)
    assert (match.provider, match.code, match.scope) == ("twilio", "30007", None)
    assert match.title == match.entry.title and match.aliases == match.entry.aliases
    assert match.to_dict() == {
        "provider": "twilio",
        "code": "30007",
        "scope": None,
        "title": match.entry.title,
        "aliases": list(match.entry.aliases),
        "span": [6, 11],
        "reason": "error code after 'Error'",
    }


# -- any input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\ufffd\ufffd 30007 \udcff",
        "<" * 5000,
        "<@" * 5000 + "30007",
        "a" * 20000 + "@",
        "+1 " * 10000,
        "EC_" * 10000,
        " ".join(["30007"] * 5000),
        "smspartner " + " ".join(str(i % 60) for i in range(5000)),
    ],
)
def test_any_text_is_answered_without_running_away(text):
    """Hostile shapes are answered, in bounded time. The bound is only a tripwire for
    catastrophic backtracking (minutes, not seconds), far above the 1-3 s these take on a busy
    shared machine; how fast detection is belongs to bench/detect_bench.py."""
    started = time.perf_counter()
    detect(text)
    detect(text, providers=["smspartner"])
    assert time.perf_counter() - started < 30
