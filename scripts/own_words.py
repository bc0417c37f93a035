"""Dev-time check that the catalog says things in its own words.

No run of RUN words in a catalog string may stand in a source document. This script is the only
thing that reads the source documents (the seeds and references kept outside the repository,
named with --sources, and staged web references with --refs); it runs on a developer's machine,
never in the tests, and reads nothing it is not pointed at. With --fingerprints it writes
hashed shingles of those documents to tests/data/reference_shingles.txt, so CI can hold the
line without their text.

    python scripts/own_words.py --sources DIR                # report strings that copy a source
    python scripts/own_words.py --sources DIR --fingerprints # refresh the fingerprints

DIR holds seeds/*.txt and reference/* (the team's shared folder beside the checkout).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUN = 10
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
FINGERPRINTS = ROOT / "tests" / "data" / "reference_shingles.txt"


def tokens(text: str) -> list[str]:
    return WORD.findall(text.casefold().replace("\u2019", "'"))


def shingles(text: str, run: int = RUN) -> set[tuple[str, ...]]:
    words = tokens(text)
    return {tuple(words[i : i + run]) for i in range(len(words) - run + 1)}


def digest(shingle: tuple[str, ...]) -> str:
    return hashlib.blake2b(" ".join(shingle).encode(), digest_size=6).hexdigest()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def source_texts(sources: Path, extra: list[Path]) -> dict[str, str]:
    """name -> text of every source document a catalog string must not copy."""
    texts: dict[str, str] = {}
    for path in sorted((sources / "seeds").glob("*.txt")):
        texts[path.name] = path.read_text("utf-8")
    ref = sources / "reference"
    for path in sorted(ref.glob("*")):
        if path.suffix == ".json":
            texts[path.name] = "\n".join(_strings(json.loads(path.read_text("utf-8"))))
        elif path.suffix in {".mdx", ".md", ".txt"}:
            texts[path.name] = path.read_text("utf-8")
    for folder in extra:
        for path in sorted(folder.glob("*.txt")):
            texts[f"{folder.name}/{path.name}"] = path.read_text("utf-8")
    return texts


def catalog_strings(files: list[Path]) -> list[tuple[str, str]]:
    """(where, text) for every string in the catalog files: titles, causes and fix steps, and
    aliases and keywords too (a console message kept whole as an alias is still its text)."""
    out = []
    for path in files:
        doc = yaml.safe_load(path.read_text("utf-8")) or {}
        for entry in doc.get("entries", []):
            where = f"{path.name}:{entry.get('code')}"
            for key, value in entry.items():
                if key in ("docs_url", "sources"):
                    continue  # addresses of the references, not sentences
                out += [(f"{where}.{key}", text) for text in _strings(value)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="catalog files (default catalog/)")
    parser.add_argument(
        "--refs",
        type=Path,
        action="append",
        default=[],
        help="a folder of further reference texts (*.txt) read from the web",
    )
    parser.add_argument(
        "--sources", type=Path, required=True, help="the folder holding seeds/ and reference/"
    )
    parser.add_argument("--fingerprints", action="store_true")
    args = parser.parse_args(argv)
    if not (args.sources / "seeds").is_dir():
        parser.error(f"{args.sources} holds no seeds/ folder")
    texts = source_texts(args.sources, args.refs)
    if args.fingerprints:
        hashes = sorted({digest(s) for text in texts.values() for s in shingles(text)})
        FINGERPRINTS.write_text("\n".join(hashes) + "\n", "utf-8")
        print(f"{len(hashes)} fingerprints of {len(texts)} documents -> {FINGERPRINTS}")
        return 0
    index: dict[tuple[str, ...], str] = {}
    for name, text in texts.items():
        for s in shingles(text):
            index.setdefault(s, name)
    files = args.files or sorted((ROOT / "catalog").glob("*.yaml"))
    copied = 0
    for where, text in catalog_strings(files):
        hits = [s for s in shingles(text) if s in index]
        if hits:
            copied += 1
            print(f"{where}: {' '.join(hits[0])!r} stands in {index[hits[0]]}")
    print(f"{copied} copied strings", file=sys.stderr)
    return 1 if copied else 0


if __name__ == "__main__":
    sys.exit(main())
