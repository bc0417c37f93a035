"""No English left in a French card, beyond codes and names: every entry's card, and every
golden card, modal and message family as a French reader gets it (golden/fr/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cards.blocks import compact_card, entry_card
from bot.cards.text import entry_text
from bot.core.catalog import default_catalog
from bot.strings import speaking

GOLDEN_FR = Path(__file__).resolve().parents[1] / "golden" / "fr"
CATALOG = default_catalog()

# English words that no French sentence uses and no API field is named: one of them in a
# French card is a sentence, or a piece of one, left untranslated. (Field and status names,
# "From" or "delivered", are kept as the APIs write them, so they are not on this list.)
ENGLISH = frozenset(
    """the and with your you this that have has was were will would which when what there their
    they been into only please again sorry went wrong should could about after before
    because its it's isn't don't can't won't here while where who why how our we i'm i'll
    more most some any every each other than then also just over see shows pick choose make
    sure using escalate escalation examples example settings""".split()  # noqa: SIM905
)
# Names of products, registries, headers and pages, which stay as their owners write them.
_PRODUCTS = {
    "The Campaign Registry",
    "Retry-After",
    "Active Numbers",
    "Account SID",
    "AT and T",
    "Verification Check",
    "Phone Numbers",
    "Phone Number Redaction",
    "Alphanumeric Sender ID",
    "Sticky Sender",
    "Your {{app}} code is {{code}}",
    # API fields and values, quoted as the API writes them
    "reply-to",
    "in-use",
    "valeur from",
    "numéro from",
    "(undelivered)",
    "statut Failed",
    "valeur de Channel",
}
# What may stay as written: links, mentions and dates, code spans, and words in capitals.
_LINKS = re.compile(r"<[^>]*>|https?://\S+")
_NOT_PROSE = re.compile(r"`[^`]*`|«[^»]*»|\b[A-Z0-9_]{2,}\b")
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")


def _texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for k, v in node.items() if k != "text" or not found for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def english_in(text: str, names: set[str]) -> list[str]:
    prose = _LINKS.sub(" ", " ".join(text.split()))  # a wrapped line is one line again
    for name in sorted((" ".join(n.split()) for n in names), key=len, reverse=True):
        prose = prose.replace(name, " ")
    prose = _NOT_PROSE.sub(" ", prose)
    return [w for w in _WORD.findall(prose) if w.casefold() in ENGLISH]


def _names(entry) -> set[str]:
    """What an entry's French card may show in English: its code, names and team."""
    names = {entry.code, entry.label, entry.provider_name, *entry.aliases, *_PRODUCTS}
    if entry.scope:
        names.add(f"({entry.scope.replace('_', ' ')})")
    if entry.escalation:
        names.add(entry.escalation.team)
    return names


def test_no_english_in_any_entrys_french_card() -> None:
    left = {}
    with speaking("fr"):
        for entry in CATALOG:
            blocks = [*entry_card(entry, share=True).blocks, *compact_card(entry, share=True)]
            text = "\n".join(_texts(blocks)) + "\n" + entry_text(entry)
            if words := english_in(text, _names(entry)):
                left[entry.label] = words
    assert left == {}


@pytest.mark.parametrize("path", sorted(GOLDEN_FR.glob("*.json")), ids=lambda p: p.stem)
def test_no_english_in_a_french_golden(path: Path) -> None:
    # The golden builders' own inputs (a note, a query) are typed by a person, in English.
    typed = {
        "Edited message: new codes only",
        "&lt;!channel&gt; banana",
        "smspartner 14",
        "Started after the new template went live.",
        "Since Monday's template. &lt;!channel&gt; &amp; &lt;@U123&gt; said it's "
        "&lt;b&gt;bad&lt;/b&gt;",
    }
    names = {n for e in CATALOG for n in _names(e)} | {"smserror", "Slack", "App Home"} | typed
    text = "\n".join(_texts(json.loads(path.read_text("utf-8"))))
    assert english_in(text, names) == []


def test_the_check_sees_english() -> None:
    assert english_in("Ce qui s'est passé : the message was refused", set()) == ["the", "was"]
