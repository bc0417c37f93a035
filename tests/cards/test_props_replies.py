"""Properties of what /smserror answers: any text a person types, escaped by Slack or not, gets
a reply within Block Kit's limits in which none of that text can ping, link or format as markup.

The path is the listener's: unescape -> help or lookup -> lookup_reply.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from props import CATALOG_WORDS, ENTRIES, SLACK_MARKUP, TEXT
from test_limits import check_message, mrkdwn_texts

from bot.cards.blocks import help_message, lookup_reply, matches_reply
from bot.cards.message import Message
from bot.cards.parts import link
from bot.core.command import HELP_WORDS, asks_for_help
from bot.core.escape import escape, unescape
from bot.core.lookup import lookup

# The only markup a reply may carry: links to the catalog's docs pages, which we write.
OUR_LINKS = sorted(
    {link(e.docs_url, f"{e.provider_name} docs") for e in ENTRIES if e.docs_url}, key=len
)[::-1]
USER_MARKUP = re.compile(r"<[!@#]|<(?:https?|mailto|tel):")


def slash_reply(sent: str) -> Message:
    """What /smserror answers for the command text Slack sent."""
    text = unescape(sent).strip()
    if asks_for_help(text):
        return help_message()
    return lookup_reply(lookup(text))


def check_markup(message: Message) -> None:
    for field in [message.text, *mrkdwn_texts(message.blocks)]:
        for ours in OUR_LINKS:
            field = field.replace(ours, "")
        assert "<" not in field, field  # every other "<" the person typed came back as "&lt;"
        assert not USER_MARKUP.search(field)


# What a person types: their words with mentions, broadcasts and links mixed in, often around
# a code or words the catalog knows so the reply carries cards that name the query.
TYPED = st.lists(
    st.one_of(TEXT, SLACK_MARKUP, CATALOG_WORDS, st.sampled_from(["opted out", "&", ">", "<"])),
    max_size=6,
).map(" ".join)


@settings(max_examples=150)
@given(TYPED, st.booleans())
def test_any_command_text_gets_a_safe_reply_within_limits(typed, slack_escaped):
    sent = escape(typed) if slack_escaped else typed  # Slack sends & < > escaped
    reply = slash_reply(sent)
    check_message(reply)
    check_markup(reply)


@given(st.sampled_from(sorted(HELP_WORDS)), st.sampled_from(["", " ", "\n", "  \t"]), st.booleans())
def test_help_in_any_case_and_spacing_gets_the_help_message(word, space, upper):
    typed = space + (word.upper() if upper else word) + space
    assert slash_reply(typed) == help_message()
    check_message(help_message())
    check_markup(help_message())


# Any size from 1 to 60 equally often: hypothesis alone rarely draws lists long enough to overflow.
ENTRY_LISTS = st.integers(1, 60).flatmap(
    lambda n: st.lists(st.sampled_from(ENTRIES), min_size=n, max_size=n, unique_by=lambda e: e.key)
)


@given(ENTRY_LISTS, st.none() | TYPED)
def test_matches_reply_over_any_entries_stays_within_limits(entries, note):
    reply = matches_reply(entries, note=note)
    check_message(reply)
    check_markup(reply)


# Text made of the characters and entities escaping is about, or any text at all.
ENTITY_SOUP = st.lists(st.sampled_from(["&", "<", ">", "&lt;", "&gt;", "&amp;", "lt;", "a "])).map(
    "".join
)


@given(ENTITY_SOUP | st.text())
def test_unescape_reads_back_what_escape_wrote(text):
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text  # "&amp;lt;" is the text "&lt;", not "<"
