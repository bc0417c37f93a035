"""Lookup: a query as people type it -> catalog entries, ranked, and honest about the rest.

What counts as the answer: an exact code (or a code inside a longer query), an exact symbolic
name or alias, and words ranked with rapidfuzz over titles, aliases and keywords. Everything
else is only a suggestion, never shown in the answer's place:
- a code typed with the wrong length ("3007", "300007") or a mangled name, corrected;
- the codes near a well-formed code we hold no entry for (that code is said to be unknown,
  with its provider's page where the URL follows a pattern);
- a small number (1-3 digits) that several providers reuse, when no provider is named or
  preferred.
Scores run 0-100; only exact hits score 100.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.catalog import Catalog, Entry, default_catalog
from bot.core.providers import CAMEL_PARTS, provider_words
from bot.core.scopes import narrow_scopes

MAX_QUERY = 200
EXACT = 100.0
NAME_IN_QUERY = 95.0
CODE_TYPO = 90.0
NAME_TYPO_CAP = 90.0
WORDS_CAP = 80.0
WORDS_CUTOFF = 72.0  # rapidfuzz score a words match needs before scaling
WORDS_CUTOFF_NAMED = 62.0  # the same, when the query names the provider
NAME_TYPO_CUTOFF = 86.0
WORDS_BONUS = 1.5  # per further phrase of the same entry that agrees with the query
WORDS_AGREEING = 3  # at most this many count
WORDS_POOL = 200  # phrases considered per words query
WORDS_TOP = 100.0 + WORDS_BONUS * WORDS_AGREEING  # best possible words score, scaled to WORDS_CAP
WORDS_TIE = 1.0  # word hits this close to the best are equally good answers
LONG_QUERY_WORDS = 5  # words: a query this long describes a problem rather than names one
LONG_QUERY_CONTAINED = 0.7  # how much containment counts against closeness in such a query
COVERED_WORDS = 3  # telling words a query needs before its coverage by an entry counts
SMALL_CODE = 4  # digits: a shorter number means something only with its provider
SUGGESTIONS = 3

EXACT_REASONS = frozenset({"exact code", "exact name", "code in query"})

_DECORATION = re.compile(
    r"^(?:(?:error|err|errors|code|codes|error\s*code|status|dlr|hlr|stat|erreur|"
    r"code\s*d'erreur)\b[\s:#=.-]*)+",
    re.IGNORECASE,
)
# A number of a code's length, and what stands right before it: an error word or a provider.
_CODE_WITH_EVIDENCE = re.compile(r"(?<![\w.+-])(\d{4,6})(?![\w.,-]?\d)")
_ERROR_WORD_BEFORE = re.compile(
    r"(?:\berr(?:or|eur)?s?|\bcodes?|error_?code|code\s*d'erreur)[\s\"':=#]{0,4}$", re.IGNORECASE
)
_WRAPPING = " \t\"'`*_()[]{}<>:;,.!?#=~"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"[\s_\-/]+")
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_WORD = re.compile(r"[^\W_]+")
# Words that say nothing about which error it is.
_STOP_WORDS = (
    "a an and are as at be but by can cant could did do does doesnt dont for from get gets "
    "got has have i in is isnt it its me my no not now of on or our so that the their them "
    "then there they this to too us was we were what when why will with wont you your "
    "le la les un une des de du et est sur pour pas ne"
)
_STOP = frozenset(_STOP_WORDS.split())


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A word's plain form for matching: lower case, a plural or -ed/-ing ending taken off."""
    word = word.casefold()
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class Hit:
    """One ranked lookup result: the entry, its score, and why it matched."""

    entry: Entry
    score: float
    reason: str

    @property
    def exact(self) -> bool:
        """The entry is the code or name typed, not a ranking of words."""
        return self.reason in EXACT_REASONS

    def to_dict(self) -> dict:
        return {
            **self.entry.to_dict(),
            "score": round(self.score, 1),
            "reason": self.reason,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class UnknownCode:
    """A code typed in a shape some provider uses, which the catalog holds no entry for."""

    code: str
    provider: str | None  # named in the query, or the one provider the channel prefers
    provider_name: str | None
    pages: tuple[tuple[str, str], ...] = ()  # (provider name, its page for this code)

    @property
    def label(self) -> str:
        return f"{self.provider_name} {self.code}" if self.provider_name else self.code

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "provider": self.provider,
            "pages": [{"provider": name, "url": url} for name, url in self.pages],
        }


