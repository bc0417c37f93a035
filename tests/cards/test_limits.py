"""Cards stay inside Slack's limits for every catalog entry, and never ping anyone by accident.

Slack refuses a whole message when one field is too long, and mrkdwn turns "<!channel>" into a
ping: both are checked here over the whole catalog and every path that echoes user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.cards import limits
from bot.cards.blocks import (
    DETAILS_PATTERN,
    SUGGEST_PATTERN,
    EscalationSource,
    compact_card,
    entry_card,
    entry_ref,
    escalation_modal,
    explain_modal,
    help_message,
    home_view,
    lookup_reply,
    matches_reply,
    parse_ref,
    read_settings_submission,
    settings_modal,
    support_message,
)
from bot.cards.limits import clip, size
from bot.cards.message import Message
from bot.core.catalog import Entry, EscalationPolicy, default_catalog
from bot.core.channels import ChannelSettings
from bot.core.lookup import Answer, Hit
from bot.core.records import Example

CATALOG = default_catalog()
ENTRIES = list(CATALOG)
PING = re.compile(r"<[!@]")  # a live mention or broadcast in mrkdwn


def objects(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from objects(value)


def mrkdwn_texts(blocks) -> list[str]:
    return [o["text"] for o in objects(blocks) if o.get("type") == "mrkdwn"]


def check_blocks(blocks, most: int) -> None:
    """Within Slack's limits, and slack_sdk parses each block back to the same dict."""
    assert 0 < len(blocks) <= most
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block  # to_dict() validates lengths
        kind = block["type"]
        if kind == "header":
            assert size(block["text"]["text"]) <= limits.HEADER_TEXT
        if kind == "section" and "text" in block:
            assert size(block["text"]["text"]) <= limits.SECTION_TEXT
        if kind == "context":
            assert len(block["elements"]) <= limits.CONTEXT_ELEMENTS
            assert all(size(e["text"]) <= limits.CONTEXT_TEXT for e in block["elements"])
        ids = [o["action_id"] for o in objects(block) if "action_id" in o]
        assert len(ids) == len(set(ids)), f"duplicate action ids in one block: {ids}"
    for button in (o for o in objects(blocks) if o.get("type") == "button"):
        assert size(button["text"]["text"]) <= limits.BUTTON_TEXT
        assert 0 < size(button["value"]) <= limits.BUTTON_VALUE
        assert size(button["action_id"]) <= limits.ACTION_ID


def check_message(
    message: Message, most: int = limits.MESSAGE_BLOCKS, *, ours: str | None = None
) -> None:
    """`ours`: a pattern for the mentions and date tokens a message writes on purpose (the
    requester, a Slack date); every other "<@" or "<!" is a ping someone typed."""
    check_blocks(list(message.blocks), most)
    assert 0 < size(message.text) <= limits.FALLBACK_TEXT
    for text in [message.text, *mrkdwn_texts(message.blocks)]:
        left = re.sub(ours, "", text) if ours else text
        assert not PING.search(left), text


def check_view(view: dict) -> None:
    check_blocks(view["blocks"], limits.VIEW_BLOCKS)
    assert View(**view).to_dict() == view


# -- every catalog entry -----------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: "|".join(filter(None, e.key)))
def test_every_entry_fits(entry):
    check_message(entry_card(entry))
    check_message(entry_card(entry, share=True, note="Edited message: new codes only"))
    check_blocks(compact_card(entry), limits.MESSAGE_BLOCKS)
    check_blocks(compact_card(entry, share=True), limits.MESSAGE_BLOCKS)
    assert parse_ref(entry_ref(entry)) == entry.key


def test_details_ids_are_unique_across_the_catalog():
    ids = [b["action_id"] for e in ENTRIES for b in objects(compact_card(e)) if "action_id" in b]
    details = [i for i in ids if DETAILS_PATTERN.match(i)]
    assert len(details) == len(set(details)) == len(ENTRIES)


# -- block counts ------------------------------------------------------------------------------


def test_sixty_matches_stay_within_fifty_blocks():
    reply = matches_reply(ENTRIES[:60], note="Edited message: new codes only")
    check_message(reply)
    shown = sum(1 for b in reply.blocks if b["type"] == "actions")
    last = reply.blocks[-1]["elements"][0]["text"]
    assert last.startswith(f"…and {60 - shown} more:")
    assert reply.text.startswith("60 error codes in this message: ")


def test_a_long_lookup_stays_within_fifty_blocks():
    answer = Answer("14", tuple(Hit(e, 100.0, "exact code") for e in ENTRIES[:40]))
    reply = lookup_reply(answer)
    check_message(reply)
    assert reply.blocks[-1]["elements"][0]["text"].startswith("…and ")


def test_views_stay_within_a_hundred_blocks():
    check_view(explain_modal(ENTRIES[:40], nothing_found=False))
    channels = [(f"C{n:08d}", ChannelSettings(providers=("twilio",))) for n in range(150)]
    home = home_view(channels=channels, providers=CATALOG.providers)
    check_view(home)
    assert "…and " in home["blocks"][-1]["elements"][0]["text"]


