"""Bad catalog files fail with the file, the entry and the field named; nothing half-loads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.core.catalog import CatalogError, lint, load_catalog

GOOD_ENTRY = """
  - code: "7001"
    title: Example gateway refused the message
    category: delivery
    cause: The example gateway refused the message for a reason it did not share.
    fix:
      - Send it again later.
    retry: retry_with_backoff
    sources: [acme]
"""


def write(tmp_path: Path, body: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def provider_file(tmp_path: Path, entries: str, name: str = "acme.yaml") -> Path:
    return write(tmp_path, "provider: acme\nname: Acme SMS\nentries:" + entries, name)


def only_problem(path: Path):
    problems = lint([path])
    assert len(problems) == 1, problems
    return problems[0]


def test_a_good_operator_file_adds_a_provider(tmp_path):
    path = provider_file(tmp_path, GOOD_ENTRY)
    assert lint([path]) == []
    catalog = load_catalog([path])
    entry = catalog.get("acme", "7001")
    assert entry is not None and entry.provider_name == "Acme SMS"
    assert catalog.get("twilio", "30007") is not None  # built-in entries still there


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "provider: acme\nname: [unclosed\nentries: []\n")
    problem = only_problem(path)
    assert problem.file == str(path)
    assert "YAML syntax error at line" in problem.message


def test_unknown_field(tmp_path):
    path = provider_file(tmp_path, GOOD_ENTRY + "    colour: red\n")
    problem = only_problem(path)
    assert problem.entry == "entry 1 (code '7001')"
    assert problem.field == "colour"
    assert "not a known field" in problem.message


def test_missing_cause(tmp_path):
    entry = GOOD_ENTRY.replace(
        "    cause: The example gateway refused the message for a reason it did not share.\n", ""
    )
    problem = only_problem(provider_file(tmp_path, entry))
    assert (problem.entry, problem.field) == ("entry 1 (code '7001')", "cause")
    assert "required" in problem.message


def test_code_twice_in_one_scope(tmp_path):
    problem = only_problem(provider_file(tmp_path, GOOD_ENTRY + GOOD_ENTRY))
    assert (problem.entry, problem.field) == ("entry 2 (code '7001')", "code")
    assert "defined twice" in problem.message


def test_same_code_in_two_scopes_is_fine(tmp_path):
    a = GOOD_ENTRY.replace('"7001"', '"7001"\n    scope: send')
    b = GOOD_ENTRY.replace('"7001"', '"7001"\n    scope: mail')
    assert lint([provider_file(tmp_path, a + b)]) == []


def test_bad_retry_value(tmp_path):
    entry = GOOD_ENTRY.replace("retry_with_backoff", "maybe_later")
    problem = only_problem(provider_file(tmp_path, entry))
    assert problem.field == "retry"
    assert "'maybe_later' is not allowed" in problem.message
    assert "dont_retry" in problem.message


def test_unquoted_code_is_explained(tmp_path):
    problem = only_problem(provider_file(tmp_path, GOOD_ENTRY.replace('"7001"', "7001")))
    assert problem.field == "code"
    assert "quoted string" in problem.message


def test_duplicate_yaml_key(tmp_path):
    path = write(tmp_path, "provider: acme\nprovider: acme2\nname: A\nentries: []\n")
    assert "duplicate key 'provider'" in only_problem(path).message


def test_override_of_unknown_entry(tmp_path):
    path = write(tmp_path, 'overrides:\n  - provider: twilio\n    code: "99999"\n    title: Nope\n')
    problem = only_problem(path)
    assert problem.entry == "override 1 (code '99999')"
    assert "no entry twilio '99999'" in problem.message


def test_missing_file(tmp_path):
    assert "no such file" in only_problem(tmp_path / "nope.yaml").message


def test_every_problem_reported_and_nothing_loaded(tmp_path):
    good = provider_file(tmp_path, GOOD_ENTRY, "good.yaml")
    bad = write(tmp_path, "provider: acme2\nname: B\nentries:\n  - code: 1\n", "bad.yaml")
    with pytest.raises(CatalogError) as caught:
        load_catalog([good, bad])
    fields = {p.field for p in caught.value.problems}
    assert {"code", "title", "cause", "fix", "retry", "category", "sources"} <= fields
    assert all(p.file == str(bad) for p in caught.value.problems)


def test_overrides_add_fix_steps_and_support_team(tmp_path):
    path = write(
        tmp_path,
        """
        support:
          team: Acme Messaging Desk
        overrides:
          - provider: twilio
            code: "30007"
            extra_fix:
              - Post the message SID in the deliverability channel first.
        """,
    )
    catalog = load_catalog([path])
    entry = catalog.get("twilio", "30007")
    assert entry.fix[-1] == "Post the message SID in the deliverability channel first."
    assert entry.escalation.team == "Acme Messaging Desk"
    assert entry.escalation.min_examples == 3  # the figures survive a team change
    assert catalog.get("telnyx", "40003").escalation.team == "Acme Messaging Desk"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_lint_command_reports_and_fails(tmp_path):
    bad = provider_file(tmp_path, GOOD_ENTRY.replace("retry_with_backoff", "sometimes"))
    result = run_cli("catalog", "lint", str(bad))
    assert result.returncode == 1
    assert f"{bad}, entry 1 (code '7001'), field 'retry'" in result.stderr
    assert "nothing was loaded" in result.stderr


def test_lint_command_passes_good_file(tmp_path):
    result = run_cli("catalog", "lint", str(provider_file(tmp_path, GOOD_ENTRY)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_bad_operator_catalog_stops_lookup_with_a_clear_message(tmp_path):
    bad = provider_file(tmp_path, GOOD_ENTRY.replace("delivery", "weather"))
    result = run_cli("lookup", "30007", env={"SMSERROR_CATALOG_PATH": str(bad)})
    assert result.returncode == 2
    assert "field 'category'" in result.stderr
    assert "smserror catalog lint" in result.stderr


def test_linting_a_built_in_file_reads_it_once():
    from bot.core.catalog import builtin_dir

    assert lint([builtin_dir() / "twilio.yaml"]) == []
    assert lint([builtin_dir()]) == []


def test_sends_through_must_name_a_provider_in_the_catalog(tmp_path):
    path = write(
        tmp_path, "provider: acme\nname: Acme SMS\nsends_through: nosuchnet\nentries:" + GOOD_ENTRY
    )
    problems = lint([path])
    assert any(p.field == "sends_through" for p in problems)


def test_the_compiled_cache_is_keyed_by_content(tmp_path):
    from bot.core.catalog import CompiledFiles

    cache = CompiledFiles(tmp_path / "cache")
    path = provider_file(tmp_path, GOOD_ENTRY)
    assert cache.get(path) is None
    cache.put(path, {"provider": "acme"})
    assert cache.get(path) == {"provider": "acme"}
    path.write_text(path.read_text() + "\n# edited\n")
    assert cache.get(path) is None  # changed bytes: read and validated again
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_operator_files_are_validated_even_with_a_warm_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SMSERROR_CACHE_DIR", str(tmp_path / "cache"))
    assert lint([]) == []  # fills the cache with the built-in files
    assert any((tmp_path / "cache").iterdir())
    bad = provider_file(tmp_path, GOOD_ENTRY.replace("retry_with_backoff", "sometimes"))
    assert lint([bad])  # refused: operator files never come from the cache


CUT = """
overrides:
  - provider: twilio
    code: "30007"
    extra_fix:
      - Post the message SID in #sms-deliverability before escalating.
"""


def test_a_value_a_comment_cuts_short_is_a_problem_and_quoting_it_is_the_fix(
    tmp_path: Path,
) -> None:
    cut = write(tmp_path, CUT)
    problem = only_problem(cut)
    assert "line 6" in problem.message and "quotes" in problem.message
    quoted = CUT.replace(
        "- Post the message SID in #sms-deliverability before escalating.",
        '- "Post the message SID in #sms-deliverability before escalating."',
    )
    assert lint([write(tmp_path, quoted, "quoted.yaml")]) == []


def test_comments_written_on_purpose_and_links_with_anchors_are_fine(tmp_path: Path) -> None:
    body = (
        "provider: acme   # the slug\nname: Acme SMS\ndocs_url: https://acme.example/errors#sms\n"
        "entries:" + GOOD_ENTRY
    )
    assert lint([write(tmp_path, body)]) == []


def test_the_operator_example_in_the_catalog_readme_lints_clean(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "catalog" / "README.md").read_text()
    example = readme.split("## Operator files", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "#sms-deliverability" in example
    assert lint([write(tmp_path, example)]) == []
