"""What the detector looks for in one catalog: its codes, its symbolic names, its providers' words.

Built once per catalog. The first look (`Detector.worth_a_look`) searches for every known
five-digit code, every symbolic name and the names of providers with small codes, so a message
with none of them costs a few fast searches and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.catalog import Catalog, Entry
from bot.core.providers import CAMEL_PARTS, ProviderWords, provider_words

LONG_CODE = 5  # digits: a number this long can stand alone; shorter ones need their provider

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
_KEBAB = re.compile(r"[a-z]+(?:-[a-z0-9]+){2,}")  # three words or more: no English compound
_DOCS_HOST = re.compile(r"^https?://(?:www\.)?([^/]+)/", re.IGNORECASE)


def alternation(words: Iterable[str]) -> str:
    """One regex alternative per word, sharing prefixes, so a long list stays cheap to scan."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return emit(trie) or "(?!)"


def is_symbolic(name: str) -> bool:
    """A name a system prints, not a phrase: EC_CALL_BARRED, REJECTD, RecipientBlocked,
    Insufficient_funds, and Bandwidth's kebab-case descriptions (rejected-forbidden-from-number).
    Lower-case words ("ko", "waiting") and our own snake_case spellings of titles (Telnyx
    "not_routable") are not."""
    if _KEBAB.fullmatch(name):
        return True
    if not _IDENTIFIER.fullmatch(name) or name.isdigit():
        return False
    if name.isalpha() and name[0].isupper() and name[1:].islower():
        return False  # "Rejected", "Failed": how English starts a sentence, not a status name
    return any(ch.isupper() for ch in name)


def is_plain_word(name: str) -> bool:
    """One capitalised word (EXPIRED, UNKNOWN, REJECTD): a status only in a status context."""
    return name.isalpha() and name.isupper()


@dataclass(frozen=True)
class Index:
    """Codes, names and provider words of one catalog, and the searches that find them."""

    catalog: Catalog
    numbers: Mapping[str, tuple[Entry, ...]]  # numeric code -> entries
    names: Mapping[str, tuple[Entry, ...]]  # symbolic name as written -> entries
    folded_names: Mapping[str, tuple[Entry, ...]]  # names with '_' in any case
    small_providers: frozenset[str]  # providers with codes shorter than LONG_CODE
    docs_hosts: Mapping[str, str]  # host of a provider's docs links -> provider
    provider_codes: Mapping[str, frozenset[str]]
    providers: ProviderWords  # every provider's words
    # The first look. Separate searches, each starting from a literal, are several times
    # faster in Python's re than one alternation of all of them. They ignore word boundaries
    # (a lookbehind at the start would slow every search); the detector checks those.
    long_scan: re.Pattern[str]
    name_scan: re.Pattern[str]  # names without '_' or '-', as written
    kebab_scan: re.Pattern[str]  # kebab-case names (Bandwidth's), searched only where a '-' is
    folded_scan: re.Pattern[str]  # names with '_', in any case
    small_words: re.Pattern[str]
    small_hints: tuple[str, ...]  # lower-case text any spelling of a small-code provider has
    small_hint_scan: re.Pattern[str]  # any of small_hints in lower-case text: one search, not ten
    small_scan: re.Pattern[str]

    def names_a_small_provider(self, text: str) -> bool:
        """Could `text` name a provider whose short codes count when it is named?"""
        # Lower-cased first: Python's re is several times slower with IGNORECASE.
        return bool(self.small_hints) and self.small_hint_scan.search(text.lower()) is not None

    def provider_of(self, word: str) -> str | None:
        return self.providers.provider_of(word)


def build_index(catalog: Catalog) -> Index:
    numbers: dict[str, list[Entry]] = {}
    names: dict[str, list[Entry]] = {}
    folded: dict[str, list[Entry]] = {}
    docs_hosts: dict[str, set[str]] = {}
    provider_codes: dict[str, set[str]] = {}
    for entry in catalog:
        if entry.code.isdigit():
            numbers.setdefault(entry.code, []).append(entry)
            provider_codes.setdefault(entry.provider, set()).add(entry.code)
        if host := _DOCS_HOST.match(entry.docs_url or ""):
            docs_hosts.setdefault(host.group(1).lower(), set()).add(entry.provider)
        for name in dict.fromkeys((entry.code, *entry.aliases)):
            if is_symbolic(name):
                names.setdefault(name, []).append(entry)
                if "_" in name:
                    folded.setdefault(name.casefold(), []).append(entry)

    small = {e.provider for codes in numbers.values() for e in codes if len(e.code) < LONG_CODE}
    long_codes = [c for c in numbers if len(c) >= LONG_CODE]
    small_codes = [c for c in numbers if len(c) < LONG_CODE]
    exact = [n for n in names if "_" not in n and "-" not in n]
    kebab = [n for n in names if "-" in n]
    small_names = {p: catalog.providers[p] for p in sorted(small)}
    other_names = catalog.other_names()
    named_as = [name for p in small_names for name in (small_names[p], *other_names.get(p, ()))]
    hints = {max(CAMEL_PARTS.split(name), key=len).lower() for name in named_as}
    hints |= {slug for slug in small_names if not any(h in slug for h in hints)}
    return Index(
        catalog=catalog,
        numbers={k: tuple(v) for k, v in numbers.items()},
        names={k: tuple(v) for k, v in names.items()},
        folded_names={k: tuple(v) for k, v in folded.items()},
        small_providers=frozenset(small),
        # A host only one provider documents on: a code at the end of a link there is its code.
        docs_hosts={h: next(iter(p)) for h, p in docs_hosts.items() if len(p) == 1},
        provider_codes={k: frozenset(v) for k, v in provider_codes.items()},
        providers=provider_words(catalog.providers, catalog.other_names()),
        long_scan=re.compile(rf"(?:{alternation(long_codes)})(?![0-9])"),
        name_scan=re.compile(alternation(exact)),
        kebab_scan=re.compile(alternation(kebab)),
        folded_scan=re.compile(alternation(folded), re.IGNORECASE),
        small_words=provider_words(small_names, other_names).pattern,
        small_hints=tuple(sorted(hints)),
        small_hint_scan=re.compile(alternation(sorted(hints)) or "(?!)"),
        small_scan=re.compile(rf"(?:{alternation(small_codes)})(?![0-9])"),
    )
