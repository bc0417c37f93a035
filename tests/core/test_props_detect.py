"""Properties of the detector over any message text: it never raises, its spans point at what it
found, in order, and a plain "Twilio error 30007" is found whatever neutral words surround it."""

from __future__ import annotations

import io
import json
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st
from props import CATALOG, ENTRIES, INDEX, PROVIDERS, TEXT, long_text

from bot import detect_stream
from bot.core.detect import Detector, Match, default_detector, detect
from bot.core.detect.index import LONG_CODE, is_plain_word, is_symbolic
from bot.detect_stream import MAX_BYTES


def spellings(match: Match) -> set[str]:
    return {name.casefold() for name in (match.code, *match.aliases)}


def preferred(providers) -> set[str]:
    return {slug for p in providers if (slug := INDEX.provider_of(p))}


def named_in(text: str) -> set[str]:
    return {
        slug for m in INDEX.providers.pattern.finditer(text) if (slug := INDEX.provider_of(m[0]))
    }


def check_matches(text: str, providers, matches: list[Match]) -> None:
    starts = [m.span[0] for m in matches]
    assert starts == sorted(starts), "matches out of text order"
    assert len({m.entry.key for m in matches}) == len(matches), "an entry reported twice"
    allowed_small = preferred(providers) | named_in(text)
    for m in matches:
        start, end = m.span
        assert 0 <= start < end <= len(text)
        assert text[start:end].casefold() in spellings(m), (text[start:end], m.entry.key)
        assert m.entry in CATALOG.with_code(m.code)
        written = text[start:end]
        if written.isdigit() and len(written) < LONG_CODE:
            # Short numbers are everyday numbers: they count as codes only for a provider the
            # channel prefers or the message names (a name like EC_ABSENT_SUBSCRIBER needs none).
            assert m.provider in allowed_small, (m.entry.key, providers)


@settings(max_examples=200)
@given(TEXT, PROVIDERS, TEXT)
def test_any_text_gives_matches_that_point_at_what_they_found(text, providers, other):
    matches = detect(text, providers=providers)
    check_matches(text, providers, matches)
    # Nothing carried between messages: a detector that has seen many answers like a new one.
    detect(other, providers=["smspartner"])
    assert detect(text, providers=providers) == matches
    assert Detector(CATALOG).detect(text, providers=providers) == matches


# SMSPartner codes that repeat across endpoints, and the words that pick an endpoint: which
# ones a message names is worked out per message, and must not leak into the next one.
SCOPED = sorted({e.code for e in ENTRIES if len(CATALOG.with_code(e.code)) > 2 and e.scope})
SCOPED_MESSAGE = st.tuples(
    st.lists(st.sampled_from(["send", "cancel", "status", "hlr status", "mail", "verify", "the"])),
    st.sampled_from(SCOPED),
).map(lambda t: " ".join(t[0]) + f" SMSPartner error {t[1]}")


@given(st.lists(SCOPED_MESSAGE, min_size=2, max_size=4))
def test_the_endpoints_a_message_names_are_its_own(messages):
    for text in messages:
        assert detect(text) == Detector(CATALOG).detect(text), text


@given(TEXT, st.sampled_from(["", "nonsense", "twilioo", "<!channel>"]))
def test_unknown_providers_are_the_same_as_none(text, provider):
    alone = detect(text)
    assert detect(text, providers=[provider]) == alone
    assert detect(text, providers=provider) == alone  # one provider given bare


@settings(max_examples=12)
@given(long_text(), PROVIDERS)
def test_messages_up_to_the_cap_are_handled(text, providers):
    check_matches(text, providers, detect(text, providers=providers))


# -- a known phrase in neutral surroundings ---------------------------------------------------

# Words that, by bot/core/detect/words.py and context.py, say nothing about a number next to them:
# no error, thing, count, quantity, HTTP, state or street word, no provider, no scope word
# ("send", "status", "mail"...), no digits, and no character that starts a link, mention,
# e-mail address, money amount or flag.
NEUTRAL = [
    "we",
    "saw",
    "this",
    "again",
    "today",
    "please",
    "look",
    "hmm",
    "thanks",
    "yesterday",
    "after",
    "the",
    "deploy",
    "still",
    "happening",
    "any",
    "idea",
    "why",
    "folks",
    "weird",
    "🙏",
    "déjà",
    ":eyes:",
    "<@U123>",
    "<!here>",
    "(",
    ")",
    "?",
    "…",
]
NEUTRAL_SEPARATORS = [" ", "\n", ", ", ". ", "  ", "\t"]


def phrase_for(entry, token: str) -> str:
    """What goes before `token`: a bare capitalised word (EXPIRED) is a status only after a
    status word, anything else only needs "error"."""
    lead = "DLR status" if is_plain_word(token) else "error"
    return f"{entry.provider_name} {lead} "


