"""The detector: a message's text -> the errors written in it, each with provider, span and reason.

1. A few fast searches for anything that could be a code, a name or a small-code provider's
   name; most messages stop here.
2. Blank what holds no code (links, Slack markup, e-mail addresses), then judge each number
   from its surroundings (bot/detect/context.py) and each symbolic name from its shape.
3. Give every find its provider: the only one that uses the code, else the providers the message
   names, else the channel's, else all of them; narrow repeated small codes by endpoint words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bot.catalog import Catalog, Entry, default_catalog
from bot.detect import context
from bot.detect.context import CODE, OTHER, UNSURE, Verdict
from bot.detect.index import LONG_CODE, build_index, is_plain_word
from bot.detect.masks import blank, docs_code_finder, in_phone_number
from bot.detect.match import Match
from bot.scopes import narrow_scopes

_DIGITS = re.compile(r"[0-9]+")
LINE_REACH = 100  # characters of a line looked at on each side of a find


@dataclass(frozen=True)
class _Find:
    """A number or name judged to be an error, before its provider and scope are settled."""

    span: tuple[int, int]
    entries: tuple[Entry, ...]
    reason: str
    provider: str | None = None  # named right at the find: a docs link's host, "telnyx 40004"
    small: bool = False
    plain_word: bool = False  # a status word (UNKNOWN) judged from its status context


class Detector:
    """The detector for one catalog; build once (it holds no mutable state), call many times."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.index = build_index(catalog)
        self._docs_code = docs_code_finder(self.index.docs_hosts, self.index.provider_codes)

    def detect(self, text: str, *, providers: Sequence[str] = ()) -> list[Match]:
        index = self.index
        if isinstance(providers, str):  # one provider given bare
            providers = [providers]
        prefer = [p for p in map(index.provider_of, providers) if p] if providers else []
        small_codes = any(p in index.small_providers for p in prefer)
        if not index.worth_a_look(text, small_codes):
            return []
        named: dict[str, str] | None = None
        small_ok = {p for p in index.small_providers if p in prefer}
        if index.names_a_small_provider(text):
            named = self._named(text)
            small_ok |= index.small_providers & set(named)
        masked, docs = blank(text, self._docs_code, context.is_error_key)
        finds = [
            _Find(
                d.span,
                index.numbers[d.code],
                f"{self.catalog.providers[d.provider]} docs URL",
                d.provider,
            )
            for d in docs
        ]
        finds += self._numbers(masked, small_ok, {d.span[0] for d in docs})
        finds += self._names(masked)
        if not finds:
            return []
        return self._resolve(finds, text, prefer, small_ok, named)

    def _named(self, text: str) -> dict[str, str]:
        """The providers a message names, each with its first spelling there."""
        named: dict[str, str] = {}
        for m in self.index.providers.pattern.finditer(text):
            slug = self.index.provider_of(m.group(0))
            if slug:
                named.setdefault(slug, m.group(0))
        return named

    # -- numbers --------------------------------------------------------------------------------

    def _numbers(self, masked: str, small_ok: set[str], docs_starts: set[int]) -> list[_Find]:
        index = self.index
        finds: list[_Find] = []
        previous: tuple[int, Verdict] | None = None
        for m in _DIGITS.finditer(masked):
            start, end = m.span()
            digits = m.group(0)
            small = len(digits) < LONG_CODE
            if (
                len(digits) > LONG_CODE
                or (small and not small_ok)
                or start in docs_starts
                or (start and masked[start - 1].isalpha())
            ):
                continue
            verdict = self._judge(masked, start, end, small, previous)
            previous = (end, verdict)
            entries = index.numbers.get(digits)
            if not entries or verdict.kind == OTHER or (small and verdict.kind == UNSURE):
                continue
            if in_phone_number(masked, start, end):
                previous = (end, Verdict(OTHER, "part of a phone number"))
                continue
            reason = verdict.reason or "a known code on its own"
            finds.append(_Find((start, end), entries, reason, verdict.provider, small))
        return finds

    def _judge(
        self, masked: str, start: int, end: int, small: bool, previous: tuple[int, Verdict] | None
    ) -> Verdict:
        verdict = context.adjacent(masked, start, end, self.index.numbers.__contains__)
        if verdict:
            return verdict
        if previous and context.continues_list(masked, previous[0], start):
            before = previous[1]
            if before.kind == OTHER:
                return before
            if before.kind == CODE:
                return Verdict(CODE, "listed with another code", before.firm, before.provider)
        line_start = _line_start(masked, start)
        line_end = masked.find("\n", end, end + LINE_REACH)
        rest = masked[end : line_end if line_end >= 0 else end + LINE_REACH]
        if rest.startswith(("s ", "s\n", "s.", "s,", "s?", "s!")) or rest == "s":
            rest = rest[1:]  # "30007s"
        before = context.left(masked[line_start:start], small, self.index.provider_of)
        after = context.right(rest, small)
        if before.kind == OTHER:
            return before
        if after.kind == OTHER and (not before.firm or after.reason == "an HTTP status"):
            return after
        if before.kind == CODE:
            return before
        return after

    # -- names ----------------------------------------------------------------------------------

    def _names(self, masked: str) -> list[_Find]:
        index = self.index
        finds: list[_Find] = []
        hits = list(index.name_scan.finditer(masked))
        if "_" in masked:
            hits += index.folded_scan.finditer(masked)
        for m in hits:
            start, end = m.span()
            if _word_char(masked, start - 1) or _word_char(masked, end):
                continue  # inside a longer word: "PENDINGS", "MY_EC_CALL_BARRED_FLAG"
            token = m.group(0)
            entries = index.names.get(token) or index.folded_names.get(token.casefold())
            if not entries:
                continue
            reason = ""
            if is_plain_word(token):
                line_start = _line_start(masked, start)
                rest = masked[end : end + 40].split("\n", 1)[0]
                word = context.status_context(masked[line_start:start], rest)
                if word is None:
                    continue  # "the promo code EXPIRED" is a word, not a delivery status
                reason = f"DLR status after '{word}'"
            finds.append(_Find((start, end), entries, reason, plain_word=bool(reason)))
        return finds

    # -- providers and scopes -------------------------------------------------------------------

    def _resolve(
        self,
        finds: list[_Find],
        text: str,
        prefer: list[str],
        small_ok: set[str],
        named: dict[str, str] | None,
    ) -> list[Match]:
        names = self.catalog.providers
        matches: dict[tuple[str, str, str | None], Match] = {}
        scopes_named: dict[str, bool] = {}
        for find in sorted(finds, key=lambda f: f.span):
            entries = find.entries
            if find.small:
                entries = tuple(e for e in entries if e.provider in small_ok)
            if find.provider and any(e.provider == find.provider for e in entries):
                entries = tuple(e for e in entries if e.provider == find.provider)
            note = ""
            if find.small or len({e.provider for e in entries}) > 1:
                named = self._named(text) if named is None else named
                in_text = tuple(e for e in entries if e.provider in named)
                in_channel = tuple(e for e in entries if e.provider in prefer)
                if in_text:
                    entries, note = in_text, "{} named in message"
                elif in_channel:
                    entries, note = in_channel, "{} is the channel's provider"
                elif find.plain_word:
                    # UNKNOWN or EXPIRED, a status at several providers, none named: only the
                    # words around it ("DLR status: EXPIRED") can tell whose it is; else it is
                    # not answered, as for small codes.
                    entries = narrow_scopes(entries, text, scopes_named)
                    if len({e.provider for e in entries}) != 1:
                        continue
            for entry in narrow_scopes(entries, text, scopes_named):
                if entry.key in matches:
                    continue
                reason = find.reason or _name_reason(text[find.span[0] : find.span[1]], entry)
                if note:
                    reason += "; " + note.format(names.get(entry.provider, entry.provider))
                matches[entry.key] = Match(entry, find.span, reason)
        return list(matches.values())


