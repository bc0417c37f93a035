"""The detector measured against the labelled corpus (tests/data/detect_corpus.jsonl).

Scoring counts (message, provider, code) pairs: a pair the detector finds and the label has is a
true positive, one it finds that the label lacks a false positive, one the label has that it
misses a false negative. The test prints micro-averaged precision and recall over every pair,
and per code the worst few, and fails when:

- micro precision is below 0.98 or micro recall below 0.96, or
- any single code with support of 3 or more has precision or recall below 0.9. A code's support
  is the larger of how often it is labelled and how often it is found, so a code found in
  three messages that never mention it fails too.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.catalog import default_catalog
from bot.detect import detect

CORPUS = Path(__file__).parent / "data" / "detect_corpus.jsonl"
MIN_PRECISION, MIN_RECALL = 0.98, 0.96
MIN_PER_CODE, MIN_SUPPORT = 0.9, 3
Pair = tuple[str, str]


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return load_corpus()


def test_corpus_labels_name_catalog_entries(corpus):
    catalog = default_catalog()
    ids = [row["id"] for row in corpus]
    assert len(ids) == len(set(ids)), "duplicate ids"
    unknown = [
        (row["id"], e["provider"], e["code"])
        for row in corpus
        for e in row["expect"]
        if catalog.get(e["provider"], e["code"]) is None
    ]
    assert unknown == []


def test_precision_and_recall_over_the_corpus(corpus, capsys):
    tp: Counter[Pair] = Counter()
    fp: Counter[Pair] = Counter()
    fn: Counter[Pair] = Counter()
    wrong: list[str] = []
    for row in corpus:
        got = {(m.provider, m.code) for m in detect(row["text"], providers=row["providers"])}
        want = {(e["provider"], e["code"]) for e in row["expect"]}
        tp.update(got & want)
        fp.update(got - want)
        fn.update(want - got)
        if got != want:
            extra = ", ".join(f"+{p} {c}" for p, c in sorted(got - want))
            missed = ", ".join(f"-{p} {c}" for p, c in sorted(want - got))
            wrong.append(f"    {row['id']} {extra} {missed}: {row['text'][:70]!r}")

    micro_p = ratio(sum(tp.values()), sum(tp.values()) + sum(fp.values()))
    micro_r = ratio(sum(tp.values()), sum(tp.values()) + sum(fn.values()))
    per_code = {}
    for pair in set(tp) | set(fp) | set(fn):
        labelled, predicted = tp[pair] + fn[pair], tp[pair] + fp[pair]
        per_code[pair] = (
            ratio(tp[pair], predicted),
            ratio(tp[pair], labelled),
            max(labelled, predicted),
        )
    worst = sorted(per_code.items(), key=lambda kv: (min(kv[1][:2]), -kv[1][2], kv[0]))[:5]
    failing = [
        f"{p} {c}"
        for (p, c), (pr, rc, n) in per_code.items()
        if n >= MIN_SUPPORT and min(pr, rc) < MIN_PER_CODE
    ]

    with capsys.disabled():
        print(
            f"\ndetect corpus: {len(corpus)} messages, {len(per_code)} codes, "
            f"tp {sum(tp.values())} fp {sum(fp.values())} fn {sum(fn.values())}"
        )
        print(
            f"  micro precision {micro_p:.4f} (min {MIN_PRECISION})   "
            f"micro recall {micro_r:.4f} (min {MIN_RECALL})"
        )
        print("  worst codes (precision / recall / support):")
        for (provider, code), (pr, rc, n) in worst:
            print(f"    {provider} {code}: {pr:.3f} / {rc:.3f} / {n}")
        if wrong:
            print(f"  {len(wrong)} message(s) answered differently from their label:")
            print("\n".join(wrong[:20]))

    assert micro_p >= MIN_PRECISION, f"micro precision {micro_p:.4f}"
    assert micro_r >= MIN_RECALL, f"micro recall {micro_r:.4f}"
    assert failing == [], f"codes below {MIN_PER_CODE} with support >= {MIN_SUPPORT}: {failing}"
