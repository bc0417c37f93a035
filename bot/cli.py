"""The `smserror` command: lookup, catalog checks, detect, and running the bot (serve, console)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace

from bot.cards.text import entry_text, no_answer_text
from bot.config import Config, ConfigError, load_config
from bot.core.catalog import CatalogError, default_catalog, lint
from bot.strings import DEFAULT, LANGUAGES, speaking


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_lookup(args: argparse.Namespace) -> int:
    from bot.core.lookup import default_lookup  # here: `smserror detect` need not load rapidfuzz

    query = " ".join(args.query)
    answer = default_lookup().search(query, provider=args.provider)
    with speaking(args.lang):
        if args.json:
            _print_json(answer.to_dict())
        elif answer.hits:
            shown = [entry_text(h.entry.in_language(args.lang)) for h in answer.hits[: args.limit]]
            print("\n\n".join(shown))
        else:
            print(no_answer_text(answer), file=sys.stderr)
    # 0 only for an answer: an exact code or name, or ranked words; suggestions alone are 1.
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
    _print_json([entry.in_language(args.lang).to_dict() for entry in default_catalog()])
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    """Find error codes in messages on standard input, one answer line per input line."""
    from bot.core.detect import default_detector
    from bot.detect_stream import run

    detector = default_detector()
    unknown = [p for p in args.provider if detector.index.provider_of(p) is None]
    if unknown:
        known = ", ".join(default_catalog().providers)
        print(f"smserror: unknown provider {unknown[0]!r}; use one of: {known}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    run(sys.stdin.fileno(), sys.stdout.buffer, detector, as_json=args.json, providers=args.provider)
    return 0


def _serve(config: Config, *, http: bool, host: str, port: int) -> int:
    # Imported here: `smserror lookup` should not pay for loading Bolt and SQLAlchemy.
    from slack_bolt.error import BoltError

    from bot.log import configure_logging
    from bot.slack.app import serve

    configure_logging(config.log_level or "INFO", config.secrets(), fmt=config.log_format)
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import StoreError

    try:
        serve(config, http=http, host=host, port=port)
    except StoreError as exc:
        print(f"smserror: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # the database refused us at start (migrations, login)
        print(f"smserror: {_database_problem(config.database, exc)}", file=sys.stderr)
        return 2
    except BoltError as exc:
        # Bolt checks the bot token with auth.test at start; its message names no secret.
        print(f"smserror: Slack did not accept SLACK_BOT_TOKEN: {exc}", file=sys.stderr)
        print(
            "Copy the Bot User OAuth Token (xoxb-…) again from your app's OAuth & Permissions "
            "page at https://api.slack.com/apps (reinstall the app if it was revoked).",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(f"smserror: cannot reach Slack at {config.api_url}: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve Slack: Socket Mode when SLACK_APP_TOKEN is set, else (or with --http) HTTP."""
    config = load_config()
    http = args.http or config.app_token is None
    return _serve(config, http=http, host=args.host, port=args.port or config.port)


def cmd_console(args: argparse.Namespace) -> int:
    from bot.console import run_console

    config = load_config()
    if args.lang:  # wins over SMSERROR_LANGUAGE, for this run
        config = replace(config, language=args.lang)
    return run_console(config, temp=args.temp)


def cmd_run(args: argparse.Namespace) -> int:
    """Serve when Slack credentials are configured, else start the console to try it locally."""
    from bot.console import run_console

    config = load_config()
    if not config.has_slack_tokens:
        return run_console(config)
    return _serve(config, http=config.app_token is None, host=args.host, port=config.port)