@dataclass(frozen=True)
class Answer:
    """What a lookup returns: the cleaned query, the answer's hits, and suggestions.

    `hits` holds only real answers (exact codes and names, ranked words). `suggestions` are
    near entries for a "Did you mean"; `unknown` is set when the query was a code we do not
    hold; `ambiguous` when it was a small code several providers use and none was named.
    """

    query: str
    hits: tuple[Hit, ...]
    suggestions: tuple[Entry, ...] = ()
    unknown: UnknownCode | None = None
    ambiguous: bool = False

    def to_dict(self) -> dict:
        out: dict = {"query": self.query, "matches": [h.to_dict() for h in self.hits]}
        if not self.hits:
            out["suggestions"] = [
                {**e.to_dict(), "exact": False, "reason": "suggestion"} for e in self.suggestions
            ]
        if self.unknown:
            out["unknown_code"] = self.unknown.to_dict()
        if self.ambiguous:
            out["ambiguous"] = True
        return out


def compact(text: str) -> str:
    """Case- and punctuation-blind form for exact name matches: 'EC_Unknown-X' -> 'ecunknownx'."""
    return _NON_ALNUM.sub("", text.casefold())


def loose_words(text: str) -> str:
    """Loose form for word matching: camelCase and snake_case split, lower case, one space."""
    return _SPACES.sub(" ", CAMEL_PARTS.sub(" ", text)).casefold().strip()


def _written_as_a_name(token: str) -> bool:
    return not token.isdigit() and (
        "_" in token or token.isupper() or CAMEL_PARTS.search(token) is not None
    )


