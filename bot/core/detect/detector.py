"""The detector: a message's text -> the errors written in it, each with provider, span and reason.

1. A few fast searches for anything that could be a code, a name or a small-code provider's
   name; most messages stop here.
2. Blank what holds no code (links, Slack markup, e-mail addresses), then judge each number
   from its surroundings (bot/core/detect/context.py) and each symbolic name from its shape.
3. Give every find its provider: the only one that uses the code, else the providers the message
   names, else the channel's, else all of them; narrow repeated small codes by endpoint words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from urllib.parse import unquote_plus

from bot.core.catalog import Catalog, Entry, default_catalog
from bot.core.detect import context, evidence
from bot.core.detect.context import CODE, OTHER, UNSURE, Verdict
from bot.core.detect.index import LONG_CODE, alternation, build_index, is_plain_word, is_symbolic
from bot.core.detect.masks import blank, docs_code_finder, in_phone_number
from bot.core.detect.match import Match
from bot.core.providers import CAMEL_PARTS
from bot.core.scopes import narrow_scopes

_DIGITS = re.compile(r"[0-9]+")
_BREAK = re.compile("\n")
# SMPP receipt states written short: no English word looks like them, so no status word is
# needed around them (EXPIRED, UNKNOWN and DELETED are words, and need one).
SMPP_ABBREVIATIONS = frozenset(["DELIVRD", "UNDELIV", "REJECTD", "ACCEPTD", "ENROUTE"])
_PERCENT = re.compile("%[0-9A-Fa-f]{2}")
_MULTIPLIER = re.compile(r"(?<![A-Za-z])[x×]\s?$")
_COUNT_TIMES = re.compile(
    r"(?<![\d ])\d{5}\s?[x×]\s?$"
)  # "30005 x " before: a code, then how often
_GLUED_ERROR = re.compile(r"(?i)(?<![a-z])(?:error|err|erreur)$")
_FIVE_DIGITS = re.compile(r"(?<![\w.])\d{5}(?![\w.])")
_TITLE_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
LINE_REACH = 100  # characters of a line looked at on each side of a find
PAYLOAD_REACH = 200  # characters: a status this near an error is in the same payload


@dataclass(frozen=True)
class _Find:
    """A number or name judged to be an error, before its provider and scope are settled."""

    span: tuple[int, int]
    entries: tuple[Entry, ...]
    reason: str
    provider: str | None = None  # named right at the find: a docs link's host, "telnyx 40004"
    small: bool = False
    plain_word: bool = False  # a status word (UNKNOWN) judged from its status context
    alone: bool = False  # nothing beside it said code: another mention's meaning is its own
    name: bool = False  # a symbolic name or a status word, not a number


class Detector:
    """The detector for one catalog; build once (it holds no mutable state), call many times."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.index = build_index(catalog)
        self._docs_code = docs_code_finder(self.index.docs_hosts, self.index.provider_codes)
        # Words of the catalog's titles: "30007 Filtered" names the error, not a town.
        self._title_words = frozenset(
            w.lower() for entry in catalog for w in _TITLE_WORD.findall(entry.title)
        )
        self._telling = _telling_words(catalog)
        self._worded = _worded_statuses(catalog)
        # Lower-case text any spelling of those providers has: one search before a full scan.
        other_names = catalog.other_names()
        hints = {
            max(CAMEL_PARTS.split(name), key=len).lower()
            for slug in self._worded
            for name in (catalog.providers[slug], *other_names.get(slug, ()))
        } | set(self._worded)
        self._worded_hint = re.compile(alternation(sorted(hints)))
        self._hint_scan = re.compile(alternation(sorted(hints | set(self.index.small_hints))))

    def detect(self, text: str, *, providers: Sequence[str] = ()) -> list[Match]:
        index = self.index
        if isinstance(providers, str):  # one provider given bare
            providers = [providers]
        prefer = [p for p in map(index.provider_of, providers) if p] if providers else []
        if not self.worth_a_look(text, prefer):
            return []
        found = self._detect(text, prefer)
        if len(_PERCENT.findall(text, 0, 4000)) >= 3:
            # A URL-encoded payload (a Debugger webhook's Payload=%7B%22error_code%22…): read
            # decoded too; what only the decoded text shows points at its code in the original.
            keys = {m.entry.key for m in found}
            for m in self._detect(unquote_plus(text), prefer):
                if m.entry.key not in keys:
                    at = text.find(m.code)
                    span = (at, at + len(m.code)) if at >= 0 else (0, 0)
                    found.append(Match(m.entry, span, m.reason + " (URL-encoded)"))
            found.sort(key=lambda m: m.span)
        return found

    def _detect(self, text: str, prefer: list[str]) -> list[Match]:
        index = self.index
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
        finds += self._numbers(masked, small_ok, {d.span[0] for d in docs}, prefer)
        finds += self._names(masked)
        if self._worded and (speaking := self._speaking(text, prefer, named)):
            finds += self._statuses(masked, speaking)
        if not finds:
            return []
        return self._resolve(finds, text, prefer, small_ok, named)

    def worth_a_look(
        self, text: str, prefer: Sequence[str] = (), *, any_channel: bool = False
    ) -> bool:
        """Could `text` hold a code, for a channel preferring `prefer` (or, with any_channel,
        for some channel)? False for most messages, after a few fast searches."""
        index = self.index
        if index.long_scan.search(text) or index.name_scan.search(text):
            return True
        if "-" in text and index.kebab_scan.search(text):
            return True
        if "_" in text and index.folded_scan.search(text):
            return True
        if prefer or any_channel:
            small_codes = any_channel or any(p in index.small_providers for p in prefer)
            if small_codes and index.small_scan.search(text):
                return True
            if not any_channel and any(p in self._worded for p in prefer):
                return True  # "Rejected" in a Sinch channel
        # One search of the lower-cased text for any provider whose naming lets small codes
        # or worded statuses count; most messages stop here.
        lowered = text.lower()
        if not self._hint_scan.search(lowered):
            return False
        if self._worded_hint.search(lowered):
            return True
        return bool(index.small_hint_scan.search(lowered)) and bool(index.small_words.search(text))

    def _speaking(self, text: str, prefer: list[str], named: dict[str, str] | None) -> set[str]:
        """The providers with worded statuses the message names or the channel prefers."""
        providers = set(prefer)
        if self._worded_hint.search(text.lower()):
            providers |= set(self._named(text) if named is None else named)
        return providers & set(self._worded)

    def _statuses(self, masked: str, providers: set[str]) -> list[_Find]:
        """Statuses and errors written as words ("rejected", "Stopped by user", `ko`), for
        providers the message names or the channel prefers: a phrase of three words or more
        anywhere, a shorter one quoted or after a status word ("status": "rejected")."""
        finds: list[_Find] = []
        for provider in sorted(providers):
            pattern, entries_of = self._worded[provider]
            for m in pattern.finditer(masked):
                start, end = m.span()
                if _word_char(masked, start - 1) or _word_char(masked, end):
                    continue
                if masked[start - 1 : start] == "-":
                    continue  # "non-delivered"
                phrase = m.group(0)
                quoted = masked[start - 1 : start] in _QUOTES or masked[end : end + 1] in _QUOTES
                line_start = _line_start(masked, start)
                rest = masked[end : end + 40].split("\n", 1)[0]
                said = context.status_context(masked[line_start:start], rest)
                if len(phrase.split()) < 3 and not quoted and said is None:
                    continue
                reason = f"{self.catalog.providers[provider]} status in words"
                finds.append(_Find(m.span(), entries_of[phrase.casefold()], reason, provider))
        return finds

    def _named(self, text: str) -> dict[str, str]:
        """The providers a message names, each with its first spelling there."""
        named: dict[str, str] = {}
        for m in self.index.providers.pattern.finditer(text):
            slug = self.index.provider_of(m.group(0))
            if slug:
                named.setdefault(slug, m.group(0))
        return named

    # -- numbers --------------------------------------------------------------------------------

    def _numbers(
        self, masked: str, small_ok: set[str], docs_starts: set[int], prefer: list[str]
    ) -> list[_Find]:
        index = self.index
        finds: list[_Find] = []
        previous: tuple[int, Verdict] | None = None
        seen = _Seen(masked)
        meant: dict[str, bool] = {}  # digits -> some mention of them was judged something else
        for m in _DIGITS.finditer(masked):
            start, end = m.span()
            digits = m.group(0)
            small = len(digits) < LONG_CODE
            glued = bool(start) and masked[start - 1].isalpha()
            if glued and not _GLUED_ERROR.search(masked, max(0, start - 8), start):
                continue  # inside a word or an id, unless the word is "error": "error30003"
            if len(digits) > LONG_CODE or (small and not small_ok) or start in docs_starts:
                continue
            if _MULTIPLIER.search(masked, max(0, start - 3), start) and not (
                digits in index.numbers and not _COUNT_TIMES.search(masked, 0, start)
            ):
                continue  # "4720 x 312": how often the code before it came, not a number to judge
            verdict = self._judge(masked, start, end, small, previous)
            if verdict.reason != "part of a word":  # the 8 of "8x8" starts no list
                previous = (end, verdict)
            entries = index.numbers.get(digits)
            if not entries or verdict.kind == OTHER:
                meant[digits] = meant.get(digits) or verdict.kind == OTHER
                continue
            if in_phone_number(masked, start, end):
                previous = (end, Verdict(OTHER, "part of a phone number"))
                continue
            verdict = self._weigh(masked, start, end, small, verdict, seen, small_ok, prefer)
            if verdict.kind != CODE or not verdict.firm:
                verdict = self._titled(masked, end, entries, verdict)
            previous = (end, verdict)
            if verdict.kind == OTHER:
                meant[digits] = True
                continue
            if small and verdict.kind == UNSURE:
                continue
            reason = verdict.reason or "a known code on its own"
            # Only a number with nothing of its own beside it takes the meaning of its twin.
            alone = verdict.kind == UNSURE
            finds.append(_Find((start, end), entries, reason, verdict.provider, small, alone=alone))
        # One number, one meaning in a message: "gateway's up on 30003" after "0.0.0.0:30003".
        return [f for f in finds if not (f.alone and meant.get(masked[f.span[0] : f.span[1]]))]

    def _judge(
        self, masked: str, start: int, end: int, small: bool, previous: tuple[int, Verdict] | None
    ) -> Verdict:
        verdict = context.adjacent(masked, start, end, self.index.numbers.__contains__)
        if verdict:
            return verdict
        if previous and context.continues_list(masked, previous[0], start):
            before = previous[1]
            if before.reason == "an HTTP status" and not small:
                before = Verdict(UNSURE, "")  # "[HTTP 400] 21408": a status, then the code
            if before.kind == OTHER:
                return before
            if before.kind == CODE:
                return Verdict(CODE, "listed with another code", before.firm, before.provider)
        line_start = _line_start(masked, start)
        line_end = masked.find("\n", end, end + LINE_REACH)
        rest = masked[end : line_end if line_end >= 0 else end + LINE_REACH]
        if rest.startswith(("s ", "s\n", "s.", "s,", "s?", "s!")) or rest == "s":
            rest = rest[1:]  # "30007s"
        number = masked[start:end]
        before = context.left(masked[line_start:start], small, self.index.provider_of, number)
        after = context.right(rest, small, end - start, self.index.numbers.__contains__)
        if before.kind == OTHER:
            return before
        if after.kind == OTHER and (not before.firm or after.reason == "an HTTP status"):
            return after
        if before.kind == CODE:
            return before
        return after

    def _weigh(
        self,
        masked: str,
        start: int,
        end: int,
        small: bool,
        verdict: Verdict,
        seen: _Seen,
        small_ok: set[str],
        prefer: list[str],
    ) -> Verdict:
        """The rest of the message, for a number its neighbours did not settle firmly."""
        line = seen.line(start)
        columns = line.columns
        header = columns.header_at(start - line.start, end - start) if columns else None
        if header is not None and not verdict.firm:
            if context.is_error_key(header):
                return Verdict(CODE, f"in the '{header}' column", firm=True)
            return Verdict(OTHER, f"in the '{header}' column")
        if evidence.in_message_body(masked[max(line.start, start - LINE_REACH) : start]):
            return Verdict(OTHER, "in the body of a text")
        if verdict.firm or verdict.kind == OTHER:
            return verdict
        if line.shell:
            return Verdict(OTHER, "part of a shell command")
        sentence = evidence.sentence_at(masked, start, end)
        if evidence.talks_of_short_codes(sentence) or line.short_codes:
            return Verdict(OTHER, "a short code")
        if not small and verdict.kind == CODE and seen.towns(self._not_a_town) >= 2:
            town = evidence.town_beside(masked, start, end, self._not_a_town)
            if town:
                return Verdict(OTHER, f"the ZIP code of {town[0]}, one of several towns")
        if verdict.kind == UNSURE and not small:
            if seen.zips:
                return Verdict(OTHER, "a ZIP code: the message is about ZIP codes")
            if line.figures(self.index.numbers.__contains__):
                return Verdict(OTHER, "one of a row of figures")
            town = evidence.town_beside(masked, start, end, self._not_a_town)
            if town and (town[1] or town[2] or seen.towns(self._not_a_town) >= 2):
                return Verdict(OTHER, f"the ZIP code of {town[0]}")
        if small and evidence.in_quoted_text(masked[line.start : start]):
            return Verdict(OTHER, "part of a quoted sentence")
        if small and verdict.kind == UNSURE and (evidence.has_trouble(sentence) or line.trouble):
            named = {self.index.provider_of(m.group(0)) for m in self._provider_words(sentence)}
            if named & small_ok or (not named and small_ok):
                return Verdict(CODE, "code in a sentence about a failure at its provider")
        return verdict

    def _titled(
        self, masked: str, end: int, entries: tuple[Entry, ...], verdict: Verdict
    ) -> Verdict:
        """A number followed by words of its own entry's title ("30007 filtered", "3038
        « Template not found »") is that error, whatever else the message says."""
        if verdict.kind == OTHER and verdict.reason.startswith(("part of", "a port", "an amount")):
            return verdict  # its shape already says what it is
        following = _TITLE_WORD.findall(masked[end : end + 40])[:4]
        for word in following:
            lowered = word.lower()
            if any(lowered in self._telling.get(entry.key, ()) for entry in entries):
                return Verdict(CODE, f"followed by '{word}' from its title", firm=True)
        return verdict

    def _not_a_town(self, word: str) -> bool:
        lowered = word.lower()
        return lowered in self._title_words or self.index.provider_of(word) is not None

    def _provider_words(self, text: str) -> list[re.Match[str]]:
        return list(self.index.providers.pattern.finditer(text))

    # -- names ----------------------------------------------------------------------------------

    def _names(self, masked: str) -> list[_Find]:
        index = self.index
        finds: list[_Find] = []
        hits = list(index.name_scan.finditer(masked))
        if "-" in masked:
            hits += index.kebab_scan.finditer(masked)
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
                if word is not None:
                    reason = f"DLR status after '{word}'"
                elif token in SMPP_ABBREVIATIONS:
                    reason = "SMPP receipt state"
                else:
                    continue  # "the promo code EXPIRED" is a word, not a delivery status
            finds.append(_Find((start, end), entries, reason, plain_word=bool(reason), name=True))
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
            if find.provider:
                # Named right before it: that provider's code, or one it sends through; a
                # number the named provider does not use is not a code ("SMSPartner : 33014").
                carriers = self.catalog.carriers_of(find.provider)
                entries = tuple(e for e in entries if e.provider in carriers)
                if not entries:
                    continue
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
            if find.name and not find.provider:
                named = self._named(text) if named is None else named
                speaking = set(named) | set(prefer)
                if named and not any(
                    p in speaking for e in entries for p in self.catalog.carriers_of(e.provider)
                ):
                    # Another provider is named: a status word of one that is not is that
                    # provider's vocabulary, not this message's ("stat:UNDELIV" from Twilio).
                    continue
            for entry in narrow_scopes(entries, text, scopes_named):
                if entry.key in matches:
                    continue
                reason = find.reason or _name_reason(text[find.span[0] : find.span[1]], entry)
                if note:
                    reason += "; " + note.format(names.get(entry.provider, entry.provider))
                matches[entry.key] = Match(entry, find.span, reason)
        return _most_telling(list(matches.values()), text)