def test_small_replies_are_valid():
    check_message(help_message())
    check_view(home_view(channels=[], providers=CATALOG.providers))
    check_view(explain_modal([], nothing_found=True))
    check_view(settings_modal("C0123", ChannelSettings(), CATALOG.providers))


# -- clipping ----------------------------------------------------------------------------------


def test_clip_leaves_short_text_alone():
    assert clip("30007", 5) == "30007"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcdef", 4, "abc…"),
        ("ab 👍🏽 cd", 5, "ab…"),  # skin tone stays with its thumb (👍🏽 is 4 UTF-16 units)
        ("ab 🇫🇷🇩🇪", 8, "ab 🇫🇷…"),  # flags are pairs of regional indicators
        ("ab 🇫🇷🇩🇪", 7, "ab…"),
        ("a 👨\u200d👩\u200d👧 b", 8, "a…"),  # a family is one character
        ("cafe\u0301 au lait", 5, "caf…"),  # é as e + combining accent
        ("Tom &amp; Jerry", 8, "Tom…"),  # never half an escape
        ("Tom &amp; Jerry", 11, "Tom &amp;…"),
    ],
)
def test_clip_cuts_on_safe_boundaries(text, limit, expected):
    assert clip(text, limit) == expected
    assert size(clip(text, limit)) <= limit


def test_clip_never_leaves_a_link_open():
    text = "See <https://www.twilio.com/docs/api/errors/30007|Twilio docs> for more"
    assert clip(text, 30, markup=True) == "See…"
    end = text.index(">") + 1
    assert clip(text, end + 1, markup=True) == text[:end] + "…"
    assert clip(text, end, markup=True) == "See…"


def test_clip_counts_utf16_units():
    assert size("👍") == 2
    assert clip("👍👍👍", 5) == "👍👍…"


def test_long_catalog_text_is_clipped_not_refused():
    long = make_entry(title="T" * 400, cause="C" * 5000, fix=("F" * 4000,))
    card = entry_card(long, share=True)
    check_message(card)
    assert card.blocks[0]["text"]["text"].endswith("…")


# -- escaping every user text ------------------------------------------------------------------

NASTY = "<!channel> & <@U123> <https://evil.example|click>"


def make_entry(**changes) -> Entry:
    base = CATALOG.get("twilio", "30007")
    assert base is not None
    return Entry(**{**base.__dict__, **changes})


def test_a_query_that_matches_nothing_is_escaped():
    reply = lookup_reply(Answer(NASTY, (), tuple(ENTRIES[:3])))
    check_message(reply)
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in reply.blocks[0]["text"]["text"]
    assert "&lt;!channel&gt;" in reply.text
    assert [b["action_id"] for b in reply.blocks[2]["elements"]] == [
        "suggest:0",
        "suggest:1",
        "suggest:2",
    ]
    assert all(SUGGEST_PATTERN.match(b["action_id"]) for b in reply.blocks[2]["elements"])


def test_a_fuzzy_match_names_the_escaped_query():
    reply = lookup_reply(Answer(NASTY, (Hit(ENTRIES[0], 60.0, "words"),)))
    check_message(reply)
    assert "&lt;!channel&gt;" in reply.blocks[0]["elements"][0]["text"]


def test_several_hits_name_the_escaped_query():
    reply = lookup_reply(Answer(NASTY, tuple(Hit(e, 100.0, "exact") for e in ENTRIES[:3])))
    check_message(reply)
    assert "&lt;@U123&gt;" in reply.blocks[0]["text"]["text"]


def test_notes_are_escaped():
    check_message(matches_reply(ENTRIES[:1], note=NASTY))
    check_message(matches_reply(ENTRIES[:3], note=NASTY))


def test_catalog_text_is_escaped_in_mrkdwn_and_left_alone_in_plain_text():
    """Operators write catalog files too: their text must not ping or inject links."""
    hostile = make_entry(
        title="Blocked <b> & co",
        cause=NASTY,
        fix=(NASTY, "Then <!here>."),
        aliases=("<@U999>",),
        escalation=EscalationPolicy(when=NASTY, collect=("<!everyone>",), team="<!subteam^S1>"),
        docs_url="https://docs.example/a?b=1&c=<d>|e",
    )
    for message in (entry_card(hostile, share=True), matches_reply([hostile, ENTRIES[0]])):
        check_message(message)
    card = entry_card(hostile)
    assert card.blocks[0]["text"]["text"] == "Twilio 30007: Blocked <b> & co"  # plain_text
    assert "<https://docs.example/a?b=1&amp;c=&lt;d&gt;%7Ce|Twilio docs>" in mrkdwn_texts(
        card.blocks
    )
    explain = explain_modal([hostile], nothing_found=False)
    assert not any(PING.search(t) for t in mrkdwn_texts(explain["blocks"]))


ESCALATING = [e for e in ENTRIES if e.escalation]