def cmd_db(args: argparse.Namespace) -> int:
    """`db upgrade` applies the migrations the database lacks; `db current` only reports."""
    # Imported here: the other commands need neither SQLAlchemy nor Alembic.
    from alembic.util import CommandError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import make_engine
    from bot.store.migrate import HEAD, SchemaError, current, upgrade

    url = load_config().database
    try:
        shown = make_url(url).render_as_string(hide_password=True)
        engine = make_engine(url)
        try:
            before = current(engine)
            if args.db_command == "upgrade":
                upgrade(engine)
            now = current(engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, CommandError, SchemaError, OSError, ImportError, ValueError) as exc:
        print(f"smserror: {_database_problem(url, exc)}", file=sys.stderr)
        return 2
    if args.db_command == "upgrade" and before != now:
        print(f"{now} (head): {shown} upgraded from {before or 'an empty database'}")
    elif now == HEAD:
        print(f"{now} (head): {shown}")
    else:
        print(f"{now or 'none'} (head is {HEAD}; run smserror db upgrade): {shown}")
    return 0


def _database_problem(url: str, exc: BaseException) -> str:
    """One line naming DATABASE_URL and what went wrong, with no password in it."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # unparsable: show none of it, it may hold a password
        return (
            f"DATABASE_URL is not a database URL ({exc}); e.g. postgresql+psycopg://user:pw@host/db"
        )
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
    for secret in (url, parsed.password):
        if secret:
            reason = reason.replace(str(secret), "***")
    shown = parsed.render_as_string(hide_password=True)
    return f"cannot use the database DATABASE_URL names ({shown}): {reason[:300]}"


def installed_version() -> str:
    """The version pip installed (pyproject.toml's), or "unknown" when run from a bare tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smserror")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smserror", description="Explain SMS and MMS delivery errors."
    )
    parser.add_argument("--version", action="version", version=f"smserror {installed_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("lookup", help="look up a code, name or words")
    p.add_argument("query", nargs="+", help='e.g. 21610, "twilio 30007", "opted out"')
    p.add_argument("--provider", help="only this provider (twilio, telnyx, ...)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=int, default=3, help="cards to print (plain output)")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT, help="the cards' language")
    p.set_defaults(func=cmd_lookup)

    catalog = sub.add_parser("catalog", help="check or export the catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    p = csub.add_parser("lint", help="check catalog files before deploying them")
    p.add_argument("paths", nargs="*", help="files or folders (default: SMSERROR_CATALOG_PATH)")
    p.set_defaults(func=cmd_catalog_lint)
    p = csub.add_parser("export", help="print every entry")
    p.add_argument("--json", action="store_true", required=True, help="as a JSON list")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT, help="the entries' language")
    p.set_defaults(func=cmd_catalog_export)

    p = sub.add_parser("detect", help="find error codes in messages read from standard input")
    p.add_argument("--json", action="store_true", help="one JSON object per input line")
    p.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="P",
        help="the channel's preferred provider (repeatable)",
    )
    p.set_defaults(func=cmd_detect)

    p = sub.add_parser("run", help="serve Slack when tokens are configured, else start the console")
    p.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve", help="serve Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP")
    p.add_argument("--http", action="store_true", help="serve HTTP even if SLACK_APP_TOKEN is set")
    p.add_argument("--port", type=int, help="HTTP port (default: PORT, else 3000)")
    p.add_argument(
        "--host", default="0.0.0.0", help="HTTP address to listen on (default: every interface)"
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("console", help="chat with the bot in the terminal, no Slack needed")
    p.add_argument("--temp", action="store_true", help="keep nothing: an in-memory database")
    p.add_argument("--lang", choices=LANGUAGES, help="the language it speaks (SMSERROR_LANGUAGE)")
    p.set_defaults(func=cmd_console)

    db = sub.add_parser("db", help="the database: DATABASE_URL, else a SQLite file")
    dsub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = dsub.add_parser("upgrade", help="apply the migrations it lacks and say where it is")
    p.set_defaults(func=cmd_db)
    p = dsub.add_parser("current", help="say which migration it is at")
    p.set_defaults(func=cmd_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"smserror: {exc}", file=sys.stderr)
        return 2
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