def findable(entry) -> list[str]:
    """The tokens a message can name this entry by: its code if numeric, its symbolic names."""
    tokens = [entry.code] if entry.code.isdigit() else []
    return tokens + [n for n in (entry.code, *entry.aliases) if is_symbolic(n)]


NAMED_BY = [(e, token) for e in ENTRIES for token in findable(e)]
WORDS = st.lists(
    st.tuples(st.sampled_from(NEUTRAL), st.sampled_from(NEUTRAL_SEPARATORS)), max_size=12
).map(lambda pairs: "".join(w + s for w, s in pairs))


def check_found(entry, token: str, before: str, gap: str, after: str) -> None:
    head = before + gap + phrase_for(entry, token)
    text = head + token + gap + after
    span = (len(head), len(head) + len(token))
    hits = [m for m in detect(text) if m.span == span and m.provider == entry.provider]
    assert hits, (text, entry.key)
    assert all(token.casefold() in spellings(m) for m in hits)


@settings(max_examples=200)  # cheap; random surroundings for some of the 436 (entry, token) pairs
@given(st.sampled_from(NAMED_BY), WORDS, WORDS, st.sampled_from(NEUTRAL_SEPARATORS))
def test_a_known_phrase_is_found_among_neutral_words(named_by, before, after, gap):
    check_found(*named_by, before, gap, after)


def test_every_known_phrase_is_found_in_a_plain_sentence():
    for entry, token in NAMED_BY:
        check_found(entry, token, "hmm <@U123> we saw", " ", "again today :eyes:")


# -- `smserror detect`: bytes in, one answer line out per line ---------------------------------


def answer_lines(data: bytes, *, as_json: bool) -> list[bytes]:
    """detect_stream.run over `data` as standard input, in process: the answer lines written."""
    with tempfile.TemporaryFile() as stdin:
        stdin.write(data)
        stdin.seek(0)
        out = io.BytesIO()
        detect_stream.run(stdin.fileno(), out, default_detector(), as_json=as_json)
    written = out.getvalue()
    assert written == b"" or written.endswith(b"\n")
    return written.split(b"\n")[:-1]


def lines_in(data: bytes) -> int:
    """Lines as `smserror detect` counts them: each newline ends one, and so does the end of
    input after anything unterminated."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


# Input lines as they come: chat text, JSON lines, invalid UTF-8, NULs, CRs, and deep JSON.
LINE = st.one_of(
    TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(TEXT, PROVIDERS).map(
        lambda t: json.dumps({"text": t[0], "providers": t[1]}).encode()
    ),
    st.binary(max_size=60),
    st.sampled_from(
        [
            b"\xff\xfe error 30007",
            b"error 30007\x00",
            b"\xe2\x82",  # a character cut short
            b'{"text": "\\ud800 error 30007"}',  # a lone surrogate, escaped
            b'{"text": 30007}',
            b'{"text": "error 30007"',  # cut short
            b"{" * 3000,
            b'{"a": ' + b"[" * 3000,  # nested deeper than json.loads can follow
        ]
    ),
)
STDIN = st.lists(st.tuples(LINE, st.sampled_from([b"\n", b"\r\n"])), max_size=8).flatmap(
    lambda lines: st.sampled_from([b"", b"\n", b"tail without newline"]).map(
        lambda end: b"".join(line + sep for line, sep in lines) + end
    )
)


@given(STDIN, st.booleans())
def test_any_bytes_on_stdin_get_one_answer_line_each(data, as_json):
    lines = answer_lines(data, as_json=as_json)
    assert len(lines) == lines_in(data)
    if as_json:
        assert all(isinstance(json.loads(line)["matches"], list) for line in lines)


# Around the cap on one line's bytes, and far past it.
HUGE = st.one_of(
    st.sampled_from([MAX_BYTES - 1, MAX_BYTES, MAX_BYTES + 1, 3 * MAX_BYTES + 7]),
    st.integers(1, 3 * MAX_BYTES),
)


@settings(max_examples=8)
@given(HUGE, st.sampled_from([b"3", b"\xff", b"\xe2\x82\xac", b"\x00", b"{["]))
def test_a_huge_line_gets_one_answer(length, unit):
    data = b"error 30007 " + unit * (length // len(unit)) + b"\nerror 30008\n"
    lines = answer_lines(data, as_json=True)
    assert len(lines) == 2
    assert [m["code"] for m in json.loads(lines[1])["matches"]] == ["30008"]


def test_json_nested_too_deep_is_read_as_text():
    """Regression: json.loads raised RecursionError, and `smserror detect` died with a
    traceback instead of answering the line."""
    line = '{"a": ' + "[" * 5000 + " error 30007"
    assert detect_stream.message_of(line, ("twilio",)) == (line, ("twilio",))
    assert len(answer_lines(line.encode() + b"\n", as_json=False)) == 1
