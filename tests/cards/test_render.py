"""Blocks as terminal text: what `smserror console` prints is what Slack would show."""

from __future__ import annotations

from bot.cards.blocks import (
    entry_card,
    explain_modal,
    home_view,
    lookup_reply,
    matches_reply,
    settings_modal,
)
from bot.cards.message import Message
from bot.cards.render import RULE, render_message, render_view, unmrkdwn
from bot.core.catalog import load_catalog
from bot.core.channels import ChannelSettings
from bot.core.lookup import Lookup

CATALOG = load_catalog([])
E30007 = CATALOG.get("twilio", "30007")


def test_links_mentions_and_escapes_read_as_text():
    assert unmrkdwn("<https://a.example/?x=1&amp;y=2|docs>") == "docs (https://a.example/?x=1&y=2)"
    assert unmrkdwn("<https://a.example>") == "https://a.example"
    assert unmrkdwn("<#C123> <#C9|general> <@U1> <!here>") == "#C123 #general @U1 @here"
    assert unmrkdwn("&lt;!channel&gt; &amp;lt;") == "<!channel> &lt;"


def test_entry_card_reads_like_the_card():
    text = render_message(entry_card(E30007, share=True, note="Edited message: new codes only"))
    lines = text.splitlines()
    assert lines[:3] == [
        "Edited message: new codes only",
        "Twilio 30007: Message filtered as spam by the carrier",
        "=" * len("Twilio 30007: Message filtered as spam by the carrier"),
    ]
    assert "Twilio docs (https://www.twilio.com/docs/api/errors/30007)" in text
    assert "Send 3 or more examples from the last 7 days." in lines
    assert lines[-1] == "[Share in channel]"


def test_lists_show_dividers_and_buttons():
    entries = [E30007, CATALOG.get("telnyx", "40300")]
    text = render_message(matches_reply(entries))
    assert text.splitlines()[0] == "2 error codes in this message"
    assert RULE in text.splitlines()
    assert text.count("[Details]") == 2


def test_no_match_shows_the_query_as_typed():
    text = render_message(lookup_reply(Lookup(CATALOG).search("<!channel> banana")))
    assert text.splitlines()[0] == "Nothing in the catalog matches “<!channel> banana”."
    assert "&lt;" not in text


def test_message_without_blocks_shows_its_fallback():
    assert render_message(Message("a &amp; b")) == "a & b"


def test_settings_modal_shows_choices_and_buttons():
    settings = ChannelSettings(providers=("twilio",), support_channel="C0SUPPORT01")
    text = render_view(settings_modal("C0123", settings, CATALOG.providers))
    lines = text.splitlines()
    assert lines[:2] == ["Channel settings", "================"]
    assert "How smserror behaves in #C0123." in lines
    assert any(line.startswith("  (•) On — Explain error codes") for line in lines)
    assert "Preferred providers (optional): Twilio" in lines
    assert "Support channel (optional): #C0SUPPORT01" in lines
    assert lines[-1] == "[Save] [Cancel]"


def test_home_and_shortcut_views():
    home = render_view(
        home_view(channels=[("C0123", ChannelSettings(answer_bots=True))], providers={})
    )
    assert "#C0123: auto-reply on · providers: all · bots: on" in home
    assert "[Change]" in home
    assert "[Pick a channel ▾]" in home
    empty = render_view(explain_modal([], nothing_found=True))
    assert "No SMS error codes found in that message." in empty
    assert empty.splitlines()[-1] == "[Close]"
