"""`coach forget`: delete one person's reports, or a whole workspace, from a shell, with
what would go shown first and a yes asked (or `--yes`). Logged like the Slack command."""

from __future__ import annotations

import logging
import sys

from bot.domain.plurals import count
from storage import forget, workspaces
from storage.db import Database

log = logging.getLogger(__name__)


def forget_command(db: Database, *, user: str | None, workspace: str | None, yes: bool) -> int:
    if user is not None and not forget.USER_ID.fullmatch(user):
        print(f"coach forget: {user!r} isn't a Slack user id (like U0123ABCD)", file=sys.stderr)
        return 2
    if user is None and workspace is None:
        print(
            "coach forget: say --user U… (and --workspace T… when there are several) "
            "or --workspace T…",
            file=sys.stderr,
        )
        return 2
    with db.transaction() as session:
        teams = workspaces.team_ids(session)
    team = workspace or (teams[0] if len(teams) == 1 else None)
    if team is None or team not in teams:
        known = ", ".join(teams) or "none"
        print(
            f"coach forget: name the workspace with --workspace (known: {known})", file=sys.stderr
        )
        return 2
    if user is None:
        what = f"every report, process and setting of workspace {team}, and its installation"
    else:
        with db.transaction() as session:
            would = forget.reports_of(session, team_id=team, user_id=user)
        what = (
            f"{user}'s {count(would.reports, 'report')} in {team} "
            f"({count(would.processes, 'process')} with them)"
        )
    if not yes and not _confirmed(what):
        print("Nothing was deleted.")
        return 1
    with db.transaction() as session:
        if user is None:
            rows = forget.forget_workspace(session, team_id=team)
            done = f"deleted workspace {team}: {sum(rows.values())} rows"
        else:
            gone = forget.forget_person(session, team_id=team, user_id=user)
            done = (
                f"forgot {user} in {team}: {count(gone.reports, 'report')}, "
                f"{count(gone.processes, 'process')}"
            )
    log.info("%s (coach forget)", done)
    print(done[0].upper() + done[1:] + ".")
    return 0


def _confirmed(what: str) -> bool:
    if not sys.stdin.isatty():
        print(f"coach forget: this deletes {what} for good; add --yes to confirm", file=sys.stderr)
        return False
    answer = input(f"This deletes {what} for good. Type yes to go on: ")
    return answer.strip().lower() == "yes"
