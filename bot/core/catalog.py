"""The catalog: every error entry smserror knows, loaded once, validated, immutable.

Files are YAML (one per provider, see catalog/README.md), checked against catalog_schema.json
with jsonschema. Problems are collected across all files and raised together, so a bad file
never leaves a half-loaded catalog behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.strings import DEFAULT, LANGUAGES, say

CATALOG_PATH_ENV = "SMSERROR_CATALOG_PATH"
# Every language the bot speaks besides the catalog's own (English) is one every built-in entry
# is written in too (catalog/<provider>.<lang>.yaml): a new string table asks for its catalog.
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != DEFAULT)


@dataclass(frozen=True)
class EscalationPolicy:
    """When and how to take an error to the provider's support team, as structured data."""

    when: str
    collect: tuple[str, ...]
    team: str
    min_examples: int | None = None
    window_hours: int | None = None
    wait_hours: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "when": self.when,
            "collect": list(self.collect),
            "min_examples": self.min_examples,
            "window_hours": self.window_hours,
            "wait_hours": self.wait_hours,
            "team": self.team,
        }


@dataclass(frozen=True)
class MessageIdShape:
    """What one provider's message ids look like, so a pasted id can be checked before support
    sees it. `pattern` is matched against the whole id; `hint` says the shape in words."""

    pattern: str
    hint: str  # "" for ANY_MESSAGE_ID, which the string table says
    example: str  # one real-looking id, for placeholders; "" when there is no single shape
    # The hint in other languages, from the provider's translations file (message_id_hint).
    hints: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def matches(self, message_id: str) -> bool:
        return re.fullmatch(self.pattern, message_id) is not None

    def hint_in(self, lang: str) -> str:
        """The hint for a reader of `lang`: its own words, else the file's (English)."""
        if not self.hint:
            return say("form.any_message_id", lang=lang)
        return self.hints.get(lang, self.hint)


# Providers without a `message_id` block: ids come in too many shapes to check more than this.
ANY_MESSAGE_ID = MessageIdShape(pattern=r"\S{1,100}", hint="", example="")


