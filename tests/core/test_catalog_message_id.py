"""Each provider's message id shape: read from its file's `message_id` block, checked at load."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.core.catalog import ANY_MESSAGE_ID, lint, load_catalog

CATALOG = load_catalog([])

ENTRY = """
  - code: "7001"
    title: Example gateway refused the message
    category: delivery
    cause: The example gateway refused the message for a reason it did not share.
    fix:
      - Send it again later.
    retry: retry_with_backoff
    sources: [acme]
"""


def acme(tmp_path: Path, header: str) -> Path:
    path = tmp_path / "acme.yaml"
    body = "provider: acme\nname: Acme SMS\n" + textwrap.dedent(header) + "entries:" + ENTRY
    path.write_text(body)
    return path


@pytest.mark.parametrize(
    ("message_id", "fits"),
    [
        ("SM" + "0123456789abcdef" * 2, True),
        ("MM" + "0123456789ABCDEF" * 2, True),
        ("SM" + "0" * 31, False),  # one digit short
        ("SM" + "0" * 33, False),
        ("MG" + "0" * 32, False),  # a messaging service SID, not a message
        ("SM" + "g" * 32, False),
        (" SM" + "0" * 32, False),
        ("SM" + "0" * 32 + "\n", False),
    ],
)
def test_twilio_ids_are_message_sids(message_id, fits):
    assert CATALOG.message_id_shape("twilio").matches(message_id) is fits


@pytest.mark.parametrize(
    ("message_id", "fits"),
    [
        ("40317159-3d1c-4a0b-a7d4-4c9b3e4f5a6b", True),
        ("40317159-3D1C-4A0B-A7D4-4C9B3E4F5A6B", True),
        ("403171593d1c4a0ba7d44c9b3e4f5a6b", False),  # no dashes
        ("40317159-3d1c-4a0b-a7d4-4c9b3e4f5a6", False),
        ("SM" + "0" * 32, False),
    ],
)
def test_telnyx_ids_are_uuids(message_id, fits):
    assert CATALOG.message_id_shape("telnyx").matches(message_id) is fits


def test_shipped_examples_fit_their_own_pattern():
    for provider in ("twilio", "telnyx"):
        shape = CATALOG.message_id_shape(provider)
        assert shape is not ANY_MESSAGE_ID
        assert shape.matches(shape.example)


@pytest.mark.parametrize("provider", ["salesmsg", "smsfactory", "smspartner", "nobody"])
def test_other_providers_take_any_short_id_without_spaces(provider):
    shape = CATALOG.message_id_shape(provider)
    assert shape == ANY_MESSAGE_ID
    assert shape.matches("a")
    assert shape.matches("x" * 100)
    assert not shape.matches("x" * 101)
    assert not shape.matches("two words")
    assert not shape.matches("")


def test_an_operator_provider_brings_its_own_shape(tmp_path):
    path = acme(
        tmp_path,
        """\
        message_id:
          pattern: "^AC-[0-9]{6}$"
          example: AC-123456
          hint: an Acme id, which is AC- and 6 digits
        """,
    )
    assert lint([path]) == []
    shape = load_catalog([path]).message_id_shape("acme")
    assert (shape.pattern, shape.example) == ("^AC-[0-9]{6}$", "AC-123456")
    assert shape.hint == "an Acme id, which is AC- and 6 digits"
    assert shape.matches("AC-000001") and not shape.matches("AC-1")


def test_a_pattern_that_does_not_compile_is_a_problem(tmp_path):
    path = acme(
        tmp_path,
        """\
        message_id:
          pattern: "^(AC[0-9$"
          example: AC1
          hint: an Acme id
        """,
    )
    [problem] = lint([path])
    assert problem.field == "message_id.pattern"
    assert "not a valid regular expression" in problem.message


def test_an_example_the_pattern_refuses_is_a_problem(tmp_path):
    path = acme(
        tmp_path,
        """\
        message_id:
          pattern: "^AC-[0-9]{6}$"
          example: AC-12
          hint: an Acme id
        """,
    )
    [problem] = lint([path])
    assert problem.field == "message_id.example"
    assert "'AC-12' does not match the pattern" in problem.message


def test_the_block_needs_all_three_fields(tmp_path):
    path = acme(tmp_path, 'message_id:\n  pattern: "^A$"\n  example: A\n')
    [problem] = lint([path])
    assert problem.field == "message_id.hint"
    assert "required" in problem.message


def test_an_overrides_file_cannot_set_a_shape(tmp_path):
    """A shape belongs to a provider's own file: an overrides file names no provider."""
    path = tmp_path / "ops.yaml"
    path.write_text(
        "message_id: {pattern: '^A$', example: A, hint: an id}\n"
        "overrides:\n  - {provider: twilio, code: '30007', keywords: [acme]}\n"
    )
    [problem] = lint([path])
    assert (problem.file, problem.field) == (str(path), "message_id")
    assert problem.message.startswith("needs 'entries' in the same file")
