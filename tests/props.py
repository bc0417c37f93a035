"""Shared hypothesis settings and strategies for the property tests (tests/*/test_props_*.py).

Importing this module loads the "ci" profile: derandomized, no example database, no deadline,
so a property run is the same on every machine and a failure prints the blob to reproduce it.
Set HYPOTHESIS_PROFILE=deep for a longer, randomized hunt on a workstation.
"""

from __future__ import annotations

import copy
import os

from hypothesis import settings
from hypothesis import strategies as st

from bot.core.catalog import default_catalog
from bot.core.detect import default_detector
from bot.detect_stream import MAX_CHARS

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=60
)
settings.register_profile("deep", database=None, deadline=None, print_blob=True, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CATALOG = default_catalog()
ENTRIES = list(CATALOG)
INDEX = default_detector().index
SLUGS = list(CATALOG.providers)

# Everything the catalog would let a message name: codes, aliases, provider slugs and names.
CODES = sorted({e.code for e in ENTRIES})
NAMES = sorted({a for e in ENTRIES for a in e.aliases} | set(INDEX.names))
# What the detector finds without any help: five-digit codes and symbolic names.
FINDABLE = sorted({c for c in CODES if c.isdigit() and len(c) >= 5} | set(INDEX.names))
PROVIDER_WORDS = sorted(
    set(SLUGS) | set(CATALOG.providers.values()) | {"SMS Partner", "sms-partner"}
)

# -- pieces of a chat message ------------------------------------------------------------------

SLACK_MARKUP = st.sampled_from(
    [
        "<@U123>",
        "<@U024BE7LH|bob>",
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S1|@oncall>",
        "<#C024BE7LR|general>",
        "<https://x.example|y>",
        "<https://www.twilio.com/docs/api/errors/30007|docs>",
        "<https://evil.example/?ErrorCode=30003|click>",
        "<mailto:ops@example.com|ops>",
        "<tel:+14045550123>",
        "<!date^1392734382^{date}|Feb 18>",
        "&lt;@U123&gt;",
        "&amp;",
    ]
)
EMOJI = st.sampled_from(
    [":tada:", ":x:", "👍🏽", "🇫🇷🇩🇪", "👨\u200d👩\u200d👧", "1️⃣", "é", "e\u0301", "\ufeff", "\u200b"]
)


def number_shapes(codes: list[str]) -> st.SearchStrategy[str]:
    """Numbers the way logs and people write them, most of them look-alikes of `codes`."""
    return st.one_of(
        st.integers(-(10**12), 10**12).map(str),
        st.integers(0, 10**7).map(lambda n: f"{n:,}"),
        st.floats(allow_nan=False, allow_infinity=False).map(str),
        st.sampled_from(codes).flatmap(
            lambda code: st.sampled_from(
                [
                    code,
                    f"{code}s",
                    f"#{code}",
                    f"${code}",
                    f"{code}%",
                    f"{code}-1234",
                    f"0.0.0.0:{code}",
                    f"{code}/{code}",
                    f"INC-{code}",
                    f"ERR-{code}",
                    f"ErrorCode={code}",
                    f'"error_code": {code}',
                    f"{code}.5",
                    f"+1 404 {code}",
                    f"({code})",
                    f"`{code}`",
                    f"*{code}*",
                ]
            )
        ),
        st.sampled_from(["(404) 300-0712", "+33 6 30 00 70 07", "1-833-300-0700", "٣٠٠٠٧"]),
    )


CONTEXT_WORDS = st.sampled_from(
    [
        "error",
        "Error:",
        "err",
        "code",
        "ErrorCode=",
        "status",
        "stat:",
        "DLR",
        "ticket",
        "order #",
        "zip",
        "Marietta, GA",
        "returns",
        "=>",
        "--port",
        "http",
        "Internal Server Error",
        "OK",
        "messages",
        "send",
        "cancel",
        "hlr status",
        "EC_",
        "３０００７",
    ]
)
CATALOG_WORDS = st.sampled_from(CODES + NAMES + PROVIDER_WORDS)
# Mostly whitespace: glued pieces ("508-34", "30007_x") are rightly not codes.
SEPARATORS = st.sampled_from(
    [" ", " ", " ", "\n", "\n", ", ", ". ", " and ", "\t", "\r\n", "", "/", ":", "-", "=", "_"]
)
# What people write right before a code, from nothing at all to an error field.
LEADS = st.sampled_from(
    [
        *["", "", "error ", "Error: ", "err ", "code ", "ErrorCode=", "twilio ", "telnyx says "],
        *["status ", "DLR stat:", "SMSPartner error ", "ticket ", "$", "got ", "hlr status "],
        "send ",
    ]
)


def fragments(pool: list[str]) -> st.SearchStrategy[str]:
    """One piece of a message: half the time a word from `pool` (a few catalog codes and names
    the message keeps coming back to, so the same code is often written twice) after what people
    write before a code, otherwise chat noise and look-alikes."""
    phrase = st.tuples(LEADS, st.sampled_from(pool)).map("".join)
    noise = st.one_of(
        st.text(max_size=20),
        SLACK_MARKUP,
        EMOJI,
        number_shapes(CODES),
        number_shapes(pool),
        CONTEXT_WORDS,
        CATALOG_WORDS,
        st.sampled_from(pool).map(lambda w: f"```{w}```"),
    )
    return st.one_of(phrase, noise)


def _joined(pairs: list[tuple[str, str]]) -> str:
    return "".join(piece + sep for piece, sep in pairs)


@st.composite
def message(draw, most: int = 25) -> str:
    """Up to `most` pieces, each followed by a separator; any length equally often, since
    hypothesis on its own keeps lists short."""
    pool = draw(
        st.lists(st.sampled_from(FINDABLE) | st.sampled_from(CODES), min_size=1, max_size=3)
    )
    n = draw(st.integers(0, most))
    pieces = st.tuples(fragments(pool), SEPARATORS)
    return _joined(draw(st.lists(pieces, min_size=n, max_size=n)))


MESSAGE = message()
# A message's text in any shape: mostly built from chat pieces, sometimes any text at all.
TEXT = st.one_of(MESSAGE, MESSAGE, MESSAGE, st.text(max_size=200))


@st.composite
def long_text(draw, most: int = MAX_CHARS) -> str:
    """A message up to `most` characters: a drawn message repeated, with a real code spliced in
    somewhere (generating 40,000 characters one by one would be slow and no more revealing)."""
    base = draw(MESSAGE.filter(bool))
    length = draw(st.integers(1, most) | st.just(most))
    text = (base * (length // len(base) + 1))[:length]
    at = draw(st.integers(0, len(text)))
    return text[:at] + " error " + draw(st.sampled_from(CODES)) + " " + text[at:]


# A channel's preferred providers as Slack settings or a caller could give them.
PROVIDERS = st.lists(
    st.sampled_from([*SLUGS, *CATALOG.providers.values(), "", "nonsense", "TWILIO", "sms partner"]),
    max_size=3,
)

# -- JSON as Slack payloads carry it -------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def places(node, here: tuple = ()):
    """Every place in a JSON-like document a forgery can hit: the root, each key, each item."""
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from places(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from places(value, (*here, i))


@st.composite
def forged(draw, doc, values: st.SearchStrategy, most: int = 3, under: tuple = ()):
    """A deep copy of `doc` with up to `most` places dropped or replaced by a drawn value,
    all inside doc[under[0]][under[1]]... (the whole document by default)."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(0, most))):
        inside = [p for p in places(doc) if p[: len(under)] == under]
        if not inside:
            break
        path = draw(st.sampled_from(inside))
        value = copy.deepcopy(draw(values))  # sampled_from hands out the same [] every time
        if not path:
            return value  # not even the right type at the top
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return doc