@dataclass(frozen=True)
class EntryText:
    """An entry's words in another language: the facts (codes, figures, retry rule, sources)
    stay the entry's own; only what a person reads is said again."""

    title: str
    cause: str
    fix: tuple[str, ...]
    keywords: tuple[str, ...]
    escalation_when: str | None = None
    collect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One error, status or named failure of one provider (and scope, where codes repeat)."""

    provider: str
    provider_name: str
    code: str
    title: str
    category: str
    cause: str
    fix: tuple[str, ...]
    retry: str
    sources: tuple[str, ...]
    scope: str | None = None
    aliases: tuple[str, ...] = ()
    retry_classes: tuple[str, ...] = ()
    escalation: EscalationPolicy | None = None
    keywords: tuple[str, ...] = ()
    docs_url: str | None = None
    http_status: int | None = None
    permanent: bool | None = None
    # The entry's words in other languages, by language code; English is the entry itself.
    # Left out of equality and hashing: the same entry, whatever languages it can speak.
    texts: Mapping[str, EntryText] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.provider, self.code, self.scope)

    @property
    def label(self) -> str:
        """How a person names this entry: "Twilio 30007", "SMSPartner 14 (location)"."""
        scope = f" ({self.scope.replace('_', ' ')})" if self.scope else ""
        return f"{self.provider_name} {self.code}{scope}"

    def in_language(self, lang: str) -> Entry:
        """The entry as a reader of `lang` sees it; itself when it has no text in `lang` (an
        operator's own entries may be English only)."""
        text = self.texts.get(lang)
        if text is None:
            return self
        escalation = self.escalation
        if escalation is not None and text.escalation_when:
            escalation = replace(escalation, when=text.escalation_when, collect=text.collect)
        return replace(
            self,
            title=text.title,
            cause=text.cause,
            fix=text.fix,
            keywords=text.keywords,
            escalation=escalation,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "code": self.code,
            "scope": self.scope,
            "title": self.title,
            "aliases": list(self.aliases),
            "category": self.category,
            "cause": self.cause,
            "fix": list(self.fix),
            "retry": self.retry,
            "escalation": self.escalation.to_dict() if self.escalation else None,
            "docs_url": self.docs_url,
            "sources": list(self.sources),
            "keywords": list(self.keywords),
            "retry_classes": list(self.retry_classes),
            "http_status": self.http_status,
            "permanent": self.permanent,
        }


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one catalog file, located as precisely as we can."""

    file: str
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f", {self.entry}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class CatalogError(Exception):
    """Raised with every problem found; the catalog is not loaded at all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the catalog has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Network:
    """What a provider's file says about the provider itself, beyond its entries."""

    code_url: str | None = None  # its page for one code: "https://…/{code}"
    sends_through: str | None = None  # the provider whose network carries its messages
    platforms: tuple[str, ...] = ()  # products with no file of their own that send through it
    formerly: tuple[str, ...] = ()  # names the provider had before ("Nexmo")

    def page_for(self, code: str) -> str | None:
        return self.code_url.replace("{code}", code) if self.code_url else None


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]
    providers: Mapping[str, str]  # slug -> display name, in load order
    _by_code: Mapping[str, tuple[Entry, ...]] = field(repr=False, default_factory=dict)
    message_ids: Mapping[str, MessageIdShape] = field(repr=False, default_factory=dict)
    networks: Mapping[str, Network] = field(repr=False, default_factory=dict)
    # The keys of the entries the built-in files define: those must speak every language.
    builtin: frozenset[tuple[str, str, str | None]] = field(repr=False, default=frozenset())

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def with_code(self, code: str) -> tuple[Entry, ...]:
        """Every entry whose code is `code` (any case), across providers and scopes."""
        return self._by_code.get(code.casefold(), ())

    def get(self, provider: str, code: str, scope: str | None = None) -> Entry | None:
        for entry in self.with_code(code):
            if entry.provider == provider and (scope is None or entry.scope == scope):
                return entry
        return None

    def network(self, provider: str) -> Network:
        return self.networks.get(provider, Network())

    def carriers_of(self, provider: str) -> tuple[str, ...]:
        """The provider and, after it, the providers it sends through: a Salesmsg user meets
        Salesmsg's own errors and Twilio's."""
        chain = [provider]
        while (through := self.network(chain[-1]).sends_through) and through not in chain:
            chain.append(through)
        return tuple(chain)

    def other_names(self) -> dict[str, tuple[str, ...]]:
        """slug -> other names that stand for it in a message: products that send through it
        without a file of their own, and names it had before."""
        return {
            p: n.platforms + n.formerly
            for p, n in self.networks.items()
            if n.platforms or n.formerly
        }

    def message_id_shape(self, provider: str) -> MessageIdShape:
        """The provider's message id shape from its file, or ANY_MESSAGE_ID when it gives none."""
        return self.message_ids.get(provider, ANY_MESSAGE_ID)


def _index(entries: Iterable[Entry]) -> dict[str, tuple[Entry, ...]]:
    by_code: dict[str, list[Entry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code.casefold(), []).append(entry)
    return {k: tuple(v) for k, v in by_code.items()}


# -- reading files ---------------------------------------------------------------------------


# libyaml's parser is about five times faster than the pure-Python one; same safe constructors.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """safe_load that refuses duplicate keys: YAML silently keeps the last one otherwise."""


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise yaml.constructor.ConstructorError(
                None, None, "keys must be plain words or numbers", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _no_duplicate_keys,  # type: ignore[arg-type]
)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(
        resources.files("bot.core").joinpath("catalog_schema.json").read_text("utf-8")
    )
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def builtin_dir() -> Path:
    """The shipped catalog: inside the installed package, or catalog/ in a source checkout."""
    packaged = Path(str(resources.files("bot"))) / "catalog_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "catalog"


def catalog_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their *.yaml / *.yml files (sorted); keep files as given."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def operator_paths(environ: Mapping[str, str] | None = None) -> list[str]:
    value = (environ if environ is not None else os.environ).get(CATALOG_PATH_ENV, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


def _read(path: Path) -> tuple[Any, list[Problem]]:
    name = str(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "no such file; check the path")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, f"cannot be read: {exc}")]
    too_deep = [
        Problem(name, f"is nested more than {MAX_DEPTH} levels deep; no catalog needs that")
    ]
    try:
        doc = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, f"YAML syntax error at {where}{problem}")]
    except RecursionError:  # the YAML parser builds nested values recursively
        return None, too_deep
    # The schema validator recurses too; a catalog is a few levels deep, so refuse more first.
    return (None, too_deep) if _depth(doc) > MAX_DEPTH else (doc, [])


