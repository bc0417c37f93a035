"""The detector measured against its labelled corpus, in two parts (tests/data/README.md):

- the tuning part (detect_corpus.jsonl): the messages the rules were written against, and every
  miss found later;
- the held-out part (detect_heldout.jsonl): 1,000 messages by writers who never saw
  bot/core/detect/, 600 written before the rules changed and 400 after, scored once and never used
  for tuning.

Scoring counts (message, provider, code) pairs: a pair the detector finds and the label has is a
true positive, one it finds that the label lacks a false positive, one the label has that it
misses a false negative. The test prints micro-averaged precision and recall for each part, and
per code the worst few.

The goals are precision >= 0.98 and recall >= 0.96 on both parts. Neither part meets the
precision goal yet (the figures are printed beside the goals), so each is held to a floor just
under what it scores today: a change that loses ground fails, and the floors only ever rise.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.catalog import default_catalog
from bot.core.detect import detect

DATA = Path(__file__).parents[1] / "data"
TUNING, HELD_OUT = DATA / "detect_corpus.jsonl", DATA / "detect_heldout.jsonl"
GOAL_PRECISION, GOAL_RECALL = 0.98, 0.96
# What each part must keep: on the commit that set these, the tuning part scored 0.967 / 0.966
# and the held-out part 0.926 / 0.933.
TUNING_PRECISION, TUNING_RECALL = 0.96, 0.96
HELD_OUT_PRECISION, HELD_OUT_RECALL = 0.92, 0.93
MIN_PER_CODE, MIN_SUPPORT = 0.9, 3
Pair = tuple[str, str]


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


@dataclass
class Score:
    name: str
    rows: int
    tp: Counter[Pair]
    fp: Counter[Pair]
    fn: Counter[Pair]
    wrong: list[str]

    @property
    def precision(self) -> float:
        return ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fp.values()))

    @property
    def recall(self) -> float:
        return ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fn.values()))

    def per_code(self) -> dict[Pair, tuple[float, float, int]]:
        """Per code: precision, recall, and support (the larger of how often it is labelled and
        how often it is found, so a code found in three messages that never mention it counts)."""
        codes = {}
        for pair in set(self.tp) | set(self.fp) | set(self.fn):
            labelled = self.tp[pair] + self.fn[pair]
            predicted = self.tp[pair] + self.fp[pair]
            codes[pair] = (
                ratio(self.tp[pair], predicted),
                ratio(self.tp[pair], labelled),
                max(labelled, predicted),
            )
        return codes

    def report(self, goals: str, *, messages: bool = True) -> str:
        """The figures; with `messages`, also the messages answered wrongly (never for the
        held-out part: reading them would be tuning to it)."""
        lines = [
            f"{self.name}: {self.rows} messages, tp {sum(self.tp.values())} "
            f"fp {sum(self.fp.values())} fn {sum(self.fn.values())}",
            f"  micro precision {self.precision:.4f}   micro recall {self.recall:.4f}   {goals}",
        ]
        if messages:
            worst = sorted(self.per_code().items(), key=lambda kv: (min(kv[1][:2]), -kv[1][2]))
            lines.append(
                "  worst codes (precision / recall / support): "
                + ", ".join(f"{p} {c} {pr:.2f}/{rc:.2f}/{n}" for (p, c), (pr, rc, n) in worst[:5])
            )
        if self.wrong and messages:
            lines.append(f"  {len(self.wrong)} message(s) answered differently from their label:")
            lines.extend(self.wrong[:10])
        return "\n".join(lines)


def score(name: str, rows: list[dict]) -> Score:
    result = Score(name, len(rows), Counter(), Counter(), Counter(), [])
    for row in rows:
        got = {(m.provider, m.code) for m in detect(row["text"], providers=row["providers"])}
        want = {(e["provider"], e["code"]) for e in row["expect"]}
        result.tp.update(got & want)
        result.fp.update(got - want)
        result.fn.update(want - got)
        if got != want:
            extra = ", ".join(f"+{p} {c}" for p, c in sorted(got - want))
            missed = ", ".join(f"-{p} {c}" for p, c in sorted(want - got))
            result.wrong.append(f"    {row['id']} {extra} {missed}: {row['text'][:70]!r}")
    return result


@pytest.fixture(scope="module")
def tuning() -> list[dict]:
    return load(TUNING)


@pytest.fixture(scope="module")
def held_out() -> list[dict]:
    return load(HELD_OUT)


@pytest.mark.parametrize("path", [TUNING, HELD_OUT], ids=["tuning", "held-out"])
def test_labels_name_catalog_entries(path: Path) -> None:
    catalog = default_catalog()
    rows = load(path)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    unknown = [
        (row["id"], e["provider"], e["code"])
        for row in rows
        for e in row["expect"]
        if catalog.get(e["provider"], e["code"]) is None
    ]
    assert unknown == []


def test_the_parts_share_no_message(tuning, held_out) -> None:
    assert {r["text"] for r in tuning}.isdisjoint(r["text"] for r in held_out)
    assert len(tuning) + len(held_out) >= 2000


def test_precision_and_recall_on_both_parts(tuning, held_out, capsys) -> None:
    tuned = score("tuning part", tuning)
    unseen = score("held-out part", held_out)
    goals = f"goals {GOAL_PRECISION} / {GOAL_RECALL}"
    failing = [
        f"{p} {c}"
        for (p, c), (pr, rc, n) in tuned.per_code().items()
        if n >= MIN_SUPPORT and min(pr, rc) < MIN_PER_CODE
    ]
    with capsys.disabled():
        print("\n" + tuned.report(f"{goals}; floor {TUNING_PRECISION} / {TUNING_RECALL}"))
        met = unseen.precision >= GOAL_PRECISION and unseen.recall >= GOAL_RECALL
        floor = f"{goals}; floor {HELD_OUT_PRECISION} / {HELD_OUT_RECALL}"
        print(unseen.report(floor + ("" if met else " (goals not met)"), messages=False))
        print(f"  held-out: {len(unseen.wrong)} message(s) answered differently from their label")
        if failing:
            print(f"  tuning codes below {MIN_PER_CODE} with support >= {MIN_SUPPORT}: {failing}")

    assert tuned.precision >= TUNING_PRECISION, f"tuning precision {tuned.precision:.4f}"
    assert tuned.recall >= TUNING_RECALL, f"tuning recall {tuned.recall:.4f}"
    assert unseen.precision >= HELD_OUT_PRECISION, f"held-out precision {unseen.precision:.4f}"
    assert unseen.recall >= HELD_OUT_RECALL, f"held-out recall {unseen.recall:.4f}"
