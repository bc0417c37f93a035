"""Escalation cards: the Escalate button, the form and its metadata, the support post, the notes
back to the thread, `/smserror escalations` and `/smserror stats`."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from test_limits import NASTY, check_blocks, check_message, check_view, mrkdwn_texts, objects

from bot.cards import limits
from bot.cards.blocks import (
    ACTION_ESCALATION_ACK,
    ACTION_ESCALATION_RESOLVE,
    CALLBACK_ESCALATION,
    ESCALATE_PATTERN,
    EscalationSource,
    compact_card,
    entry_card,
    entry_ref,
    escalation_modal,
    escalation_receipt,
    escalation_update,
    escalations_list,
    explain_modal,
    home_view,
    matches_reply,
    read_escalation_submission,
    shortcut_source,
    stats_message,
    support_message,
)
from bot.cards.render import render_message, render_view
from bot.core.catalog import ANY_MESSAGE_ID, load_catalog
from bot.core.escalation.form import ExampleInput, check_examples
from bot.core.records import EscalationRecord, Example

CATALOG = load_catalog([])
E30007 = CATALOG.get("twilio", "30007")
E21610 = CATALOG.get("twilio", "21610")  # no escalation guidance
E33000 = CATALOG.get("smsfactory", "33000")  # guidance without figures
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
PERMALINK = "https://acme.slack.com/archives/C0123456789/p1714564800000100"
SOURCE = EscalationSource("C0123456789", "1714564800.000100", PERMALINK, "twilio|30007|")
# The mentions and date tokens these cards write on purpose; any other <@ or <! is a ping.
OURS = r"<@U0(?:REQUESTER|SUPPORTER)>|<!date\^\d+\^\{[a-z_]+\}(?: \{time\})?\|[^<>|]+>"


def record(**changes) -> EscalationRecord:
    """ESC-42: three Twilio 30007 examples from three countries, open, not yet delivered."""
    examples = (
        Example("SM" + "a" * 32, NOW - timedelta(hours=1), "+14155550167"),
        Example("SM" + "b" * 32, NOW - timedelta(hours=2), "+442079460958"),
        Example("SM" + "c" * 32, NOW - timedelta(hours=3), "+33612345678"),
    )
    base = EscalationRecord(
        provider="twilio",
        code="30007",
        scope=None,
        requester="U0REQUESTER",
        source_channel="C0123456789",
        source_thread_ts="1714564800.000100",
        permalink=PERMALINK,
        examples=examples,
        notes="Started after the new template went live.",
        support_channel="C0SUPPORT01",
        id=42,
        state="open",
        support_ts=None,
        delivery_attempts=0,
        last_error=None,
        acknowledged_by=None,
        resolved_by=None,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **changes)


def buttons(blocks) -> list[dict]:
    return [o for o in objects(list(blocks)) if o.get("type") == "button"]


def escalate_buttons(blocks) -> list[dict]:
    return [b for b in buttons(blocks) if ESCALATE_PATTERN.match(b["action_id"])]


# -- the Escalate button on cards --------------------------------------------------------------


def test_cards_with_guidance_carry_an_escalate_button():
    card = entry_card(E30007)
    [found] = escalate_buttons(card.blocks)
    assert found["action_id"] == "escalate:twilio:30007:"
    assert found["value"] == entry_ref(E30007)
    assert found["text"]["text"] == "Escalate to support"
    assert "style" not in found
    [section] = [b for b in card.blocks if b.get("accessory") is found]
    assert section["text"]["text"].startswith("*When to escalate to Twilio support*")


def test_cards_without_guidance_have_none():
    assert escalate_buttons(entry_card(E21610, share=True).blocks) == []
    assert escalate_buttons(compact_card(E21610, share=True)) == []


def test_compact_cards_put_escalate_beside_details_and_share():
    [_, row] = compact_card(E30007, share=True)
    assert [b["text"]["text"] for b in row["elements"]] == [
        "Details",
        "Share in channel",
        "Escalate to support",
    ]


def test_escalate_ids_are_unique_across_the_catalog():
    ids = [b["action_id"] for e in CATALOG for b in escalate_buttons(compact_card(e))]
    assert len(ids) == len(set(ids)) == sum(1 for e in CATALOG if e.escalation)
    assert len(ids) >= 36  # the seed entries with guidance, plus the references' own


RECURRING = "The third Twilio 30007 in this channel in 7 days — enough to escalate."


def test_a_recurring_note_sits_above_the_guidance_and_the_button_turns_primary():
    blocks = entry_card(E30007, recurring=RECURRING).blocks
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    note = texts.index(f"*{RECURRING}*")
    assert texts[note + 1].startswith("*When to escalate to")
    [found] = escalate_buttons(blocks)
    assert found["style"] == "primary"
    check_message(entry_card(E30007, recurring=RECURRING))


def test_a_recurring_note_on_a_compact_card():
    [section, row] = compact_card(E30007, recurring=RECURRING)
    assert section["text"]["text"].endswith(f"\n*{RECURRING}*")
    assert row["elements"][-1]["style"] == "primary"


def test_matches_reply_notes_only_the_recurring_codes():
    recurring = {E30007.key: RECURRING}
    one = matches_reply([E30007], recurring=recurring)
    assert escalate_buttons(one.blocks)[0]["style"] == "primary"
    several = matches_reply([E21610, E30007, E33000], recurring=recurring)
    check_message(several)
    styles = {b["action_id"]: b.get("style") for b in escalate_buttons(several.blocks)}
    assert styles == {"escalate:twilio:30007:": "primary", "escalate:smsfactory:33000:": None}
    assert sum(RECURRING in t for t in mrkdwn_texts(several.blocks)) == 1
    assert escalate_buttons(matches_reply([E30007]).blocks)[0].get("style") is None


def test_a_recurring_note_is_escaped():
    card = entry_card(E30007, recurring=NASTY)
    check_message(card)
    assert "*&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;*" in (
        mrkdwn_texts(card.blocks)
    )


# -- where an escalation comes from ------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        SOURCE,
        EscalationSource("G0PRIVATE1", None, None, "smspartner|14|send"),
        EscalationSource("D0DIRECT01", "1714564800.000100", None, "salesmsg|Stopped by user|"),
    ],
)
def test_sources_round_trip_through_metadata(source):
    metadata = source.to_metadata()
    assert limits.size(metadata) <= limits.PRIVATE_METADATA
    assert EscalationSource.from_metadata(metadata) == source


def good_metadata(**changes) -> str:
    data = json.loads(SOURCE.to_metadata())
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not json",
        "[]",
        "null",
        '"C0123"',
        json.dumps({"channel": "C0123456789"}),
        good_metadata(extra=1),
        good_metadata(channel="U0SOMEONE"),
        good_metadata(channel="C1>x"),
        good_metadata(channel=["C0123456789"]),
        good_metadata(channel=None),
        good_metadata(thread_ts="yesterday"),
        good_metadata(thread_ts=1714564800.0001),
        good_metadata(permalink="javascript:alert(1)"),
        good_metadata(permalink="http://acme.slack.com/archives/C1/p1"),
        good_metadata(permalink="https://evil.example/a|click"),
        good_metadata(permalink="https://a.example/<!channel>"),
        good_metadata(permalink="https://a.example/two words"),
        good_metadata(entry="twilio|<!channel>|"),
        good_metadata(entry="twilio"),
        good_metadata(entry=None),
        "x" * 4000,
        None,
        42,
    ],
)
def test_forged_metadata_is_refused(metadata):
    with pytest.raises(ValueError):
        EscalationSource.from_metadata(metadata)


def test_the_explain_modal_names_its_message_for_escalate_buttons():
    view = explain_modal([E30007], nothing_found=False, channel="C0123456789", message_ts="1.2")
    assert shortcut_source(view["private_metadata"]) == ("C0123456789", "1.2")
    assert "private_metadata" not in explain_modal([E30007], nothing_found=False)


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "{}",
        '{"channel":"C0123456789"}',
        '{"channel":"U1","ts":"1.2"}',
        '{"channel":"C0123456789","ts":"x"}',
        None,
    ],
)
def test_forged_explain_metadata_is_refused(metadata):
    with pytest.raises(ValueError):
        shortcut_source(metadata)


# -- the form ----------------------------------------------------------------------------------


def inputs(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_the_form_has_one_row_per_example_the_provider_asks_for():
    view = escalation_modal(E30007, SOURCE, destination="C0SUPPORT01")
    check_view(view)
    assert view["callback_id"] == CALLBACK_ESCALATION
    assert view["title"]["text"] == "Escalate to support"
    assert EscalationSource.from_metadata(view["private_metadata"]) == SOURCE
    fields = inputs(view)
    assert list(fields) == [
        *(f"example_{n}_{part}" for n in (1, 2, 3) for part in ("id", "time", "to")),
        "notes",
    ]
    assert all(b["optional"] is True for b in fields.values())  # our checks speak, not Slack's
    assert all(b["element"]["action_id"] == bid for bid, b in fields.items())
    assert fields["example_2_time"]["element"]["type"] == "datetimepicker"
    assert fields["example_1_id"]["element"]["placeholder"]["text"] == (
        "e.g. " + CATALOG.message_id_shape("twilio").example
    )
    assert fields["example_1_id"]["hint"]["text"].startswith("A message SID, which is SM or MM")
    assert fields["example_1_to"]["element"]["placeholder"]["text"] == "+1 415 555 0123"
    notes = fields["notes"]["element"]
    assert (notes["multiline"], notes["max_length"]) == (True, 2000)


def test_the_form_says_what_where_and_what_support_asks_for():
    text = render_view(escalation_modal(E30007, SOURCE, destination="C0SUPPORT01"))
    assert "Twilio 30007: Message filtered as spam by the carrier" in text
    assert "For Twilio support. I'll post it in #C0SUPPORT01" in text
    assert f"this thread ({PERMALINK})" in text
    assert "Send 3 or more examples from the last 7 days." in text
    assert "For each example: message SID or contact link, send time, recipient number." in text
    assert "Example 2: when it was sent (optional): [Date and time ▾]" in text  # console view
    assert "Example 3: message id (optional): [e.g. SM0a1b2c3d4e5f60718293a4b5c6d7e8f9]" in text


def test_a_form_without_figures_permalink_or_destination():
    source = EscalationSource("C0123456789", None, None, "smsfactory|33000|")
    view = escalation_modal(E33000, source, destination=None, id_shape=ANY_MESSAGE_ID)
    check_view(view)
    assert [k for k in inputs(view) if k.endswith("_id")] == ["example_1_id"]
    text = render_view(view)
    assert "I'll post it here" in text and "this thread" not in text
    placeholder = inputs(view)["example_1_id"]["element"]["placeholder"]["text"]
    assert placeholder == "As in the provider's logs"


def test_rows_can_be_asked_for_and_stay_within_bounds():
    assert len(inputs(escalation_modal(E30007, SOURCE, destination=None, rows=5))) == 16
    assert len(inputs(escalation_modal(E30007, SOURCE, destination=None, rows=0))) == 4
    big = escalation_modal(E30007, SOURCE, destination=None, rows=500)
    check_view(big)
    assert len(inputs(big)) == 20 * 3 + 1


def typed(view: dict, rows: list[tuple[str, int | None, str]], notes: str = "") -> dict:
    """view.state.values as Slack sends them after someone filled in `rows`."""
    values: dict = {}
    for n, (message_id, sent_at, to) in enumerate(rows, start=1):
        values[f"example_{n}_id"] = {
            f"example_{n}_id": {"type": "plain_text_input", "value": message_id or None}
        }
        values[f"example_{n}_time"] = {
            f"example_{n}_time": {"type": "datetimepicker", "selected_date_time": sent_at}
        }
        values[f"example_{n}_to"] = {
            f"example_{n}_to": {"type": "plain_text_input", "value": to or None}
        }
    values["notes"] = {"notes": {"type": "plain_text_input", "value": notes or None}}
    assert set(values) <= set(inputs(view))
    return values


def test_a_filled_form_reads_back_and_passes_the_checks():
    view = escalation_modal(E30007, SOURCE, destination="C0SUPPORT01")
    hour_ago = int((NOW - timedelta(hours=1)).timestamp())
    rows = [
        ("SM" + c * 32, hour_ago, "415 555 01" + c2)
        for c, c2 in (("a", "67"), ("b", "68"), ("c", "69"))
    ]
    examples, notes = read_escalation_submission(typed(view, rows, "  see <!channel>  "), 3)
    assert examples[0] == ExampleInput("SM" + "a" * 32, hour_ago, "415 555 0167")
    assert notes == "see <!channel>"  # as typed: escaped where it is shown
    clean, errors = check_examples(
        E30007, examples, now=NOW, region="US", id_shape=CATALOG.message_id_shape("twilio")
    )
    assert errors == {} and [e.recipient for e in clean] == [
        "+14155550167",
        "+14155550168",
        "+14155550169",
    ]


def test_an_empty_form_reads_as_empty_rows():
    examples, notes = read_escalation_submission({}, 3)
    assert examples == [ExampleInput("", None, "")] * 3 and notes == ""


SID = "SM" + "a" * 32
TYPED = ExampleInput(SID, 1714560000, "+14155550167")


@pytest.mark.parametrize(
    ("forge", "first", "notes"),
    [
        (lambda v: v.update(example_1_id="junk"), replace(TYPED, message_id=""), "notes"),
        (
            lambda v: v.update(example_1_id={"example_1_id": ["x"]}),
            replace(TYPED, message_id=""),
            "notes",
        ),
        (
            lambda v: v["example_1_id"].update(example_1_id={"value": 42}),
            replace(TYPED, message_id=""),
            "notes",
        ),
        (lambda v: v.pop("example_1_id"), replace(TYPED, message_id=""), "notes"),
        (
            lambda v: v.update(example_1_id={"other": {"value": SID}}),
            replace(TYPED, message_id=""),
            "notes",
        ),
        (
            lambda v: v["example_1_time"]["example_1_time"].update(selected_date_time="1714560000"),
            replace(TYPED, sent_at=None),
            "notes",
        ),
        (
            lambda v: v["example_1_time"]["example_1_time"].update(selected_date_time=True),
            replace(TYPED, sent_at=None),
            "notes",
        ),
        (
            lambda v: v["example_1_time"]["example_1_time"].update(selected_date_time=[1]),
            replace(TYPED, sent_at=None),
            "notes",
        ),
        (
            lambda v: v["example_1_to"].update(example_1_to=None),
            replace(TYPED, recipient=""),
            "notes",
        ),
        (lambda v: v.update(notes={"notes": {"value": {"a": 1}}}), TYPED, ""),
        (lambda v: v.update({7: "not a block id"}), TYPED, "notes"),
    ],
)
def test_forged_fields_read_as_empty_and_never_raise(forge, first, notes):
    view = escalation_modal(E30007, SOURCE, destination=None)
    values = typed(view, [(TYPED.message_id, TYPED.sent_at, TYPED.recipient)], "notes")
    forge(values)
    examples, got_notes = read_escalation_submission(values, 3)
    assert examples == [first, ExampleInput("", None, ""), ExampleInput("", None, "")]
    assert got_notes == notes


@pytest.mark.parametrize("values", [None, [], "values", 42])
def test_state_that_is_not_an_object_is_refused(values):
    with pytest.raises(ValueError):
        read_escalation_submission(values, 3)  # type: ignore[arg-type]


def test_notes_are_cut_at_the_form_s_limit():
    values = {"notes": {"notes": {"value": "n" * 5000}}}
    assert len(read_escalation_submission(values, 1)[1]) == 2000


# -- the support channel -----------------------------------------------------------------------


def test_the_support_post_says_who_what_where_and_masks_numbers():
    message = support_message(record(), E30007, mask_numbers=True)
    check_message(message, ours=OURS)
    assert message.blocks[0]["text"]["text"] == (
        "ESC-42 · Twilio 30007: Message filtered as spam by the carrier"
    )
    text = "\n".join(mrkdwn_texts(message.blocks))
    assert "*Requested by* <@U0REQUESTER> in <#C0123456789>" in text
    assert f"<{PERMALINK}|open the thread>" in text
    assert "*Status:* Open" in text
    assert "+1 415 ••• ••67" in text and "+44 20 •••• ••58" in text and "+33 6 •• •• •• 78" in text
    assert "4155550167" not in text and "79460958" not in text
    sent = int((NOW - timedelta(hours=1)).timestamp())
    assert f"<!date^{sent}^{{date_short_pretty}} {{time}}|2024-05-01 11:00 UTC>" in text
    assert "`SM" + "a" * 32 + "`" in text
    assert "*Notes*\nStarted after the new template went live." in text
    assert "*For Twilio support*" in text
    assert message.text == "ESC-42: Twilio 30007: Message filtered as spam by the carrier (open)"


def test_an_operator_can_turn_masking_off():
    text = "\n".join(mrkdwn_texts(support_message(record(), E30007, mask_numbers=False).blocks))
    assert "+1 415 555 0167" in text and "+44 20 7946 0958" in text and "•" not in text


def test_buttons_follow_the_state():
    def labels(r):
        return [
            (b["text"]["text"], b["action_id"], b["value"])
            for b in buttons(support_message(r, E30007, mask_numbers=True).blocks)
        ]

    assert labels(record()) == [
        ("Acknowledge", ACTION_ESCALATION_ACK, "42"),
        ("Resolve", ACTION_ESCALATION_RESOLVE, "42"),
    ]
    acknowledged = record(state="acknowledged", acknowledged_by="U0SUPPORTER")
    assert labels(acknowledged) == [("Resolve", ACTION_ESCALATION_RESOLVE, "42")]
    resolved = record(state="resolved", acknowledged_by="U0SUPPORTER", resolved_by="U0SUPPORTER")
    assert labels(resolved) == []
    for r, status in (
        (acknowledged, "Acknowledged by <@U0SUPPORTER>"),
        (resolved, "Resolved by <@U0SUPPORTER>"),
    ):
        message = support_message(r, E30007, mask_numbers=True)
        check_message(message, ours=OURS)
        assert f"*Status:* {status}" in message.blocks[1]["text"]["text"]


def test_user_text_in_the_support_post_is_escaped():
    hostile = record(
        notes=NASTY,
        examples=(Example("<!channel>&`x`", NOW, "+14155550167"),),
        permalink="https://evil.example/a|<!here>",
        requester="U1> <!channel",
        source_channel="C1><!here",
    )
    message = support_message(hostile, E33000, mask_numbers=True)
    check_message(message, ours=OURS)
    text = "\n".join(mrkdwn_texts(message.blocks))
    assert (
        "*Notes*\n&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;" in text
    )
    assert "`&lt;!channel&gt;&amp;ʼxʼ`" in text
    assert "evil.example" not in text.replace("&lt;https://evil.example|click&gt;", "")
    assert "U1&gt; &lt;!channel" in text and "C1&gt;&lt;!here" in text


def test_a_number_that_is_not_e164_is_still_masked():
    odd = record(examples=(Example("SM" + "a" * 32, NOW, "0044 20 7946 0958"),))
    text = "\n".join(mrkdwn_texts(support_message(odd, E30007, mask_numbers=True).blocks))
    assert "to •••58" in text and "7946" not in text


def test_many_examples_and_long_notes_fit():
    many = tuple(Example(f"SM{n:032x}", NOW, "+14155550167") for n in range(20))
    message = support_message(record(examples=many, notes="n" * 2000), E30007, mask_numbers=False)
    check_message(message, ours=OURS)


# -- notes back to the requester ---------------------------------------------------------------


def test_the_receipt_says_where_it_went():
    message = escalation_receipt(record(), delivered=True)
    check_message(message, ours=OURS)
    assert render_message(message) == (
        "@U0REQUESTER Escalated to support as *ESC-42* in #C0SUPPORT01. "
        "I'll post here when someone acknowledges or resolves it."
    )


@pytest.mark.parametrize(
    ("problem", "why"),
    [
        ("not_in_channel", "I'm not in that channel: `/invite @smserror` there"),
        ("channel_not_found", "I can't see that channel: check it in `/smserror settings`"),
        ("ratelimited", "ratelimited"),
        ("<!channel>", "&lt;!channel&gt;"),
        (None, "Slack refused the post"),
    ],
)
def test_the_receipt_says_it_is_saved_when_it_could_not_be_posted(problem, why):
    message = escalation_receipt(record(), delivered=False, problem=problem)
    check_message(message, ours=OURS)
    text = message.blocks[0]["text"]["text"]
    assert f"saved as *ESC-42*, but I could not post it in <#C0SUPPORT01> ({why})." in text
    assert "I'll keep trying" in text


def test_the_requester_hears_who_acknowledged_and_resolved():
    acked = escalation_update(
        record(state="acknowledged", acknowledged_by="U0SUPPORTER"), by="U0SUPPORTER"
    )
    check_message(acked, ours=OURS)
    assert render_message(acked) == "@U0REQUESTER *ESC-42* was acknowledged by @U0SUPPORTER."
    done = escalation_update(record(state="resolved", resolved_by="U0SUPPORTER"), by="U0SUPPORTER")
    assert render_message(done) == "@U0REQUESTER *ESC-42* was resolved by @U0SUPPORTER."


# -- lists -------------------------------------------------------------------------------------


def test_open_escalations_one_line_each():
    records = [
        record(),
        record(id=43, state="acknowledged", acknowledged_by="U0SUPPORTER"),
        record(id=44, state="resolved"),
        record(id=45, provider="acme", code="7001"),  # an entry an operator has since removed
    ]
    message = escalations_list(records, CATALOG)
    check_message(message, ours=OURS)
    lines = message.blocks[0]["text"]["text"].split("\n")
    assert lines[0] == "*Open escalations (3)*"
    created = int(NOW.timestamp())
    assert lines[1] == (
        f"*ESC-42* · Twilio 30007 · Open · opened <!date^{created}^{{ago}}|2024-05-01 12:00 UTC>"
        " · from <#C0123456789> · by <@U0REQUESTER>"
    )
    assert "· Acknowledged by <@U0SUPPORTER> ·" in lines[2]
    assert lines[3].startswith("*ESC-45* · acme 7001 · Open")
    assert message.text == "3 open escalations"


def test_no_open_escalations():
    message = escalations_list([record(state="resolved")], CATALOG)
    check_message(message)
    assert render_message(message).startswith("No open escalations.")


def test_a_long_list_stays_within_the_block_limit():
    message = escalations_list([record(id=n) for n in range(1, 2000)], CATALOG)
    check_message(message, ours=OURS)
    assert message.blocks[-1]["elements"][0]["text"].startswith("…and more")


def test_stats_show_each_code_against_the_period_before():
    e40300 = CATALOG.get("telnyx", "40300")
    current = [(E30007, 5), (E21610, 2), (e40300, 2), (E33000, 1)]
    before = {E30007.key: 3, E21610.key: 4, e40300.key: 2}
    message = stats_message("C0123456789", 7, current, before)
    check_message(message)
    lines = message.blocks[0]["text"]["text"].split("\n")
    assert lines[0] == "*Top error codes in <#C0123456789>, last 7 days*"
    assert lines[1].startswith("1. *Twilio 30007* Message filtered") and lines[1].endswith(
        "· 5 (▲ 2)"
    )
    assert lines[2].endswith("· 2 (▼ 2)")
    assert lines[3].endswith("· 2 (=)")
    assert lines[4].endswith("· 1 (new)")
    assert message.text.startswith("Top error codes, last 7 days: Twilio 30007 (5), ")


def test_stats_for_a_quiet_channel():
    message = stats_message("C0123456789", 1, [], {})
    check_message(message)
    assert (
        message.blocks[0]["text"]["text"]
        == "No error codes seen in <#C0123456789> in the last day."
    )


def test_home_shows_the_week_s_top_codes():
    view = home_view(
        channels=[], providers=CATALOG.providers, top_codes=[(E30007, 12), (E21610, 1)]
    )
    check_view(view)
    text = render_view(view)
    assert "Top error codes this week" in text
    assert "1. *Twilio 30007* Message filtered as spam by the carrier · 12 times" in text
    assert "2. *Twilio 21610* Recipient opted out (STOP) · once" in text


def test_cards_of_every_entry_with_guidance_fit_with_a_note():
    for entry in (e for e in CATALOG if e.escalation):
        check_message(entry_card(entry, share=True, recurring=RECURRING))
        check_blocks(compact_card(entry, share=True, recurring=RECURRING), limits.MESSAGE_BLOCKS)
