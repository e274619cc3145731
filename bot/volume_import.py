"""`coach volume import FILE.csv [--workspace T…]`: the business volume of many months
at once, from a shell (bot/domain/volume_csv.py reads the file). Every row is checked
first; a bad one refuses the whole file and nothing is stored."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.plurals import count
from bot.domain.volume_csv import parse_volume_csv
from storage import teams, workspaces
from storage.db import Database

log = logging.getLogger(__name__)
MAX_BYTES = 1_000_000


def volume_import(db: Database, *, path: str, workspace: str | None) -> int:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            print(f"coach volume import: {path} is over 1 MB", file=sys.stderr)
            return 2
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        print(f"coach volume import: can't read {path}: {err}", file=sys.stderr)
        return 2
    rows, errors = parse_volume_csv(text)
    if errors:
        print(f"coach volume import: nothing imported from {path}:", file=sys.stderr)
        for error in errors[:20]:
            print(f"  {error}", file=sys.stderr)
        return 2
    db.upgrade()
    with db.transaction() as session:
        known = workspaces.team_ids(session)
    team = workspace or (known[0] if len(known) == 1 else None)
    if team is None or team not in known:
        print(
            "coach volume import: name the workspace with --workspace "
            f"(known: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 2
    volumes = [teams.Volume(r.month, r.amount, r.unit) for r in rows]
    with db.transaction() as session:
        teams.record_volumes(
            session, team_id=team, volumes=volumes, by="shell", now=datetime.now(UTC)
        )
    done = f"Recorded {count(len(rows), 'month')} of business volume in {team}."
    log.info("%s (coach volume import)", done)
    print(done)
    return 0
