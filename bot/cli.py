"""The `smserror` command: lookup, catalog checks, and (as they land) detect, console and serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from bot.cards.text import entry_text, suggestions_text
from bot.catalog import CatalogError, default_catalog, lint
from bot.lookup import default_lookup


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_lookup(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    answer = default_lookup().search(query, provider=args.provider)
    if args.json:
        _print_json(answer.to_dict())
    elif answer.hits:
        print("\n\n".join(entry_text(h.entry) for h in answer.hits[: args.limit]))
    else:
        print(suggestions_text(answer.query, list(answer.suggestions)), file=sys.stderr)
    return 0 if answer.hits else 1


def cmd_catalog_lint(args: argparse.Namespace) -> int:
    problems = lint(args.paths or None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s); nothing was loaded.", file=sys.stderr)
        return 1
    what = ", ".join(args.paths) if args.paths else "the built-in catalog"
    print(f"ok: {what} loads cleanly ({len(default_catalog())} entries built in)")
    return 0


def cmd_catalog_export(args: argparse.Namespace) -> int:
    _print_json([entry.to_dict() for entry in default_catalog()])
    return 0


def cmd_prompt(args: argparse.Namespace) -> int:
    """Interactive lookup prompt (the local way to try the catalog without Slack)."""
    lookup = default_lookup()
    print("smserror: type an error code, a name or a few words (Ctrl-D to quit).")
    while True:
        try:
            line = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            continue
        answer = lookup.search(line)
        if answer.hits:
            print("\n\n".join(entry_text(h.entry) for h in answer.hits[:3]))
        else:
            print(suggestions_text(answer.query, list(answer.suggestions)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smserror", description="Explain SMS and MMS delivery errors."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("lookup", help="look up a code, name or words")
    p.add_argument("query", nargs="+", help='e.g. 21610, "twilio 30007", "opted out"')
    p.add_argument("--provider", help="only this provider (twilio, telnyx, ...)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=int, default=3, help="cards to print (plain output)")
    p.set_defaults(func=cmd_lookup)

    catalog = sub.add_parser("catalog", help="check or export the catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    p = csub.add_parser("lint", help="check catalog files before deploying them")
    p.add_argument("paths", nargs="*", help="files or folders (default: SMSERROR_CATALOG_PATH)")
    p.set_defaults(func=cmd_catalog_lint)
    p = csub.add_parser("export", help="print every entry")
    p.add_argument("--json", action="store_true", required=True, help="as a JSON list")
    p.set_defaults(func=cmd_catalog_export)

    p = sub.add_parser("run", help="run the bot (an interactive prompt without Slack tokens)")
    p.set_defaults(func=cmd_prompt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogError as exc:
        print(f"smserror: {exc}", file=sys.stderr)
        print(
            "Fix the file(s) named above, or check them with: smserror catalog lint",
            file=sys.stderr,
        )
        return 2
    except BrokenPipeError:  # `smserror catalog export --json | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
