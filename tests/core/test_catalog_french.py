"""The catalog in French: every built-in entry has its French text (catalog/<provider>.fr.yaml),
checked by the same schema, refused by lint when missing; operators' own entries may stay
English. The facts stay the entry's own: only what a person reads is said again."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from slack_harness import console
from test_catalog_lint import GOOD_ENTRY, provider_file, run_cli

from bot.core import catalog as catalog_module
from bot.core.catalog import TRANSLATED, CatalogError, builtin_dir, lint, load_catalog
from bot.core.detect import detect
from bot.core.lookup import Lookup, best_entries

CATALOG = load_catalog([])


def test_every_built_in_entry_speaks_french() -> None:
    assert len(CATALOG.builtin) == len(CATALOG) >= 1000
    assert [e.label for e in CATALOG if "fr" not in e.texts] == []


def test_french_changes_the_words_and_keeps_the_facts() -> None:
    for entry in CATALOG:
        french = entry.in_language("fr")
        assert french.title != entry.title or entry.title.isupper(), entry.label
        assert len(french.fix) == len(entry.fix)
        facts = ("provider", "code", "scope", "category", "retry", "sources", "docs_url")
        assert all(getattr(french, f) == getattr(entry, f) for f in facts)
        if entry.escalation:
            assert french.escalation.min_examples == entry.escalation.min_examples
            assert french.escalation.window_hours == entry.escalation.window_hours
            assert len(french.escalation.collect) == len(entry.escalation.collect)


def test_english_is_the_entry_itself() -> None:
    entry = CATALOG.get("twilio", "30007")
    assert entry.in_language("en") is entry
    assert entry.in_language("fr").title == "Message filtré comme spam par l'opérateur"


@pytest.fixture
def builtin_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built-in catalog, copied where a test may change it, and served as built-in."""
    folder = tmp_path / "catalog"
    shutil.copytree(builtin_dir(), folder)
    monkeypatch.setattr(catalog_module, "builtin_dir", lambda: folder)
    return folder


def _drop_translation(folder: Path, provider: str, code: str) -> None:
    path = folder / f"{provider}.fr.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["translations"] = [t for t in doc["translations"] if t["code"] != code]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_lint_refuses_a_built_in_entry_without_french(builtin_copy: Path) -> None:
    _drop_translation(builtin_copy, "smsfactory", "33007")
    problems = [str(p) for p in lint([])]
    assert len(problems) == 1
    assert "'33007'" in problems[0] and "no 'fr' text" in problems[0]
    assert "smsfactory.fr.yaml" in problems[0]
    # It still loads: a reader of French sees that entry in English rather than nothing.
    entry = load_catalog([]).get("smsfactory", "33007")
    assert entry.in_language("fr") is entry


def test_an_operators_own_entries_may_stay_english(tmp_path: Path) -> None:
    path = provider_file(tmp_path, GOOD_ENTRY)
    assert lint([path]) == []
    entry = load_catalog([path]).get("acme", "7001")
    assert entry.in_language("fr") is entry


def _translation_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "twilio.fr.yaml"
    path.write_text("provider: twilio\nlanguage: fr\ntranslations:\n" + textwrap.dedent(body))
    return path


def test_a_translation_must_say_every_step_once(tmp_path: Path) -> None:
    path = _translation_file(
        tmp_path,
        """
        - code: "21610"
          title: Destinataire désinscrit
          cause: Le destinataire a répondu STOP à ce numéro.
          fix: [Ne lui écrivez plus.]
          keywords: [désinscrit]
        """,
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog([path])
    [problem] = caught.value.problems
    assert problem.file == str(path) and "translation 1 (code '21610')" in str(problem)
    assert "fix steps" in problem.message and problem.field == "fix"


def test_a_translation_says_escalation_guidance_only_where_the_entry_has_it(
    tmp_path: Path,
) -> None:
    entry = CATALOG.get("twilio", "21610")
    assert entry.escalation is None
    steps = "".join(f"\n            - Étape {n}." for n in range(1, len(entry.fix) + 1))
    path = _translation_file(
        tmp_path,
        f"""
        - code: "21610"
          title: Destinataire désinscrit
          cause: Le destinataire a répondu STOP à ce numéro.
          fix:{steps}
          keywords: [désinscrit]
          escalation: {{when: Jamais., collect: [SID du message]}}
        """,
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog([path])
    [problem] = caught.value.problems
    assert problem.field == "escalation" and "has no escalation guidance" in problem.message


def test_the_schema_names_every_language_the_catalog_is_written_in() -> None:
    schema = json.loads((Path(catalog_module.__file__).parent / "catalog_schema.json").read_text())
    assert schema["properties"]["language"]["enum"] == list(TRANSLATED) == ["fr"]


def test_a_translation_names_an_entry_that_exists(tmp_path: Path) -> None:
    path = _translation_file(
        tmp_path,
        """
        - code: "99999"
          title: Code inconnu
          cause: Aucun.
          fix: [Rien.]
          keywords: [inconnu]
        """,
    )
    with pytest.raises(CatalogError, match="no entry '99999' to translate"):
        load_catalog([path])


def test_a_translation_is_checked_by_the_schema(tmp_path: Path) -> None:
    path = _translation_file(tmp_path, '- code: "21610"\n  title: Désinscrit\n')
    with pytest.raises(CatalogError, match="is required but missing"):
        load_catalog([path])


def test_an_operators_extra_step_is_shown_in_french_too(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(
        'overrides:\n  - provider: twilio\n    code: "30007"\n'
        '    extra_fix:\n      - "Post the SID in #deliverability first."\n'
    )
    french = load_catalog([path]).get("twilio", "30007").in_language("fr")
    assert french.fix[-1] == "Post the SID in #deliverability first."


def test_french_words_find_the_entry() -> None:
    lookup = Lookup(CATALOG)
    for query, code in (("message filtré comme spam", "30007"), ("a répondu STOP", "21610")):
        assert code in [e.code for e in best_entries(lookup.search(query))[:3]], query


def test_the_command_line_speaks_french() -> None:
    card = run_cli("lookup", "--lang", "fr", "30007", "--limit", "1")
    assert card.returncode == 0
    assert "Message filtré comme spam par l'opérateur" in card.stdout
    assert "Ce qui s'est passé" in card.stdout and "What happened" not in card.stdout
    exported = json.loads(run_cli("catalog", "export", "--json", "--lang", "fr").stdout)
    by_key = {(e["provider"], e["code"], e["scope"]): e for e in exported}
    for entry in CATALOG:
        assert by_key[entry.key]["title"] == entry.texts["fr"].title


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("erreur 30007 à chaque envoi depuis ce matin", "Twilio 30007"),
        ("code d'erreur 33007 chez SMSFactory", "SMSFactory 33007"),
        ("on a l'erreur 21610 sur nos envois", "Twilio 21610"),
    ],
)
def test_french_wording_around_a_code_is_understood(text: str, label: str) -> None:
    assert [m.entry.label for m in detect(text)] == [label]


@pytest.mark.parametrize("text", ["Code postal 30007 Nîmes", "facture n° 30007 du 3 mars"])
def test_french_numbers_that_are_not_codes_are_left_alone(text: str) -> None:
    assert detect(text) == []


def test_the_console_speaks_french(tmp_path: Path) -> None:
    done = console("erreur 30007 à chaque envoi\n", tmp_path, "console", "--temp", "--lang", "fr")
    assert "le bot Slack dans votre terminal" in done.stdout
    assert "Ce qui s'est passé" in done.stdout and "What happened" not in done.stdout
