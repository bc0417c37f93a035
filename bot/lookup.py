"""Lookup: a query as people type it -> catalog entries, ranked, exact hits first.

Four ways in, tried from the most to the least certain: an exact code, an exact symbolic name,
a near miss on a code or name (typos), and words ranked with rapidfuzz over titles, aliases and
keywords. Scores run 0-100; only exact hits score 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.catalog import Catalog, Entry, default_catalog
from bot.providers import CAMEL_PARTS, provider_words

MAX_QUERY = 200
EXACT = 100.0
NAME_IN_QUERY = 95.0
CODE_TYPO = 90.0
NAME_TYPO_CAP = 90.0
WORDS_CAP = 80.0
WORDS_CUTOFF = 72.0  # rapidfuzz score a words match needs before scaling
NAME_TYPO_CUTOFF = 86.0
WORDS_BONUS = 1.5  # per further phrase of the same entry that agrees with the query
WORDS_AGREEING = 3  # at most this many count
WORDS_POOL = 200  # phrases considered per words query
WORDS_TOP = 100.0 + WORDS_BONUS * WORDS_AGREEING  # best possible words score, scaled to WORDS_CAP

_DECORATION = re.compile(
    r"^(?:(?:error|err|errors|code|codes|error\s*code|status|dlr|hlr|stat)\b[\s:#=.-]*)+",
    re.IGNORECASE,
)
_WRAPPING = " \t\"'`*_()[]{}<>:;,.!?#=~"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"[\s_\-/]+")
_TOKEN = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Hit:
    """One ranked lookup result: the entry, its score, and why it matched."""

    entry: Entry
    score: float
    reason: str

    def to_dict(self) -> dict:
        return {**self.entry.to_dict(), "score": round(self.score, 1), "reason": self.reason}


@dataclass(frozen=True)
class Answer:
    """What a lookup returns: the cleaned query, ranked hits, and suggestions when none hit."""

    query: str
    hits: tuple[Hit, ...]
    suggestions: tuple[Entry, ...] = ()

    def to_dict(self) -> dict:
        out: dict = {"query": self.query, "matches": [h.to_dict() for h in self.hits]}
        if not self.hits:
            out["suggestions"] = [f"{e.label}: {e.title}" for e in self.suggestions]
        return out


def compact(text: str) -> str:
    """Case- and punctuation-blind form for exact name matches: 'EC_Unknown-X' -> 'ecunknownx'."""
    return _NON_ALNUM.sub("", text.casefold())


def words(text: str) -> str:
    """Loose form for word matching: camelCase and snake_case split, lower case, one space."""
    return _SPACES.sub(" ", CAMEL_PARTS.sub(" ", text)).casefold().strip()


class Lookup:
    """An index over one catalog; build once, query many times (it holds no mutable state)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.entries: tuple[Entry, ...] = catalog.entries
        by_name: dict[str, list[int]] = {}
        for i, entry in enumerate(self.entries):
            for name in (entry.code, *entry.aliases):
                by_name.setdefault(compact(name), []).append(i)
        self._by_name = {k: tuple(dict.fromkeys(v)) for k, v in by_name.items() if k}
        self._names = list(self._by_name)
        self._numeric = sorted(
            {e.code for e in self.entries if e.code.isdigit() and len(e.code) >= 4}
        )
        # Each distinct searchable phrase once ("opted out" is a keyword of many entries),
        # pointing back at (entry, weight): a title that says it counts twice.
        owners: dict[str, dict[int, int]] = {}
        for i, entry in enumerate(self.entries):
            for n, phrase in enumerate((entry.title, *entry.aliases, *entry.keywords)):
                weight = 2 if n == 0 else 1
                slot = owners.setdefault(words(phrase), {})
                slot[i] = max(slot.get(i, 0), weight)
        self._phrases = list(owners)
        self._phrase_owners = [tuple(owners[p].items()) for p in self._phrases]
        self._providers = provider_words(catalog.providers)

    def parse(self, query: str) -> tuple[str | None, str]:
        """Split a query into (provider named in it, what to look for)."""
        text = query.strip()[:MAX_QUERY]
        provider = None
        found = self._providers.pattern.search(text)
        if found:
            provider = self._providers.provider_of(found.group(0))
            text = (text[: found.start()] + " " + text[found.end() :]).strip()
        text = _DECORATION.sub("", text.strip(_WRAPPING)).strip(_WRAPPING)
        if re.fullmatch(r"\d{4,6}s", text):  # "30007s"
            text = text[:-1]
        return provider, text

    def search(self, query: str, *, provider: str | None = None, limit: int = 10) -> Answer:
        named, core = self.parse(query)
        provider = provider or named
        shown = query.strip()[:MAX_QUERY]
        if not core:
            if provider:
                return Answer(shown, ())
            return Answer(shown, (), self._suggest(shown, provider))
        scores: dict[int, tuple[float, str]] = {}

        def offer(indices: Iterable[int], score: float, reason: str) -> None:
            for i in indices:
                if provider and self.entries[i].provider != provider:
                    continue
                if i not in scores or scores[i][0] < score:
                    scores[i] = (score, reason)

        key = compact(core)
        offer(self._by_name.get(key, ()), EXACT, "exact code" if core.isdigit() else "exact name")
        if not scores and " " in core:
            # "twilio 30007 keeps failing": a code or name inside a longer query still counts.
            for token in _TOKEN.findall(core):
                digits = token.isdigit()
                if digits and (len(token) >= 4 or provider):
                    offer(self._by_name.get(token, ()), EXACT, "code in query")
                elif not digits and len(token) >= 5:
                    # A name among other words is a strong hint, not proof: words still rank.
                    offer(self._by_name.get(compact(token), ()), NAME_IN_QUERY, "name in query")
        if not scores and core.isdigit():
            for rank, code in enumerate(self._code_typos(core)):
                offer(self._by_name[code], CODE_TYPO - rank * 0.5, f"near code {core}")
        if not scores and not core.isdigit() and len(key) >= 5:
            for name, score, _ in process.extract(
                key, self._names, scorer=fuzz.ratio, score_cutoff=NAME_TYPO_CUTOFF, limit=5
            ):
                offer(self._by_name[name], score * NAME_TYPO_CAP / 100, "near name")
        word_scores: dict[int, tuple[float, int]] = {}
        phrase = words(core)
        exact_hit = any(score >= EXACT for score, _ in scores.values())
        if not core.isdigit() and not exact_hit and len(phrase) >= 3:
            word_scores = self._word_scores(phrase)
            self._offer_words(word_scores, offer)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))
        exact = [kv for kv in ranked if kv[1][0] >= EXACT]
        kept = exact + [kv for kv in ranked if kv[1][0] < EXACT][: max(0, limit - len(exact))]
        hits = tuple(Hit(self.entries[i], score, reason) for i, (score, reason) in kept)
        return Answer(shown, hits, () if hits else self._suggest(core, provider, word_scores))

    def _word_scores(self, phrase: str) -> dict[int, tuple[float, int]]:
        """entry -> (how well its phrases match the query's words, how many phrases agree).

        token_set_ratio finds phrases that contain the query's words; token_sort_ratio then
        prefers the closest whole phrase. An entry whose title and keywords both say "opted
        out" gets more agreement than one that only lists it as a keyword.
        """
        found: dict[int, list[tuple[float, float, int]]] = {}
        for text, contained, j in process.extract(
            phrase, self._phrases, scorer=fuzz.token_set_ratio, limit=WORDS_POOL
        ):
            close = fuzz.token_sort_ratio(phrase, text)
            for i, weight in self._phrase_owners[j]:
                found.setdefault(i, []).append((contained, close, weight))
        scores = {}
        for i, scored in found.items():
            contained = max(c for c, _, _ in scored)
            close = max(s for _, s, _ in scored)
            agreeing = sum(w for c, _, w in scored if c >= 90)
            scores[i] = (0.5 * contained + 0.5 * close, agreeing)
        return scores

    def _offer_words(self, scores: dict[int, tuple[float, int]], offer) -> None:
        for i, (score, agreeing) in scores.items():
            if score >= WORDS_CUTOFF:
                bonus = WORDS_BONUS * min(WORDS_AGREEING, max(0, agreeing - 1))
                offer((i,), (score + bonus) * WORDS_CAP / WORDS_TOP, "words")

    def _code_typos(self, digits: str) -> list[str]:
        """Codes one edit away, most likely first.

        People drop or double a digit inside a run of the same digit (3007, 300007 for 30007),
        so a near code that changes a longer run ranks first.
        """
        if len(digits) < 4:
            return []
        near = [
            c
            for c in self._numeric
            if abs(len(c) - len(digits)) <= 1 and Levenshtein.distance(c, digits) == 1
        ]

        def run_touched(code: str) -> int:
            longer, shorter = (code, digits) if len(code) > len(digits) else (digits, code)
            if len(longer) == len(shorter):
                return 0  # a substituted digit: less likely than a dropped or doubled one
            for k, ch in enumerate(longer):
                if longer[:k] + longer[k + 1 :] == shorter:
                    run = re.match(rf"{ch}+", longer[k:]).group(0)  # type: ignore[union-attr]
                    left = len(re.search(rf"{ch}*$", longer[:k]).group(0))  # type: ignore[union-attr]
                    return len(run) + left
            return 0

        return sorted(near, key=lambda c: (-run_touched(c), c))

    def _suggest(
        self,
        text: str,
        provider: str | None,
        word_scores: dict[int, tuple[float, int]] | None = None,
        n: int = 3,
    ) -> tuple[Entry, ...]:
        """The closest entries whatever their score, for a helpful 'no match' answer."""
        phrase = words(text)
        order: list[int] = []
        if phrase.isdigit():
            pool = sorted(self._numeric, key=lambda c: (Levenshtein.distance(c, phrase), c))
            order = [i for code in pool[: n * 4] for i in self._by_name[code]]
        elif phrase:
            scores = word_scores if word_scores is not None else self._word_scores(phrase)
            order = sorted(scores, key=lambda i: (-scores[i][0], -scores[i][1], i))
        picked = [self.entries[i] for i in order]
        return tuple(e for e in picked if not provider or e.provider == provider)[:n]


@cache
def default_lookup() -> Lookup:
    return Lookup(default_catalog())


def lookup(query: str, *, provider: str | None = None, limit: int = 10) -> Answer:
    """Look a query up in the default catalog."""
    return default_lookup().search(query, provider=provider, limit=limit)


def best_entries(answer: Answer) -> Sequence[Entry]:
    """The entries a reply should show: every exact hit, else the top hit."""
    exact = [h.entry for h in answer.hits if h.score >= EXACT]
    return exact or [h.entry for h in answer.hits[:1]]
