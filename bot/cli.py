"""The `coach` command line.

coach serve [--host H] [--port P] [--workers N] [--no-scheduler]   HTTP mode
coach socket                                                     Socket Mode
coach run         Socket Mode when Slack tokens are set, else the console stand-in
coach console [--fresh] [--script FILE]                          try it without Slack
coach db upgrade | downgrade REVISION                 apply migrations, or undo them to REVISION
coach export [--format csv|json] [--workspace T...] [--output FILE]  the data, as CSV or JSON
coach forget --user U... [--workspace T...] [--yes]     delete one person's reports for good
coach forget --workspace T... [--yes]                   delete a whole workspace for good
coach keys new | rotate          a key for COACH_ENCRYPTION_KEY; re-encrypt the stored tokens
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.config import ConfigError, Settings, load_settings, safe_url
from bot.console import run_console
from bot.forgetting import forget_command
from bot.logs import configure_logging, redact
from bot.oauth import require_key, rotate_tokens
from bot.runtime import SlackUnavailable, jobs_command, scheduler_only, serve, socket_mode
from bot.scheduler import JobOverran
from bot.services.export import export_command
from bot.volume_import import volume_import
from storage.db import Database
from storage.faults import DatabaseUnavailable
from storage.token_cipher import KEY_SETTING, TokenKeyError, new_key

log = logging.getLogger("coach")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="coach", description="Automation Coach, a Slack bot.")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="HTTP mode behind gunicorn (POST /slack/events)")
    serve.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ["WEB_CONCURRENCY"]) if os.environ.get("WEB_CONCURRENCY") else None,
        help="gunicorn processes (default: 2 on PostgreSQL, 1 on SQLite, a single writer)",
    )
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--no-scheduler", action="store_true", help="serve Slack, run no jobs")
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    sub.add_parser("run", help="Socket Mode with Slack tokens, else the console stand-in")
    console = sub.add_parser("console", help="the bot against a local stand-in for Slack")
    console.add_argument("--script", help="run the commands in FILE ('-' for standard input)")
    console.add_argument(
        "--fresh", action="store_true", help="start from an empty temporary database"
    )
    jobs = sub.add_parser("jobs", help="list or run the scheduled jobs")
    jobsub = jobs.add_subparsers(dest="jobs_cmd", required=True, metavar="ACTION")
    jobsub.add_parser("list", help="each job and its next run")
    run = jobsub.add_parser("run", help="run one job now, as if the clock read --now")
    run.add_argument("name", help="nudges or digests")
    run.add_argument("--now", help="ISO-8601 time, e.g. 2026-11-30T09:00:00+01:00 (default: now)")
    sub.add_parser("scheduler", help="run the scheduled jobs alone (no web server)")
    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_cmd", required=True, metavar="ACTION")
    dbsub.add_parser("upgrade", help="apply migrations up to the latest")
    down = dbsub.add_parser("downgrade", help="undo migrations down to REVISION (roll back)")
    down.add_argument("revision", help="the revision to keep, e.g. 0009")
    keys = sub.add_parser("keys", help=f"the {KEY_SETTING} that encrypts the stored tokens")
    keysub = keys.add_subparsers(dest="keys_cmd", required=True, metavar="ACTION")
    keysub.add_parser("new", help="print a fresh key")
    keysub.add_parser(
        "rotate", help='re-encrypt every token with the first key (set "new,old" first)'
    )
    export = sub.add_parser("export", help="processes and reports as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument(
        "--workspace", action="append", metavar="T...", help="a team id (repeatable; default all)"
    )
    export.add_argument(
        "--table",
        choices=("all", "processes", "occurrences"),
        default="all",
        help="CSV only: both tables (a blank line between them) or one",
    )
    export.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    volume = sub.add_parser("volume", help="the business volume a month, for ops vs business")
    volsub = volume.add_subparsers(dest="volume_cmd", required=True, metavar="ACTION")
    imported = volsub.add_parser("import", help="months from a CSV: month,amount,unit")
    imported.add_argument("file", metavar="FILE.csv")
    imported.add_argument("--workspace", metavar="T...", help="the workspace (if several)")
    forget = sub.add_parser("forget", help="delete one person's reports, or a whole workspace")
    forget.add_argument("--user", metavar="U...", help="the person whose reports go")
    forget.add_argument("--workspace", metavar="T...", help="the workspace (alone: all of it)")
    forget.add_argument("--yes", action="store_true", help="don't ask (for scripts)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.cmd == "keys" and args.keys_cmd == "new":  # needs no settings (nor a valid key)
        print(new_key())
        return 0
    try:
        settings = load_settings()
        configure_logging(
            settings.log_level,
            secrets=settings.secret_values(),
            json_lines=settings.log_format == "json",
        )
        return _dispatch(args, settings)
    except ConfigError as err:
        print(f"coach: {redact(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # faults a person can act on: one line, no traceback
        message = _fault_line(err, settings if "settings" in locals() else None)
        if message is None:
            raise
        print(f"coach: {redact(message)}", file=sys.stderr)
        return 1


def _fault_line(err: Exception, settings: Settings | None) -> str | None:
    """One line for a fault outside the program (Slack or the database unreachable, a job
    past its budget), or None for a bug, which keeps its traceback."""
    if isinstance(err, SlackUnavailable | JobOverran | TokenKeyError):
        return str(err)
    if isinstance(err, OperationalError | DatabaseUnavailable):
        where = safe_url(settings.database_url) if settings else "DATABASE_URL"
        cause = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        return f"the database at {where} isn't answering ({cause}): check DATABASE_URL"
    return None


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.cmd == "db" and args.db_cmd == "downgrade":
        Database(settings.database_url).downgrade(args.revision, token_keys=settings.encryption_key)
        print(f"Database is at revision {args.revision}.")
        return 0
    if args.cmd == "db":
        before, after = Database(settings.database_url).upgrade(token_keys=settings.encryption_key)
        if before == after:
            print(f"Database is up to date (revision {after}).")
        elif before is None:
            print(f"Database created at revision {after}.")
        else:
            print(f"Database upgraded from revision {before} to {after}.")
        return 0
    if args.cmd == "keys":
        return _rotate(settings)
    if args.cmd == "export":
        return export_command(
            Database(settings.database_url),
            fmt=args.format,
            workspaces=args.workspace,
            table=args.table,
            output=args.output,
        )
    if args.cmd == "forget":
        return forget_command(
            Database(settings.database_url), user=args.user, workspace=args.workspace, yes=args.yes
        )
    if args.cmd == "volume":
        return volume_import(
            Database(settings.database_url), path=args.file, workspace=args.workspace
        )
    if args.cmd == "jobs":
        return jobs_command(
            settings, args.jobs_cmd, getattr(args, "name", None), getattr(args, "now", None)
        )
    if args.cmd == "scheduler":
        return scheduler_only(settings)
    if args.cmd == "serve":
        return serve(
            settings,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            scheduler=settings.scheduler_enabled and not args.no_scheduler,
        )
    if args.cmd == "socket":
        return socket_mode(settings)
    if args.cmd == "run":
        if settings.slack_bot_token and settings.slack_app_token:
            return socket_mode(settings)
        if settings.slack_bot_token or settings.slack_app_token:
            print(
                "coach: Socket Mode needs both SLACK_BOT_TOKEN and SLACK_APP_TOKEN; starting the "
                "console stand-in instead (`coach serve` runs HTTP mode).",
                file=sys.stderr,
            )
        return _console(settings, None)
    if args.cmd == "console":
        return _console(settings, args.script, fresh=args.fresh)
    raise AssertionError(args.cmd)


def _rotate(settings: Settings) -> int:
    require_key(settings)
    db = Database(settings.database_url)
    db.upgrade(token_keys=settings.encryption_key)
    rows = rotate_tokens(settings, db)
    print(
        f"Re-encrypted the Slack tokens of {rows} installation and bot rows with the first "
        f"key of {KEY_SETTING}; the other keys can go."
    )
    return 0


def _console(settings: Settings, script: str | None, *, fresh: bool = False) -> int:
    return run_console(settings, script=script, fresh=fresh)


if __name__ == "__main__":
    sys.exit(main())
