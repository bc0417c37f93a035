"""Lookup quality on a held-out set: what users of each provider type, written without the code.

tests/data/heldout_lookup.jsonl was written by someone who saw the catalog's data and the
product's promises but not bot/core/lookup.py; it was scored before any change made for it. Each
line: a query, the acceptable answers ([provider, code, scope]) and its kind (code, name, words,
unknown, ambiguous).

    .venv/bin/python bench/lookup_quality.py [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.lookup import best_entries, default_lookup

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
HELD_OUT = DATA / "heldout_lookup.jsonl"


def judge(case: dict) -> bool:
    """Right when the answer is what the case expects, and nothing else stands in its place."""
    answer = default_lookup().search(case["query"])
    expect = {tuple(x) for x in case["expect"]}
    shown = [e.key for e in best_entries(answer)]
    if case["kind"] == "unknown":
        return not answer.hits and answer.unknown is not None
    if case["kind"] == "ambiguous":
        return not answer.hits and answer.ambiguous
    if not shown:
        return False
    if case["kind"] in ("code", "name"):
        # Every entry shown must be acceptable (an exact answer shows all its scopes).
        return all(key in expect for key in shown)
    return shown[0] in expect  # words: the first answer shown is a right one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the queries judged wrong")
    parser.add_argument(
        "--set", default=HELD_OUT.name, help="which file of tests/data (heldout_lookup_2.jsonl)"
    )
    args = parser.parse_args()
    path = DATA / args.set
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    right, total = Counter(), Counter()
    for case in cases:
        ok = judge(case)
        total[case["kind"]] += 1
        right[case["kind"]] += ok
        if args.misses and not ok:
            answer = default_lookup().search(case["query"])
            got = [e.label for e in best_entries(answer)] or [
                f"(no answer; unknown={answer.unknown is not None}, "
                f"suggestions={[e.label for e in answer.suggestions]})"
            ]
            print(f"  miss [{case['kind']}] {case['query']!r} -> {got}")
    for kind in sorted(total):
        print(f"{kind:10} {right[kind]:3}/{total[kind]:3} = {right[kind] / total[kind]:.3f}")
    n, r = sum(total.values()), sum(right.values())
    print(f"{'all':10} {r:3}/{n:3} = {r / n:.3f}  ({path.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