def _line_start(text: str, i: int) -> int:
    """Where the line holding text[i] starts, looking back at most LINE_REACH characters."""
    return text.rfind("\n", max(0, i - LINE_REACH), i) + 1 or max(0, i - LINE_REACH)


def _word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _name_reason(token: str, entry: Entry) -> str:
    if token.upper().startswith("EC_"):
        return "EC_ name"
    kind = "status" if entry.category == "status" else "error"
    return f"{entry.provider_name} {kind} name"


@cache
def default_detector() -> Detector:
    return Detector(default_catalog())


_detectors: dict[int, tuple[Catalog, Detector]] = {}


def detector_for(catalog: Catalog) -> Detector:
    """The detector for `catalog`, built on first use (Catalog holds dicts, so no functools)."""
    held = _detectors.get(id(catalog))
    if held and held[0] is catalog:
        return held[1]
    if len(_detectors) >= 8:
        _detectors.clear()
    detector = Detector(catalog)
    _detectors[id(catalog)] = (catalog, detector)
    return detector


def detect(
    text: str, *, providers: Sequence[str] = (), catalog: Catalog | None = None
) -> list[Match]:
    """The errors written in `text`, in text order, one per (provider, code, scope).

    `providers` is the channel's preferred providers (slugs or names): they decide between
    providers that share a code, and let SMSPartner's small codes count without its name.
    """
    detector = default_detector() if catalog is None else detector_for(catalog)
    return detector.detect(text, providers=providers)


def might_hold_a_code(text: str) -> bool:
    """False for a text no channel's settings could find a code in: the few fast searches
    alone, so most chatter costs no settings read and no database work."""
    return default_detector().index.worth_a_look(text, small_codes=True)