def _most_telling(matches: list[Match], text: str) -> list[Match]:
    """Where a payload gives a provider's error and its status too ("status": "Rejected"
    with "code": 408), the error says more: the status goes; so does a
    status group (Infobip's UNDELIVERABLE) beside a status of its own. A "no error" code (0,
    000) says nothing worth a card beside another."""
    if len(matches) < 2:
        return matches
    kept = [m for m in matches if not (m.code.isdigit() and not int(m.code))] or matches

    errors = [m for m in kept if m.entry.category != "status"]

    def explained(status: Match) -> bool:
        """An error of the same provider in the same payload: its line, or a JSON object or
        form body spanning lines."""
        line = text.count("\n", 0, status.span[0])
        return any(
            e.provider == status.provider
            and (
                text.count("\n", 0, e.span[0]) == line
                or (
                    abs(e.span[0] - status.span[0]) <= PAYLOAD_REACH
                    and _one_payload(text, e.span, status.span)
                )
            )
            and (
                text[e.span[0] : e.span[1]].isdigit() or _fields_between(text, e.span, status.span)
            )
            for e in errors
        )

    kept = [m for m in kept if not (m.entry.category == "status" and explained(m))]
    statuses = {m.provider for m in kept if m.scope == "status"}
    return [m for m in kept if not (m.scope == "status_group" and m.provider in statuses)]


