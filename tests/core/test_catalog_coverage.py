"""What the catalog covers: every Twilio messaging code, Bandwidth's table, 1,000 entries or
more, each traced to a reference and said in our own words.

The code lists in tests/data are facts copied from the references (codes only, no text);
reference_shingles.txt holds hashes of every run of ten words in the references, made by
scripts/own_words.py, so this suite checks own words without holding their sentences.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from bot.core.catalog import default_catalog

DATA = Path(__file__).parents[1] / "data"
README = Path(__file__).parents[2] / "catalog" / "README.md"
SEEDS = {"000", "001", "002", "003", "004"}
CATALOG = default_catalog()


def codes(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("provider", "listing"),
    [("twilio", "twilio_messaging_codes.txt"), ("bandwidth", "bandwidth_codes.txt")],
)
def test_every_listed_code_has_a_full_entry(provider, listing):
    missing = []
    for code in codes(listing):
        entry = CATALOG.get(provider, code)
        if entry is None or len(entry.cause) < 20 or not entry.fix:
            missing.append(code)
    assert missing == []


def test_the_lists_are_whole():
    assert len(codes("twilio_messaging_codes.txt")) == 273
    assert len(codes("bandwidth_codes.txt")) == 76


def test_a_thousand_entries_or_more():
    assert len(CATALOG) >= 1000


def registered_references() -> set[str]:
    """The reference URLs catalog/README.md lists: every URL an entry cites must be there."""
    return set(re.findall(r"<(https://[^>\s]+)>", README.read_text("utf-8")))


def test_every_entry_names_its_reference():
    known = registered_references()
    unnamed = [e.label for e in CATALOG if not e.sources]
    unknown = sorted({s for e in CATALOG for s in e.sources if s not in SEEDS and s not in known})
    assert unnamed == [] and unknown == []


def test_every_registered_reference_is_cited():
    cited = {s for e in CATALOG for s in e.sources}
    assert registered_references() <= cited


WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
RUN = 10


def shingle_hashes(text: str) -> set[str]:
    """The same hashing as scripts/own_words.py: ten-word runs, lower case, blake2b-48."""
    words = WORD.findall(text.casefold().replace("\u2019", "'"))
    return {
        hashlib.blake2b(" ".join(words[i : i + RUN]).encode(), digest_size=6).hexdigest()
        for i in range(len(words) - RUN + 1)
    }


def test_no_catalog_sentence_copies_ten_words_of_a_reference():
    fingerprints = set((DATA / "reference_shingles.txt").read_text("utf-8").split())
    assert len(fingerprints) > 10_000  # the references are really in there
    copied = []
    for entry in CATALOG:
        # Every string people read or type, names included: a console message kept whole as
        # an alias would still be the reference's sentence.
        texts = [entry.title, entry.cause, *entry.fix, *entry.aliases, *entry.keywords]
        if entry.escalation:
            texts += [entry.escalation.when, *entry.escalation.collect]
        if any(shingle_hashes(t) & fingerprints for t in texts):
            copied.append(entry.label)
    assert copied == []