MAX_DEPTH = 16


def _depth(doc: Any) -> int:
    """How deeply lists and mappings nest in a loaded document (iteratively: no recursion)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


_MISSING = re.compile(r"^'([^']+)' is a required property")
_DEPENDENCY = re.compile(r"^'([^']+)' is a dependency of '([^']+)'")
_UNEXPECTED = re.compile(r"\('([^']+)' was unexpected\)|\(([^)]*) were unexpected\)")


def _schema_problem(name: str, doc: Any, error: jsonschema.ValidationError) -> Problem:
    path = list(error.absolute_path)
    entry = None
    if len(path) >= 2 and path[0] in ("entries", "overrides"):
        item = doc[path[0]][path[1]]
        code = item.get("code") if isinstance(item, dict) else None
        kind = "entry" if path[0] == "entries" else "override"
        entry = f"{kind} {path[1] + 1}" + (f" (code {code!r})" if code is not None else "")
        path = path[2:]
    field_name = ".".join(str(p) for p in path) or None
    message = error.message
    if error.validator == "required" and (m := _MISSING.match(message)):
        field_name = ".".join(filter(None, [field_name, m.group(1)]))
        message = "is required but missing"
    elif error.validator == "additionalProperties" and (m := _UNEXPECTED.search(message)):
        unknown = m.group(1) or m.group(2)
        field_name = ".".join(filter(None, [field_name, unknown.strip("'")]))
        message = "is not a known field (see catalog/README.md for the fields an entry takes)"
    elif error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        message = f"{error.instance!r} is not allowed; use one of: {allowed}"
    elif error.validator == "type" and path and path[-1] == "code":
        message = f'{error.instance!r} must be a quoted string, e.g. code: "{error.instance}"'
    elif error.validator == "dependentRequired" and (m := _DEPENDENCY.match(message)):
        field_name = m.group(2)
        message = f"needs '{m.group(1)}' in the same file (it goes in a provider's own file)"
    elif error.validator == "anyOf" and not path:
        message = "needs 'entries' (a provider file) or 'overrides' (an operator file)"
    return Problem(name, message, entry, field_name)


def _build_message_id(
    raw: Mapping[str, Any], name: str
) -> tuple[MessageIdShape | None, list[Problem]]:
    """The provider's message id shape; a pattern that does not compile, or an example it
    refuses, is a problem now rather than a form that rejects every id later."""
    try:
        re.compile(raw["pattern"])
    except re.error as exc:
        return None, [
            Problem(name, f"is not a valid regular expression: {exc}", None, "message_id.pattern")
        ]
    shape = MessageIdShape(pattern=raw["pattern"], hint=raw["hint"].strip(), example=raw["example"])
    if not shape.matches(shape.example):
        return None, [
            Problem(
                name,
                f"{shape.example!r} does not match the pattern; fix one of them",
                None,
                "message_id.example",
            )
        ]
    return shape, []


def _build_escalation(raw: Mapping[str, Any] | None, team: str) -> EscalationPolicy | None:
    if not raw:
        return None
    return EscalationPolicy(
        when=raw["when"].strip(),
        collect=tuple(raw["collect"]),
        team=team,
        min_examples=raw.get("min_examples"),
        window_hours=raw.get("window_hours"),
        wait_hours=raw.get("wait_hours"),
    )


def _build_entry(raw: Mapping[str, Any], provider: str, provider_name: str, team: str) -> Entry:
    return Entry(
        provider=provider,
        provider_name=provider_name,
        code=raw["code"],
        scope=raw.get("scope"),
        title=raw["title"].strip(),
        aliases=tuple(raw.get("aliases", ())),
        category=raw["category"],
        cause=raw["cause"].strip(),
        fix=tuple(step.strip() for step in raw["fix"]),
        retry=raw["retry"],
        retry_classes=tuple(raw.get("retry_classes", ())),
        escalation=_build_escalation(raw.get("escalation"), team),
        keywords=tuple(raw.get("keywords", ())),
        docs_url=raw.get("docs_url"),
        http_status=raw.get("http_status"),
        permanent=raw.get("permanent"),
        sources=tuple(raw["sources"]),
    )


def _apply_override(entry: Entry, raw: Mapping[str, Any], team: str | None) -> Entry:
    escalation = entry.escalation
    if "escalation" in raw:
        escalation = _build_escalation(raw["escalation"], team or _team_of(entry))
    elif escalation and team:
        escalation = EscalationPolicy(**{**escalation.__dict__, "team": team})
    return Entry(
        **{
            **entry.__dict__,
            "title": raw.get("title", entry.title).strip(),
            "fix": entry.fix + tuple(s.strip() for s in raw.get("extra_fix", ())),
            "keywords": entry.keywords + tuple(raw.get("keywords", ())),
            "docs_url": raw.get("docs_url", entry.docs_url),
            "escalation": escalation,
            "texts": {lang: _override_text(text, raw) for lang, text in entry.texts.items()},
        }
    )


def _override_text(text: EntryText, raw: Mapping[str, Any]) -> EntryText:
    """What an operator's override changes in a language's text: its extra steps are added
    (in the operator's words), and a title or guidance it rewrites is shown as written."""
    changed: dict[str, Any] = {"fix": text.fix + tuple(s.strip() for s in raw.get("extra_fix", ()))}
    if "title" in raw:
        changed["title"] = raw["title"].strip()
    if "escalation" in raw:
        changed["escalation_when"], changed["collect"] = None, ()
    return replace(text, **changed)


def _team_of(entry: Entry) -> str:
    return entry.escalation.team if entry.escalation else f"{entry.provider_name} support"


CACHE_DIR_ENV = "SMSERROR_CACHE_DIR"
_CACHE_VERSION = "1"  # bump when what a validated document means changes


class CompiledFiles:
    """Built-in catalog files that passed the schema, kept as JSON under the user's cache
    folder, keyed by a hash of the file's bytes and of the schema.

    Why: YAML parsing and schema validation take most of a start (0.45 s of 0.7 s at 1,154
    entries); the built-in files only change with a release. A changed file has a new hash,
    so it is read and validated again; operator files are never cached, always validated.
    JSON rather than pickle: a cache file can only ever be data. Any trouble with the cache
    (unwritable folder, a damaged file) only costs the time it would have saved.
    """

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            base = os.environ.get(CACHE_DIR_ENV) or os.path.join(
                os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "smserror"
            )
            folder = Path(base)
        self.folder = folder
        schema = resources.files("bot.core").joinpath("catalog_schema.json").read_bytes()
        self._salt = hashlib.sha256(_CACHE_VERSION.encode() + schema).digest()

    def _where(self, path: Path) -> tuple[Path, bytes] | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        key = hashlib.sha256(self._salt + data).hexdigest()[:32]
        return self.folder / f"catalog-{path.stem}-{key}.json", data

    def get(self, path: Path) -> Any | None:
        found = self._where(path)
        if found is None:
            return None
        try:
            return json.loads(found[0].read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, path: Path, doc: Any) -> None:
        found = self._where(path)
        if found is None:
            return
        target = found[0]
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
            os.replace(partial, target)  # whole or not at all, even with two starting at once
            for stale in self.folder.glob(f"catalog-{path.stem}-*.json"):
                if stale != target:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass


def load_catalog(
    paths: Iterable[str | Path] | None = None, *, with_builtin: bool = True
) -> Catalog:
    """Load the built-in catalog plus `paths` (default: SMSERROR_CATALOG_PATH), all or nothing."""
    files = catalog_files([builtin_dir()] if with_builtin else [])
    builtin = {f.resolve() for f in files}
    compiled = CompiledFiles()
    # A built-in file named again (`smserror catalog lint catalog/twilio.yaml`) is read once.
    files += [
        f
        for f in catalog_files(operator_paths() if paths is None else paths)
        if f.resolve() not in builtin
    ]
    problems: list[Problem] = []
    entries: dict[tuple[str, str, str | None], Entry] = {}
    origin: dict[tuple[str, str, str | None], str] = {}
    providers: dict[str, str] = {}
    message_ids: dict[str, MessageIdShape] = {}
    networks: dict[str, Network] = {}
    pending_overrides: list[tuple[str, int, Mapping[str, Any], str | None]] = []
    pending_texts: list[tuple[str, int, str, str, Mapping[str, Any]]] = []
    pending_hints: list[tuple[str, str, str]] = []
    builtin_keys: set[tuple[str, str, str | None]] = set()

    for path in files:
        name = str(path)
        doc = compiled.get(path) if path.resolve() in builtin else None
        if doc is None:
            doc, read_problems = _read(path)
            problems += read_problems
            if read_problems:
                continue
            schema_errors = sorted(
                _validator().iter_errors(doc), key=lambda e: list(e.absolute_path)
            )
            if schema_errors:
                problems += [_schema_problem(name, doc, e) for e in schema_errors]
                continue
            if path.resolve() in builtin:
                compiled.put(path, doc)
        team = (doc.get("support") or {}).get("team")
        if "entries" in doc:
            provider, provider_name = doc["provider"], doc["name"]
            providers.setdefault(provider, provider_name)
            if "message_id" in doc:
                shape, shape_problems = _build_message_id(doc["message_id"], name)
                problems += shape_problems
                if shape and provider not in message_ids:  # the first file to say wins, as names
                    message_ids[provider] = shape
            if provider not in networks:  # the first file to say wins, as for names
                networks[provider] = Network(
                    code_url=doc.get("code_url"),
                    sends_through=doc.get("sends_through"),
                    platforms=tuple(doc.get("platforms", ())),
                    formerly=tuple(doc.get("formerly", ())),
                )
            provider_team = team or f"{provider_name} support"
            for i, raw in enumerate(doc["entries"], start=1):
                entry = _build_entry(raw, provider, providers[provider], provider_team)
                if entry.key in entries:
                    scope = f" in scope {entry.scope!r}" if entry.scope else ""
                    where = (
                        "earlier in this file" if origin[entry.key] == name else origin[entry.key]
                    )
                    problems.append(
                        Problem(
                            name,
                            f"code {entry.code!r}{scope} is defined twice (also {where}); "
                            "give each a distinct scope or use 'overrides' to change an entry",
                            f"entry {i} (code {entry.code!r})",
                            "code",
                        )
                    )
                    continue
                entries[entry.key] = entry
                origin[entry.key] = name
                if path.resolve() in builtin:
                    builtin_keys.add(entry.key)
        for i, raw in enumerate(doc.get("translations", ()), start=1):
            pending_texts.append((name, i, doc["provider"], doc["language"], raw))
        if "message_id_hint" in doc:
            pending_hints.append((doc["provider"], doc["language"], doc["message_id_hint"].strip()))
        for i, raw in enumerate(doc.get("overrides", ()), start=1):
            pending_overrides.append((name, i, raw, team))
        if "entries" not in doc and team:
            # An operator file's support team takes every escalation.
            pending_overrides.append((name, 0, {}, team))

    for name, i, provider, lang, raw in pending_texts:
        key = (provider, raw["code"], raw.get("scope"))
        if problem := _text_problem(entries.get(key), raw):
            field_name, message = problem
            where = f"translation {i} (code {raw['code']!r})"
            problems.append(Problem(name, message, where, field_name))
            continue
        entries[key] = replace(entries[key], texts={**entries[key].texts, lang: _build_text(raw)})

    for provider, lang, hint in pending_hints:
        if provider in message_ids:
            shape = message_ids[provider]
            message_ids[provider] = replace(shape, hints={**shape.hints, lang: hint})

    for name, i, raw, team in pending_overrides:
        if i == 0:
            for key, entry in entries.items():
                entries[key] = _apply_override(entry, {}, team)
            continue
        targets = [
            key
            for key in entries
            if key[0] == raw["provider"]
            and key[1].casefold() == raw["code"].casefold()
            and ("scope" not in raw or key[2] == raw["scope"])
        ]
        if not targets:
            problems.append(
                Problem(
                    name,
                    f"no entry {raw['provider']} {raw['code']!r}"
                    + (f" in scope {raw['scope']!r}" if "scope" in raw else "")
                    + " to override; check the provider, code and scope",
                    f"override {i} (code {raw['code']!r})",
                    "code",
                )
            )
        for key in targets:
            entries[key] = _apply_override(entries[key], raw, team)

    for provider, network in networks.items():
        if network.sends_through and network.sends_through not in providers:
            problems.append(
                Problem(
                    provider,
                    f"sends through {network.sends_through!r}, which no catalog file defines",
                    None,
                    "sends_through",
                )
            )
    if not files:
        problems.append(Problem(str(builtin_dir()), "no catalog files found"))
    if problems:
        raise CatalogError(problems)
    ordered = tuple(entries.values())
    return Catalog(
        entries=ordered,
        providers=dict(providers),
        _by_code=_index(ordered),
        message_ids=message_ids,
        networks=networks,
        builtin=frozenset(builtin_keys),
    )


def _text_problem(entry: Entry | None, raw: Mapping[str, Any]) -> tuple[str, str] | None:
    """The field, and why, when a translation cannot stand for its entry: no such entry, or
    a different shape."""
    if entry is None:
        scope = f" in scope {raw['scope']!r}" if "scope" in raw else ""
        return "code", f"no entry {raw['code']!r}{scope} to translate; check the code and scope"
    if len(raw["fix"]) != len(entry.fix):
        steps = f"has {len(raw['fix'])} fix steps; the entry has {len(entry.fix)}"
        return "fix", f"{steps}: say each step once"
    if ("escalation" in raw) != (entry.escalation is not None):
        has = "has escalation guidance" if entry.escalation else "has no escalation guidance"
        return "escalation", f"the entry {has}; say it the same way (escalation: when, collect)"
    return None


def _build_text(raw: Mapping[str, Any]) -> EntryText:
    escalation = raw.get("escalation") or {}
    return EntryText(
        title=raw["title"].strip(),
        cause=raw["cause"].strip(),
        fix=tuple(step.strip() for step in raw["fix"]),
        keywords=tuple(raw["keywords"]),
        escalation_when=escalation["when"].strip() if escalation else None,
        collect=tuple(escalation.get("collect", ())),
    )


def untranslated(catalog: Catalog, lang: str) -> list[Problem]:
    """Built-in entries without their text in `lang`: a problem for the shipped catalog, which
    speaks every language; operators' own entries may stay English."""
    return [
        Problem(
            entry.provider,
            f"the built-in entry has no {lang!r} text; "
            f"add it to catalog/{entry.provider}.{lang}.yaml",
            f"code {entry.code!r}" + (f" in scope {entry.scope!r}" if entry.scope else ""),
            "translations",
        )
        for entry in catalog
        if entry.key in catalog.builtin and lang not in entry.texts
    ]


def lint(paths: Iterable[str | Path] | None) -> list[Problem]:
    """Check operator files against the built-in catalog; [] means they are fine to deploy.

    Beyond what loading checks, a value that YAML cut short at a comment is a problem: it
    loads, but shows a person half a sentence."""
    files = catalog_files([builtin_dir(), *(operator_paths() if paths is None else paths)])
    problems = [problem for path in files for problem in comment_cuts(path)]
    try:
        catalog = load_catalog(paths)
    except CatalogError as exc:
        return exc.problems + problems
    return problems + [p for lang in TRANSLATED for p in untranslated(catalog, lang)]


# An unquoted value with " #" and then a word in it: YAML ends the value there (the rest is a
# comment), so "Post it in #sms-support first" loads as "Post it in". A comment written on
# purpose has a space after its "#".
_ITEM = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:(?:\s+|$))?")
_CUT = re.compile(r"\s#\S")


def _cut_by_a_comment(line: str) -> bool:
    value = line[_ITEM.match(line).end() :]  # type: ignore[union-attr]  (matches every line)
    return bool(value) and value[0] not in "\"'|>[{#&*!%@`" and bool(_CUT.search(value))


def comment_cuts(path: Path) -> list[Problem]:
    """The lines of a catalog file whose unquoted value a "#" cuts short."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # loading reports the file itself
    return [
        Problem(
            str(path),
            f'line {n}: the " #" starts a YAML comment and cuts this text short; put the '
            "whole value in quotes",
        )
        for n, line in enumerate(text.splitlines(), 1)
        if _cut_by_a_comment(line)
    ]


@cache
def default_catalog() -> Catalog:
    """The catalog this process serves: built-in files plus SMSERROR_CATALOG_PATH, loaded once."""
    return load_catalog()