@pytest.mark.parametrize("entry", ESCALATING, ids=lambda e: "|".join(filter(None, e.key)))
def test_every_escalation_form_and_post_fits(entry):
    from test_escalation import PERMALINK, record

    source = EscalationSource("C0123456789", "1714564800.000100", PERMALINK, entry_ref(entry))
    check_view(escalation_modal(entry, source, destination="C0SUPPORT01"))
    check_view(escalation_modal(entry, source, destination=None, rows=20))
    examples = tuple(
        Example(f"id-{n}-" + "x" * 90, datetime(2024, 5, 1, tzinfo=timezone.utc), "+14155550167")
        for n in range(20)
    )
    long = record(
        provider=entry.provider,
        code=entry.code,
        scope=entry.scope,
        examples=examples,
        notes=NASTY * 40,
    )
    ours = r"<@U0REQUESTER>|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|]+>"
    for masked in (True, False):
        check_message(support_message(long, entry, mask_numbers=masked), ours=ours)


def test_the_escalation_form_escapes_catalog_text():
    from test_escalation import SOURCE

    hostile = make_entry(
        title="Blocked <!here>",
        escalation=EscalationPolicy(when=NASTY, collect=("<!everyone>",), team="<!subteam^S1>"),
    )
    view = escalation_modal(hostile, SOURCE, destination="C1>x")
    check_view(view)
    assert not any(PING.search(t) for t in mrkdwn_texts(view["blocks"]))
    assert "I'll post it in C1&gt;x" in view["blocks"][0]["text"]["text"]


def test_home_view_escapes_what_it_did_not_write():
    providers = {"twilio": "Twilio <!channel>"}
    view = home_view(
        channels=[("C1>x", ChannelSettings(providers=("twilio",)))], providers=providers
    )
    line = view["blocks"][-1]["text"]["text"]
    assert line.startswith("<#C1&gt;x>: ")
    assert "Twilio &lt;!channel&gt;" in line


# -- references and settings come back from Slack ----------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "twilio",
        "twilio|30007",
        "twilio|30007|send|x",
        "Twilio|30007|",
        "twilio||",
        "twilio|30007|SEND",
        "twilio|<!channel>|",
        "twilio|30007|\n",
        "twilio|30007\n|",
        "t|30007|",
        "twilio|" + "9" * 61 + "|",
        "x" * 3000,
        None,
        42,
    ],
)
def test_parse_ref_rejects_garbage(value):
    with pytest.raises(ValueError):
        parse_ref(value)


def test_parse_ref_reads_what_entry_ref_writes():
    assert parse_ref("twilio|30007|") == ("twilio", "30007", None)
    assert parse_ref("smspartner|14|send") == ("smspartner", "14", "send")
    assert parse_ref("salesmsg|Stopped by user|") == ("salesmsg", "Stopped by user", None)


def submitted(view: dict) -> dict:
    """view.state.values as Slack would send them if the user saved without changing anything."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "radio_buttons":
            state = {"selected_option": element.get("initial_option")}
        elif kind == "multi_static_select":
            state = {"selected_options": element.get("initial_options", [])}
        else:
            state = {"selected_conversation": element.get("initial_conversation")}
        values[block["block_id"]] = {element["action_id"]: {"type": kind, **state}}
    return values


@pytest.mark.parametrize(
    "settings",
    [
        ChannelSettings(),
        ChannelSettings(auto_reply=False, providers=("twilio", "telnyx"), answer_bots=True),
        ChannelSettings(providers=("telnyx", "twilio"), support_channel="C0SUPPORT01"),
    ],
)
def test_settings_round_trip(settings):
    view = settings_modal("C0123", settings, CATALOG.providers)
    assert view["private_metadata"] == "C0123"
    assert read_settings_submission(submitted(view), CATALOG.providers) == settings


def test_settings_drop_unknown_providers():
    values = submitted(settings_modal("C0123", ChannelSettings(), CATALOG.providers))
    values["providers"]["providers"]["selected_options"] = [
        {"value": "twilio"},
        {"value": "evil<!channel>"},
        {"value": "twilio"},
        "junk",
        {"value": ["unhashable"]},
    ]
    assert read_settings_submission(values, CATALOG.providers).providers == ("twilio",)
    values["providers"] = {"providers": "junk"}
    assert read_settings_submission(values, CATALOG.providers).providers == ()


@pytest.mark.parametrize(
    "forge",
    [
        lambda v: v.pop("auto_reply"),
        lambda v: v["answer_bots"]["answer_bots"].update(selected_option={"value": "maybe"}),
        lambda v: v["support_channel"]["support_channel"].update(selected_conversation="U123"),
        lambda v: v["support_channel"]["support_channel"].update(selected_conversation=["C1"]),
        lambda v: v.update(auto_reply=["junk"]),
        lambda v: v["auto_reply"].update(auto_reply={"selected_option": "on"}),
    ],
)
def test_settings_refuse_forged_values(forge):
    values = submitted(settings_modal("C0123", ChannelSettings(), CATALOG.providers))
    forge(values)
    with pytest.raises(ValueError):
        read_settings_submission(values, CATALOG.providers)
    with pytest.raises(ValueError):
        read_settings_submission(["not", "a", "dict"])  # type: ignore[arg-type]
