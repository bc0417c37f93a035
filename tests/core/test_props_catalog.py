"""Properties of loading operator catalog files, whatever is in them: the only way out is a
CatalogError (or lint's Problems) naming the file, and never a half-loaded catalog."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from props import JSON, forged

from bot.core.catalog import lint, load_catalog

ENTRY = {
    "code": "7001",
    "title": "Example gateway refused the message",
    "aliases": ["gateway refusal"],
    "category": "delivery",
    "cause": "The example gateway refused the message for a reason it did not share.",
    "fix": ["Send it again later.", "Ask the gateway why if it keeps happening."],
    "retry": "retry_with_backoff",
    "escalation": {"when": "It keeps happening for an hour.", "collect": ["message id"]},
    "keywords": ["refused"],
    "docs_url": "https://zeta.example/errors/7001",
    "sources": ["zeta"],
}
PROVIDER_FILE = {
    "provider": "zeta",
    "name": "Zeta SMS",
    "support": {"team": "Zeta ops"},
    "entries": [ENTRY, {**ENTRY, "code": "7002", "title": "Example gateway is down"}],
}
OVERRIDE_FILE = {
    "support": {"team": "Our SMS team"},
    "overrides": [
        {"provider": "twilio", "code": "30007", "extra_fix": ["Ask #sms-ops first."]},
        {"provider": "telnyx", "code": "40300", "keywords": ["blocked"]},
    ],
}
# A valid file loaded beside every mutated one: it must never come back without the other.
COMPANION = {**PROVIDER_FILE, "provider": "acme", "name": "Acme SMS"}


def nested(depth: int, leaf) -> object:
    """`leaf` inside `depth` levels of lists and mappings, alternating."""
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"a": leaf}
    return leaf


# Values a field should not hold: other JSON types, text far past every maxLength, any unicode,
# nesting (kept shallower than Python's recursion limit: see the xfail cases below).
BAD_VALUES = st.one_of(
    JSON,
    st.integers(1_000, 200_000).map(lambda n: "x" * n),
    st.text(min_size=1, max_size=50),
    st.integers(1, 60).map(lambda d: nested(d, "deep")),
    st.sampled_from([float("inf"), -0.0, 10**40, "", " ", "30007", "twilio", "TWILIO"]),
)


# A file's document with up to three fields dropped or holding a bad value.
MUTATED = st.sampled_from([PROVIDER_FILE, OVERRIDE_FILE]).flatmap(
    lambda doc: forged(doc, BAD_VALUES, most=3).filter(lambda d: d != doc)
)

OPTIONAL = ["aliases", "escalation", "keywords", "docs_url"]
WORDS = st.text(min_size=3, max_size=120).filter(lambda t: t.strip() and len(t.strip()) >= 3)


@st.composite
def valid_variant(draw) -> dict:
    """A file that should load: optional fields dropped, text fields in any script."""
    doc = copy.deepcopy(PROVIDER_FILE)
    for entry in doc["entries"]:
        for name in draw(st.lists(st.sampled_from(OPTIONAL), unique=True)):
            del entry[name]
        entry["title"] = draw(WORDS)
        entry["cause"] = draw(WORDS)
        entry["fix"] = draw(st.lists(WORDS, min_size=1, max_size=3))
    if draw(st.booleans()):
        del doc["support"]
    return doc


def dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def duplicate_a_line(text: str, n: int) -> str:
    lines = text.splitlines(keepends=True)
    i = n % len(lines)
    return "".join(lines[: i + 1] + lines[i:])  # usually a duplicate key; sometimes a bad indent


FILE_BYTES = st.one_of(
    MUTATED.map(dump).map(str.encode),
    MUTATED.map(dump).map(str.encode),
    st.one_of(valid_variant(), st.just(OVERRIDE_FILE)).map(dump).map(str.encode),
    st.tuples(st.sampled_from([PROVIDER_FILE, OVERRIDE_FILE]).map(dump), st.integers(0, 99)).map(
        lambda t: duplicate_a_line(*t).encode()
    ),
    st.binary(max_size=300),
    st.just(b""),
    st.text(max_size=300).map(str.encode),
    st.sampled_from(
        [
            b"\xef\xbb\xbfprovider: zeta\n",  # a byte order mark
            b"provider: zeta\x00\n",
            b"a: 1\n---\nb: 2\n",
            b"!!python/object/apply:os.system ['true']\n",
            b"provider: !!binary aGVsbG8=\nname: Zeta\nentries: []\n",
            b"overrides: !!set {a, b}\n",
            b"a: &a [x, x, x]\nb: [*a, *a, *a]\noverrides: [*a]\n",
            b"\t- tab indented\n",
            b"entries: [" + b"[" * 50 + b"]" * 50 + b"]\n",
        ]
    ),
)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def entries_in(data: bytes) -> list[tuple[str, str]]:
    """(provider, code) of each entry and override in a file lint passed."""
    doc = yaml.safe_load(data.decode("utf-8"))
    assert isinstance(doc, dict), "lint passed a file that is not a catalog file"
    found = [(doc["provider"], e["code"]) for e in doc.get("entries", ())]
    return found + [(o["provider"], o["code"]) for o in doc.get("overrides", ())]


@settings(max_examples=40)
@given(FILE_BYTES)
def test_any_operator_file_loads_whole_or_fails_naming_the_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("catalog")
    companion = write(folder, "acme.yaml", dump(COMPANION).encode())
    path = write(folder, "operator.yaml", data)

    problems = lint([companion, path])  # load_catalog raising anything but CatalogError fails
    assert all(p.file == str(path) for p in problems), problems
    assert all(str(p).startswith(str(path)) for p in problems)
    if not problems:
        catalog = load_catalog([companion, path])
        for provider, code in [("acme", "7001"), ("acme", "7002"), *entries_in(data)]:
            assert catalog.get(provider, code) is not None, (provider, code)


# Deep nesting and unhashable keys once escaped as RecursionError and TypeError instead of
# Problems (the YAML constructor and jsonschema both recurse; keys were hashed unchecked).
@pytest.mark.parametrize(
    "text",
    [
        "overrides: " + "{a: " * 400 + "1" + "}" * 400 + "\n",  # RecursionError
        "provider: zeta\nname: " + "[" * 1000 + "]" * 1000 + "\n",  # RecursionError
        "? [a, b]\n: 1\n",  # TypeError: unhashable type: 'list'
    ],
    ids=["deep-mapping", "deep-list", "unhashable-key"],
)
def test_nesting_and_odd_keys_are_reported_as_problems(tmp_path, text):
    path = write(tmp_path, "operator.yaml", text.encode())
    problems = lint([path])
    assert problems and all(p.file == str(path) for p in problems)