def _one_payload(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two finds on different lines are in one JSON object or form body: quotes or '='
    between them, and no blank line."""
    between = text[min(a[1], b[1]) : max(a[0], b[0])]
    return ('"' in between or "=" in between) and "\n\n" not in between


def _fields_between(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two finds are fields of one payload ('"status":…,"error":…', 'status=… error=…'),
    not two things a sentence tells of ("EC_CALL_BARRED, then REJECTD")."""
    between = text[min(a[1], b[1]) : max(a[0], b[0])]
    return any(mark in between for mark in '"=;,|\t')


_QUOTES = frozenset(['"', "'", "`", "«", "»", "“", "”", "‘", "’", "\u00a0"])


def _worded_statuses(
    catalog: Catalog,
) -> dict[str, tuple[re.Pattern[str], dict[str, tuple[Entry, ...]]]]:
    """Per provider, its statuses and errors written as words (not symbolic names, not
    numbers), and one search for them in any case."""
    by_provider: dict[str, dict[str, list[Entry]]] = {}
    for entry in catalog:
        if entry.code.isdigit() or is_symbolic(entry.code):
            continue  # a numbered or named error's aliases are our words, not what systems print
        for name in dict.fromkeys((entry.code, *entry.aliases)):
            if is_symbolic(name) or len(name) < 2 or "_" in name:
                continue
            by_provider.setdefault(entry.provider, {}).setdefault(name.casefold(), []).append(entry)
    return {
        provider: (
            re.compile(alternation(sorted(names)), re.IGNORECASE),
            {name: tuple(entries) for name, entries in names.items()},
        )
        for provider, names in by_provider.items()
    }


def _telling_words(catalog: Catalog) -> dict[tuple[str, str, str | None], frozenset[str]]:
    """Per entry, the words of its title and aliases that tell it apart: five letters or more,
    and in few titles (the 2% most common, "message", "number", "delivery", say nothing)."""
    counts: dict[str, int] = {}
    per_entry: dict[tuple[str, str, str | None], set[str]] = {}
    for entry in catalog:
        found = {
            w.lower()
            for text in (entry.title, *entry.aliases)
            for w in _TITLE_WORD.findall(text)
            if len(w) >= 5
        }
        per_entry[entry.key] = found
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    common = max(3, len(per_entry) // 50)
    return {
        key: frozenset(w for w in found if counts[w] <= common) for key, found in per_entry.items()
    }


class _Line:
    """One line of a message and what it says as a whole, each worked out once if asked."""

    def __init__(self, masked: str, start: int) -> None:
        self.masked = masked
        self.start = start
        end = masked.find("\n", start)
        self.end = end if end >= 0 else len(masked)
        self.text = masked[start : self.end]
        self._figures: bool | None = None

    @cached_property
    def shell(self) -> bool:
        return evidence.in_shell_command(self.text)

    @cached_property
    def short_codes(self) -> bool:
        return evidence.talks_of_short_codes(self.text)

    @cached_property
    def trouble(self) -> bool:
        return evidence.has_trouble(self.text)

    @cached_property
    def columns(self) -> evidence.Columns | None:
        return evidence.table_columns(self.masked, self.start, self.end)

    def figures(self, is_code) -> bool:  # type: ignore[no-untyped-def]
        if self._figures is None:
            self._figures = evidence.row_of_figures(self.text, is_code)
        return self._figures


class _Seen:
    """What a message says as a whole, worked out once, when a number first asks."""

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self._zips: bool | None = None
        self._towns: int | None = None
        self._lines: dict[int, _Line] = {}
        self._breaks: list[int] | None = None

    def line(self, i: int) -> _Line:
        if self._breaks is None:
            self._breaks = [m.start() for m in _BREAK.finditer(self.masked)]
        before = bisect_right(self._breaks, i - 1)
        start = self._breaks[before - 1] + 1 if before else 0
        if (held := self._lines.get(start)) is None:
            held = self._lines[start] = _Line(self.masked, start)
        return held

    @property
    def zips(self) -> bool:
        if self._zips is None:
            self._zips = evidence.talks_of_zips(self.masked)
        return self._zips

    def towns(self, not_a_town) -> int:  # type: ignore[no-untyped-def]
        """How many five-digit numbers stand beside a town."""
        if self._towns is None:
            self._towns = sum(
                1
                for m in _FIVE_DIGITS.finditer(self.masked)
                if evidence.town_beside(self.masked, m.start(), m.end(), not_a_town)
            )
        return self._towns


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
    return default_detector().worth_a_look(text, any_channel=True)
