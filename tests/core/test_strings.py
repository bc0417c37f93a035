"""The string table: every sentence a person reads comes from bot/strings/<lang>.yaml.

Checked here: every key the code says exists, every key the table holds is said somewhere,
each key's {fields} are the ones the code fills in, and no module that speaks to people keeps
a sentence of its own outside the table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import strings
from bot.cards.alert import MUTES
from bot.cards.escalation import _PROBLEMS
from bot.cards.parts import _COMMANDS, _WAYS
from bot.console import NO_REPLY
from bot.core.catalog import default_catalog
from bot.slack.errors import SLACK_ERRORS
from bot.strings import MissingString, fields_of, ordinal, say, span

BOT = Path(__file__).resolve().parents[2] / "bot"
TABLE = strings.table("en")


def _said() -> tuple[dict[str, set[str]], set[str]]:
    """Every literal key passed to say() in bot/, with the fields passed beside it, and the
    prefixes of keys built at run time (say(f"retry.{...}"))."""
    literal: dict[str, set[str]] = {}
    prefixes: set[str] = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"):
                continue
            key = node.args[0] if node.args else None
            fields = {k.arg for k in node.keywords if k.arg and k.arg != "lang"}
            if isinstance(key, ast.Constant):
                literal.setdefault(key.value, set()).update(fields)
            elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
                prefixes.add(key.values[0].value)
            elif isinstance(key, ast.BinOp) and isinstance(key.left, ast.Constant):
                prefixes.add(key.left.value)
    return literal, prefixes


def _built_at_run_time() -> set[str]:
    """The keys the code builds from a value: each family, with all its members."""
    catalog = default_catalog()
    return {
        *(f"retry.{e.retry}" for e in catalog.entries),
        *(f"category.{e.category}" for e in catalog.entries),
        *(f"error.slack_{code}" for code in SLACK_ERRORS),
        *(f"escalation.problem_{code}" for code in _PROBLEMS),
        *(
            f"escalation.update_{state}{plain}"
            for state in ("acknowledged", "resolved")
            for plain in ("", "_plain")
        ),
        *(f"console.no_reply_{why.replace('-', '_')}" for why in NO_REPLY),
        *(f"escalation.state_{state}" for state in ("open", "acknowledged", "resolved")),
        *(f"language.{lang}" for lang in strings.LANGUAGES),
        *(f"alert.mute_{length}" for length in MUTES),
        *(f"help.command_{name}" for name, _ in _COMMANDS),
        *(f"help.{way}" for way in _WAYS),
    }


# Keys read by the table's own helpers (span, days, ordinal), not through a say() literal.
_HELPERS = {"time.hours", "time.days", "time.last_days", "ordinal.words", "ordinal.suffixes"}


def test_every_key_the_code_says_is_in_the_table() -> None:
    literal, _ = _said()
    missing = sorted(set(literal) - set(TABLE)) + sorted(_built_at_run_time() - set(TABLE))
    assert missing == []


def test_every_key_in_the_table_is_said() -> None:
    literal, prefixes = _said()
    built = _built_at_run_time()
    assert all(any(key.startswith(p) for p in prefixes) for key in built)
    unused = sorted(set(TABLE) - set(literal) - built - _HELPERS)
    assert unused == []


def test_each_key_gets_the_fields_it_fills_in() -> None:
    literal, _ = _said()
    wrong = {}
    for key, given in literal.items():
        value = TABLE.get(key)
        forms = value.values() if isinstance(value, dict) else [value]
        wanted = set().union(*(fields_of(form) for form in forms if isinstance(form, str)))
        if wanted - given - {"count"} or (given - {"count"}) - wanted:
            wrong[key] = (sorted(wanted), sorted(given))
    assert wrong == {}


def test_a_key_the_table_lacks_is_an_error_not_a_blank() -> None:
    with pytest.raises(MissingString):
        say("card.no_such_key")
    with pytest.raises(MissingString):
        say("escalation.list_plain")  # one/other forms need a count


def test_plural_forms_and_the_table_helpers() -> None:
    assert say("escalation.list_plain", count=1) == "1 open escalation"
    assert say("escalation.list_plain", count=2) == "2 open escalations"
    assert [span(1), span(24), span(72), span(168)] == ["1 hour", "24 hours", "3 days", "7 days"]
    assert [ordinal(1), ordinal(10), ordinal(11), ordinal(22), ordinal(113)] == [
        "first",
        "tenth",
        "11th",
        "22nd",
        "113th",
    ]


# The modules that speak to people. Each string constant in them that reads as a sentence
# (two words with a space between, not a /command, an id or a log's key=value) must come from
# the table;
# docstrings, log lines and exception texts (for the log, never shown) are not sentences here.
SPEAKING = [
    *sorted((BOT / "cards").glob("*.py")),
    *sorted((BOT / "slack" / "listeners").glob("*.py")),
    BOT / "slack" / "errors.py",
    BOT / "core" / "answers.py",
    BOT / "core" / "command.py",
    BOT / "core" / "escalation" / "form.py",
    BOT / "core" / "escalation" / "phones.py",
    BOT / "core" / "escalation" / "recurrence.py",
    BOT / "console.py",
]
# Two words and a space: not ids ("settings_open:pick"), log fields ("hits=") or commands.
_SENTENCE = re.compile(r"^(?![/#]).*[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}(?!.*=)")
_QUIET = {"debug", "info", "warning", "error", "exception", "critical"}


def _not_shown(tree: ast.AST) -> set[int]:
    """ids of string nodes that never reach a person: docstrings, log and exception texts."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skip.add(id(first.value))
        quiet = isinstance(node, ast.Call) and getattr(node.func, "attr", None) in _QUIET
        if quiet or isinstance(node, ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    skip = _not_shown(tree)
    return [
        f"{path.name}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if id(node) not in skip
        and isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _SENTENCE.search(node.value)
    ]


def test_no_sentence_lives_outside_the_table() -> None:
    found = [s for path in SPEAKING for s in _sentences(path)]
    assert found == []


def test_the_sentence_check_sees_a_sentence(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        '"""Doc."""\nimport logging\nlogging.info("a log line")\nX = "Try again soon."\n'
    )
    assert _sentences(probe) == ["probe.py:4: 'Try again soon.'"]


@pytest.mark.parametrize("lang", [lang for lang in strings.LANGUAGES if lang != "en"])
def test_every_language_has_the_same_keys_and_fields(lang: str) -> None:
    """A second language is one more file: the same keys, each with the same {fields}."""
    other = strings.table(lang)
    assert list(other) == list(TABLE)

    def fields(value: object) -> set[str]:
        forms = value.values() if isinstance(value, dict) else [value]
        return set().union(*(fields_of(f) for f in forms if isinstance(f, str)))

    assert {k: fields(v) for k, v in other.items()} == {k: fields(v) for k, v in TABLE.items()}
    assert len(other["ordinal.words"]) == 10 and len(other["ordinal.suffixes"].split()) == 10


def test_speaking_sets_the_language_for_what_runs_inside() -> None:
    with strings.speaking("fr"):
        assert say("card.what_happened") == "Ce qui s'est passé"
        assert say("time.days", count=7) == "7 jours" and ordinal(11) == "11e"
    assert say("card.what_happened") == "What happened"
    with pytest.raises(ValueError, match="no string table"), strings.speaking("xx"):
        pass


def test_counts_are_written_as_the_reader_writes_them() -> None:
    assert say("home.times", count=1234) == "1,234 times"
    with strings.speaking("fr"):
        assert say("home.times", count=1234) == "1\u202f234 fois"
    assert strings.number(999) == "999"