def _looks_like_a_name(core: str) -> bool:
    """One token written like a symbolic name (EC_UNKOWN_SUBSCRIBER, NonCompliantMesage):
    a near name corrects it; its words are not a description to rank."""
    return " " not in core and ("_" in core or CAMEL_PARTS.search(core) is not None)


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
            {e.code for e in self.entries if e.code.isdigit() and len(e.code) >= SMALL_CODE}
        )
        # Which lengths of number each provider's codes come in: a number of such a length
        # could be one of its codes that we do not hold; any other length is a typo.
        self._lengths: dict[str, set[int]] = {}
        for entry in self.entries:
            if entry.code.isdigit():
                self._lengths.setdefault(entry.provider, set()).add(len(entry.code))
        # Each distinct searchable phrase once ("opted out" is a keyword of many entries),
        # pointing back at (entry, weight): a title that says it counts twice.
        owners: dict[str, dict[int, int]] = {}
        for i, entry in enumerate(self.entries):
            # Its words in every language it speaks: a French query finds the entry whichever
            # language the answer is then shown in.
            spoken = [(text.title, *text.keywords) for text in entry.texts.values()]
            phrases = (entry.title, *entry.aliases, *entry.keywords, *sum(spoken, ()))
            titles = {entry.title, *(text.title for text in entry.texts.values())}
            for phrase in phrases:
                weight = 2 if phrase in titles else 1
                slot = owners.setdefault(loose_words(phrase), {})
                slot[i] = max(slot.get(i, 0), weight)
        self._phrases = list(owners)
        self._phrase_owners = [tuple(owners[p].items()) for p in self._phrases]
        # Which entries use each word, for queries that describe a problem in a sentence: the
        # rarer a word, the more it says ("landline" over "number").
        postings: dict[str, set[int]] = {}
        for phrase, slot in owners.items():
            for word in _WORD.findall(phrase):
                stem = _stem(word)
                if stem not in _STOP:
                    postings.setdefault(stem, set()).update(slot)
        self._postings = postings
        phrase_postings: dict[str, list[int]] = {}
        for j, phrase in enumerate(self._phrases):
            for stem in {_stem(w) for w in _WORD.findall(phrase)} - _STOP:
                phrase_postings.setdefault(stem, []).append(j)
        self._phrase_postings = phrase_postings
        self._vocabulary = list(postings)
        self._rarity = {w: math.log(len(self.entries) / len(e)) for w, e in postings.items()}
        self._providers = provider_words(catalog.providers, catalog.other_names())

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

    def search(
        self,
        query: str,
        *,
        provider: str | None = None,
        prefer: Sequence[str] = (),
        limit: int = 10,
    ) -> Answer:
        """Look `query` up. `provider` restricts the answer to one provider (and the ones it
        sends through); `prefer` (a channel's providers) puts theirs first and lets their
        small codes count."""
        named, core = self.parse(query)
        named = provider or named
        shown = query.strip()[:MAX_QUERY]
        scope = set(self.catalog.carriers_of(named)) if named else None
        preferred = {c for p in prefer for c in self.catalog.carriers_of(p)}
        if not core:
            if named:
                return Answer(shown, ())
            return Answer(shown, (), self._suggest(shown, scope))

        def allowed(i: int) -> bool:
            return scope is None or self.entries[i].provider in scope

        key = compact(core)
        exact = [i for i in self._by_name.get(key, ()) if allowed(i)]
        if exact and core.isdigit() and len(core) < SMALL_CODE and not named:
            ours = [i for i in exact if self.entries[i].provider in preferred]
            if not ours:  # "14" alone: SMSPartner's, Vonage's or Infobip's? Ask, don't pick.
                picked = tuple(self.entries[i] for i in exact)
                return Answer(shown, (), picked[:limit], ambiguous=True)
            exact = ours
        if exact:
            reason = "exact code" if core.isdigit() else "exact name"
            exact = self._narrowed(exact, shown)
            # The entry whose code this is before one that merely lists it as an alias.
            own = {i for i in exact if compact(self.entries[i].code) == key}
            return self._answer(
                shown, [(i, EXACT, reason) for i in exact], preferred, limit, first=own
            )
        if core.isdigit():
            return self._unknown(shown, core, named, scope, preferred)
        found: list[tuple[int, float, str]] = []
        unknown_token = None
        if _TOKEN.fullmatch(core) is None:
            # "twilio 30007 keeps failing", "ErrorCode=30005&MessageStatus=undelivered": a code
            # or name inside a longer query still counts.
            for token in _TOKEN.findall(core):
                if token.isdigit() and (len(token) >= SMALL_CODE or named):
                    held = [i for i in self._by_name.get(token, ()) if allowed(i)]
                    found += [(i, EXACT, "code in query") for i in held]
                    if not held and unknown_token is None and len(token) >= SMALL_CODE:
                        unknown_token = token
                elif len(token) >= 5 and _written_as_a_name(token):
                    # A name among other words is a strong hint, not proof: words still rank.
                    # Only one written as a name: "blocked" in a sentence is a word, while
                    # BLOCKED or Landline_recipient is somebody's status or error name.
                    held = [i for i in self._by_name.get(compact(token), ()) if allowed(i)]
                    found += [(i, NAME_IN_QUERY, "name in query") for i in held]
        if any(score >= EXACT for _, score, _ in found):
            exact = self._narrowed([i for i, score, _ in found if score >= EXACT], shown)
            found = [f for f in found if f[1] < EXACT or f[0] in exact]
            return self._answer(shown, found, preferred, limit)
        if unknown_token and not found:
            # "what does 21617 mean": the question is about that code, not about its words.
            return self._unknown(shown, unknown_token, named, scope, preferred)
        if _looks_like_a_name(core) and not found:
            near = self._near_names(key, allowed)
            if near:
                return Answer(shown, (), tuple(self.entries[i] for i in near[:SUGGESTIONS]))
        phrase = loose_words(core)
        word_scores = self._word_scores(phrase) if len(phrase) >= 3 else {}
        # Naming the provider narrows the field, so a looser match is still the likely one.
        cutoff = WORDS_CUTOFF_NAMED if named else WORDS_CUTOFF
        for i, (score, agreeing) in word_scores.items():
            if score >= cutoff and allowed(i):
                bonus = WORDS_BONUS * min(WORDS_AGREEING, max(0, agreeing - 1))
                found.append((i, (score + bonus) * WORDS_CAP / WORDS_TOP, "words"))
        if found:
            return self._answer(shown, found, preferred, limit)
        near = self._near_names(key, allowed) if len(key) >= 5 else []
        suggestions = [self.entries[i] for i in near]
        suggestions += [e for e in self._suggest(core, scope, word_scores) if e not in suggestions]
        return Answer(shown, (), tuple(suggestions[:SUGGESTIONS]))

    def _narrowed(self, indices: list[int], query: str) -> list[int]:
        """Of a code's several scopes, the ones the query's words name ("vonage dlr 6")."""
        kept = {e.key for e in narrow_scopes(tuple(self.entries[i] for i in indices), query)}
        return [i for i in indices if self.entries[i].key in kept]

    def _answer(
        self,
        shown: str,
        found: Iterable[tuple[int, float, str]],
        preferred: set[str],
        limit: int,
        first: set[int] | frozenset[int] = frozenset(),
    ) -> Answer:
        """Best score per entry; exact hits all kept, then the best of the rest up to `limit`;
        among equal scores the channel's providers first, then `first`, then catalog order."""
        best: dict[int, tuple[float, str]] = {}
        for i, score, reason in found:
            if i not in best or best[i][0] < score:
                best[i] = (score, reason)
        ranked = sorted(
            best.items(),
            key=lambda kv: (
                -kv[1][0],
                self.entries[kv[0]].provider not in preferred,
                kv[0] not in first,
                kv[0],
            ),
        )
        exact = [kv for kv in ranked if kv[1][0] >= EXACT]
        kept = exact + [kv for kv in ranked if kv[1][0] < EXACT][: max(0, limit - len(exact))]
        return Answer(shown, tuple(Hit(self.entries[i], s, r) for i, (s, r) in kept))

    def _unknown(
        self, shown: str, code: str, named: str | None, scope: set[str] | None, preferred: set[str]
    ) -> Answer:
        """A number with no entry: say so, name the provider where we can, link its page where
        the URL follows a pattern, and offer the near codes as suggestions only."""
        fits = [
            p
            for p in self.catalog.providers
            if len(code) in self._lengths.get(p, ()) and (scope is None or p in scope)
        ]
        owner = named
        if owner is None:
            liked = [p for p in fits if p in preferred]
            owner = liked[0] if len(liked) == 1 else None
        pages = tuple(
            (self.catalog.providers[p], url)
            for p in ([owner] if owner else fits)
            if p in fits and (url := self.catalog.network(p).page_for(code))
        )
        name = self.catalog.providers.get(owner) if owner else None
        unknown = UnknownCode(code, owner, name, pages) if fits or owner else None
        near = [
            self.entries[i]
            for c in self._code_typos(code)
            for i in self._by_name[c]
            if scope is None or self.entries[i].provider in scope
        ]
        near += [e for e in self._suggest(code, scope) if e not in near]
        return Answer(shown, (), tuple(near[:SUGGESTIONS]), unknown=unknown)

    def unknown_in(self, text: str, *, prefer: Sequence[str] = ()) -> list[UnknownCode]:
        """Codes a message plainly calls error codes ("Twilio error 29999", "ErrorCode=29999")
        that the catalog does not hold: for surfaces where a person asked about the message."""
        found: dict[str, UnknownCode] = {}
        for m in _CODE_WITH_EVIDENCE.finditer(text[: MAX_QUERY * 50]):
            code, before = m.group(1), text[max(0, m.start() - 40) : m.start()]
            if code in found or self._by_name.get(code):
                continue
            named = self._providers.pattern.findall(before)
            provider = self._providers.provider_of(named[-1]) if named else None
            if provider is None and not _ERROR_WORD_BEFORE.search(before):
                continue
            unknown = self._unknown("", code, provider, None, set(prefer)).unknown
            if unknown:
                found[code] = unknown
        return list(found.values())

    def _near_names(self, key: str, allowed) -> list[int]:
        near: list[int] = []
        for name, _score, _ in process.extract(
            key, self._names, scorer=fuzz.ratio, score_cutoff=NAME_TYPO_CUTOFF, limit=5
        ):
            near += [i for i in self._by_name[name] if allowed(i) and i not in near]
        return near

    def _stems_of(self, phrase: str) -> dict[str, float]:
        """The query's telling words as catalog words (a misspelt one as the catalog word it
        is closest to), each with its rarity."""
        wanted: dict[str, float] = {}
        for word in _WORD.findall(phrase):
            stem = _stem(word)
            if stem in _STOP or stem.isdigit():
                continue
            if stem not in self._postings and len(stem) >= 4:
                close = process.extractOne(
                    stem, self._vocabulary, scorer=fuzz.ratio, score_cutoff=80
                )
                stem = close[0] if close else stem
            if stem in self._postings:
                wanted[stem] = self._rarity[stem]
        return wanted

    def _candidates(self, phrase: str) -> dict[int, str]:
        """The phrases sharing a word with the query: the only ones worth scoring (the rest
        cannot reach the cutoff), so a query costs its words' postings, not the catalog."""
        found: set[int] = set()
        for stem in self._stems_of(phrase):
            found.update(self._phrase_postings.get(stem, ()))
        return {j: self._phrases[j] for j in found}

    def _covered(self, phrase: str) -> dict[int, float]:
        """entry -> how much of the query's vocabulary its phrases hold, weighted by rarity
        (0-100); a misspelt word counts as the catalog word it is closest to."""
        wanted = self._stems_of(phrase)
        total = sum(wanted.values())
        if len(wanted) < COVERED_WORDS:
            return {}  # a short query is a phrase: the phrase scores rank it
        covered: dict[int, float] = {}
        for stem, weight in wanted.items():
            for i in self._postings[stem]:
                covered[i] = covered.get(i, 0.0) + weight
        return {i: 100 * w / total for i, w in covered.items()}

    def _word_scores(self, phrase: str) -> dict[int, tuple[float, int]]:
        """entry -> (how well its phrases match the query's words, how many phrases agree).

        token_set_ratio finds phrases that contain the query's words; token_sort_ratio then
        prefers the closest whole phrase. An entry whose title and keywords both say "opted
        out" gets more agreement than one that only lists it as a keyword.
        """
        found: dict[int, list[tuple[float, float, int]]] = {}
        for text, contained, j in process.extract(
            phrase, self._candidates(phrase), scorer=fuzz.token_set_ratio, limit=WORDS_POOL
        ):
            close = fuzz.token_sort_ratio(phrase, text)
            for i, weight in self._phrase_owners[j]:
                found.setdefault(i, []).append((contained, close, weight))
        # A long query (a sentence describing the problem) is never close to a short phrase as
        # a whole; what counts there is that the entry's phrases are in it.
        held = LONG_QUERY_CONTAINED if len(phrase.split()) >= LONG_QUERY_WORDS else 0.5
        scores = {}
        for i, scored in found.items():
            contained = max(c for c, _, _ in scored)
            close = max(s for _, s, _ in scored)
            agreeing = sum(w for c, _, w in scored if c >= 90)
            scores[i] = (held * contained + (1 - held) * close, agreeing)
        for i, share in self._covered(phrase).items():
            before, agreeing = scores.get(i, (0.0, 0))
            # Mostly how much of the sentence the entry covers; its phrase score breaks ties.
            scores[i] = (max(before, 0.85 * share + 0.15 * before), agreeing)
        return scores

    def _code_typos(self, digits: str) -> list[str]:
        """Codes one edit away, most likely first.

        People drop or double a digit inside a run of the same digit (3007, 300007 for 30007),
        so a near code that changes a longer run ranks first.
        """
        if len(digits) < SMALL_CODE:
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
        scope: set[str] | None,
        word_scores: dict[int, tuple[float, int]] | None = None,
        n: int = SUGGESTIONS,
    ) -> tuple[Entry, ...]:
        """The closest entries whatever their score, for a helpful 'no match' answer."""
        phrase = loose_words(text)
        order: list[int] = []
        if phrase.isdigit():
            # Only the codes of the providers in scope: another provider's near codes would
            # crowd them out ("twilio 29999" is not near Bandwidth's 9999).
            pool = sorted(
                (c for c in self._numeric if self._in_scope(c, scope)),
                key=lambda c: (Levenshtein.distance(c, phrase), c),
            )
            order = [i for code in pool[: n * 4] for i in self._by_name[code]]
        elif phrase:
            scores = word_scores if word_scores is not None else self._word_scores(phrase)
            order = sorted(scores, key=lambda i: (-scores[i][0], -scores[i][1], i))
        picked = [self.entries[i] for i in order]
        return tuple(e for e in picked if scope is None or e.provider in scope)[:n]

    def _in_scope(self, code: str, scope: set[str] | None) -> bool:
        return scope is None or any(self.entries[i].provider in scope for i in self._by_name[code])


@cache
def default_lookup() -> Lookup:
    return Lookup(default_catalog())


def lookup(
    query: str, *, provider: str | None = None, prefer: Sequence[str] = (), limit: int = 10
) -> Answer:
    """Look a query up in the default catalog."""
    return default_lookup().search(query, provider=provider, prefer=prefer, limit=limit)


def best_entries(answer: Answer) -> Sequence[Entry]:
    """The entries a reply should show: every exact hit, else every word hit as good as the
    best one (ties are shown, not broken at random)."""
    exact = [h.entry for h in answer.hits if h.score >= EXACT]
    if exact or not answer.hits:
        return exact
    top = answer.hits[0].score
    return [h.entry for h in answer.hits if h.score >= top - WORDS_TIE]
