"""Properties of lookup over any query: it never raises, ranks by score, stays within 0-100 and
only answers with catalog entries; "provider code" finds every entry exactly."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from props import CATALOG, CATALOG_WORDS, ENTRIES, TEXT

from bot.core.lookup import EXACT, MAX_QUERY, lookup

PHRASES = sorted({p for e in ENTRIES for p in (e.title, *e.aliases, *e.keywords)})


@st.composite
def typed_phrase(draw) -> str:
    """A catalog phrase as people half-remember it: cut short, a letter dropped, other case."""
    phrase = draw(st.sampled_from(PHRASES))
    cut = draw(st.integers(3, max(3, len(phrase))))
    phrase = phrase[:cut]
    if len(phrase) > 3 and draw(st.booleans()):
        i = draw(st.integers(0, len(phrase) - 1))
        phrase = phrase[:i] + phrase[i + 1 :]
    return draw(st.sampled_from([phrase, phrase.lower(), phrase.upper(), f"twilio {phrase}"]))


# Queries people type: words, a message-like text, any text, or catalog words with decoration.
QUERY = st.one_of(
    typed_phrase(),
    typed_phrase(),
    TEXT,
    st.text(max_size=MAX_QUERY + 20),
    st.tuples(
        st.sampled_from(["", "error ", "code: ", "twilio ", "Telnyx err #", "status=", "`"]),
        CATALOG_WORDS,
        st.sampled_from(["", "s", "`", " keeps failing", "?", "0", " 30007"]),
    ).map("".join),
    st.integers(0, 10**7).map(str),
)


@settings(max_examples=200)
@given(QUERY)
def test_any_query_gets_ranked_catalog_entries(query):
    answer = lookup(query)
    scores = [hit.score for hit in answer.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= EXACT for score in scores)
    assert all(CATALOG.get(*hit.entry.key) is hit.entry for hit in answer.hits)
    assert all(CATALOG.get(*entry.key) is entry for entry in answer.suggestions)
    assert len(answer.query) <= MAX_QUERY


SHARED = Counter((e.provider, e.code.casefold()) for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: "|".join(filter(None, e.key)))
def test_provider_and_code_finds_the_entry_first(entry):
    hits = lookup(f"{entry.provider_name} {entry.code}").hits
    exact = [hit.entry for hit in hits if hit.score >= EXACT]
    assert hits and hits[0].score == EXACT
    assert entry in exact
    if SHARED[(entry.provider, entry.code.casefold())] == 1:
        assert hits[0].entry is entry  # a code repeated across scopes ties, in catalog order
