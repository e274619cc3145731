"""Export a workspace's processes and occurrences as CSV or JSON, streamed row by row.

Shared by `/manual-task export` (two CSV files sent by DM) and `coach export` (stdout or
a file). Example::

    with db.transaction() as session:
        write_json(sys.stdout, session, team_ids=["T0001"], now=now)
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from bot.domain.costs import break_even_hours, hours_per_week, minutes_per_week, money
from bot.domain.rules import Sight
from bot.services.cards import window_start
from bot.services.export_schema import (
    EXPORT_VERSION,
    OCCURRENCE_FIELDS,
    PROCESS_FIELDS,
    decision_columns,
    steps_markdown,
)
from storage import history, people, processes, stats, steps, workspaces

log = logging.getLogger(__name__)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, Any]


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class _Names:
    """Who an id is, as the bot last heard from Slack (`users.info`), for the columns
    beside the ids; None where it never asked."""

    def __init__(self, session: Session, team_ids: Sequence[str]) -> None:
        self._known = people.names(session, team_ids=team_ids)

    def __call__(self, team_id: str, user_id: str | None) -> str | None:
        return self._known.get((team_id, user_id)) if user_id else None


def process_rows(
    session: Session, *, team_ids: Sequence[str], now: datetime, sight: Sight | None = None
) -> Iterator[Row]:
    """One row per process (in `sight`, when given) with its cost over the trailing 28
    days and all time."""
    name = _Names(session, team_ids)
    written = steps.latest_in(session, team_ids=team_ids)
    for p, merged, reports, total, recent, rate, currency in stats.stream_processes(
        session, team_ids=team_ids, since=window_start(now), sight=sight
    ):
        per_week = hours_per_week(recent)
        yield {
            "workspace": p.team_id,
            "ref": p.ref,
            "title": p.title,
            "status": p.status,
            "owner": p.owner_id,
            "owner_name": name(p.team_id, p.owner_id),
            "reporter": p.reporter_id,
            "reporter_name": name(p.team_id, p.reporter_id),
            "first_channel": p.channel_id,
            "private": p.private,
            "first_reported_at": _iso(p.created_at),
            "reports": reports,
            "minutes_total": total,
            "minutes_last_28_days": recent,
            "minutes_per_week": _num(minutes_per_week(recent)),
            "hours_per_week": _num(per_week),
            "break_even_hours": _num(break_even_hours(per_week)),
            "money_per_week": _num(money(per_week, rate)),
            "currency": currency if rate is not None else None,
            "not_automated_because": p.accepted_reason,
            "review_at": _iso(p.review_at),
            "snoozed_until": _iso(p.snoozed_until),
            "automation_link": p.automation_link,
            "automation_how": p.automation_note,
            "retired_by": p.retired_by,
            "retired_by_name": name(p.team_id, p.retired_by),
            "retired_at": _iso(p.retired_at),
            "eliminated_minutes_per_week": _num(p.eliminated_minutes_per_week),
            "merged_into": merged,
            **decision_columns(p, written.get(p.id), minutes_per_week(recent)),
            "export_version": EXPORT_VERSION,
        }


def occurrence_rows(
    session: Session, *, team_ids: Sequence[str], sight: Sight | None = None
) -> Iterator[Row]:
    """One row per time somebody did a process (in `sight`, when given) by hand, oldest
    first."""
    name = _Names(session, team_ids)
    # What someone wrote reads as private as where they wrote it (rules.py `Sight.reads`).
    seen = {} if sight is None or sight.everything else processes.in_sight(session, sight=sight)
    for occ, number, title in stats.stream_occurrences(session, team_ids=team_ids, sight=sight):
        where = seen.get(occ.process_id)
        words = sight is None or sight.everything or bool(where and sight.reads(where, **_by(occ)))
        yield {
            "workspace": occ.team_id,
            "id": occ.id,
            "process": f"P{number}",
            "process_title": title,
            "user": occ.user_id,
            "user_name": name(occ.team_id, occ.user_id),
            "minutes": occ.minutes,
            "occurred_at": _iso(occ.occurred_at),
            "source": occ.source,
            "channel": occ.channel_id,
            "default_duration": occ.default_duration,
            "regression": occ.regression,
            "text": occ.text if words else "",
            "export_version": EXPORT_VERSION,
        }


def _by(occ: Any) -> dict[str, Any]:
    """Who wrote a report, and where (what `Sight.reads` asks)."""
    return {"author": occ.user_id, "written_in": occ.channel_id}


def history_rows(session: Session, *, team_ids: Sequence[str]) -> Iterator[Row]:
    """One row per change in a process's history, each process's oldest first."""
    name = _Names(session, team_ids)
    for event, number in history.stream_events(session, team_ids=team_ids):
        yield {
            "workspace": event.team_id,
            "process": f"P{number}",
            "event": event.kind,
            "by": event.actor_id,
            "by_name": name(event.team_id, event.actor_id),
            "at": _iso(event.at),
            "detail": event.detail,
            "minutes_per_week": _num(event.minutes_per_week),
        }


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(out: TextIO, fields: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a header and the rows; return how many rows."""
    writer = csv.writer(out)
    writer.writerow(fields)
    n = 0
    for row in rows:
        writer.writerow([_cell(row[f]) for f in fields])
        n += 1
    return n


def write_json(out: TextIO, session: Session, *, team_ids: Sequence[str], now: datetime) -> None:
    """{"exported_at", "workspaces", "processes": [...], "occurrences": [...], "history":
    [...]}, written as rows arrive so that memory stays flat however big the workspace."""
    head = {
        "export_version": EXPORT_VERSION,
        "exported_at": now.isoformat(),
        "workspaces": [
            {
                "team_id": ws.team_id,
                "name": ws.name,
                "hourly_rate": ws.hourly_rate,
                "currency": ws.currency,
                "timezone": ws.timezone,
            }
            for ws in workspaces.by_ids(session, team_ids=team_ids)
        ],
    }
    out.write(json.dumps(head)[:-1])
    for key, rows in (
        ("processes", process_rows(session, team_ids=team_ids, now=now)),
        ("occurrences", occurrence_rows(session, team_ids=team_ids)),
        ("history", history_rows(session, team_ids=team_ids)),
    ):
        out.write(f', "{key}": [')
        for i, row in enumerate(rows):
            out.write((",\n" if i else "\n") + json.dumps(row))
        out.write("\n]")
    out.write("}\n")


def write_csv_sections(
    out: TextIO, session: Session, *, team_ids: Sequence[str], now: datetime, table: str = "all"
) -> None:
    """The processes table, a blank line, then the occurrences table (or just one)."""
    if table in ("all", "processes"):
        write_csv(out, PROCESS_FIELDS, process_rows(session, team_ids=team_ids, now=now))
    if table == "all":
        out.write("\r\n")
    if table in ("all", "occurrences"):
        write_csv(out, OCCURRENCE_FIELDS, occurrence_rows(session, team_ids=team_ids))


def csv_files(
    session: Session,
    *,
    sight: Sight,
    now: datetime,
    directory: Path,
    only_user: str | None = None,
) -> list[dict[str, str]]:
    """Write processes.csv and occurrences.csv of the processes in `sight` (a member's:
    the public ones and the private ones they reported or own; an admin's: all) into
    `directory`; return the `file_uploads` entries for `files_upload_v2`. `only_user` (a
    guest): their own reports alone, and no processes table (its totals include other
    people's)."""
    day = f"{now:%Y-%m-%d}"
    made = []
    team_ids = [sight.team_id]
    reports = occurrence_rows(session, team_ids=team_ids, sight=sight)
    tables: list[tuple[str, Sequence[str], Iterable[Row]]] = [
        (
            "processes",
            PROCESS_FIELDS,
            process_rows(session, team_ids=team_ids, now=now, sight=sight),
        ),
        ("occurrences", OCCURRENCE_FIELDS, reports),
    ]
    if only_user is not None:
        tables = [
            ("occurrences", OCCURRENCE_FIELDS, (r for r in reports if r["user"] == only_user))
        ]
    for kind, fields, rows in tables:
        filename = f"manual-work-{kind}-{day}.csv"
        path = directory / filename
        with path.open("w", newline="", encoding="utf-8") as out:
            n = write_csv(out, fields, rows)
        made.append({"file": str(path), "filename": filename, "title": f"{kind.title()} ({n})"})
    if only_user is None and (document := steps_document(session, sight=sight)):
        path = directory / f"manual-work-steps-{day}.md"
        path.write_text(document, encoding="utf-8")
        made.append({"file": str(path), "filename": path.name, "title": "Steps (Markdown)"})
    return made


def steps_document(session: Session, *, sight: Sight) -> str:
    """Every process in sight with steps written down, as one Markdown document ("" when
    none has any)."""
    written = steps.latest_in(session, team_ids=[sight.team_id])
    seen = processes.in_sight(session, sight=sight) if written else {}
    parts = [
        steps_markdown(seen[pid], w)
        for pid, w in sorted(
            written.items(), key=lambda kv: seen[kv[0]].number if kv[0] in seen else 0
        )
        if pid in seen
    ]
    return "# Steps written down\n\n" + "\n".join(parts) if parts else ""


def team_ids_for(session: Session, requested: Sequence[str] | None) -> list[str]:
    """The workspaces to export: those asked for, or every one."""
    return list(requested) if requested else workspaces.team_ids(session)


def send_csv(
    client: Any, db: Any, *, sight: Sight, user_id: str, now: datetime, guest: bool = False
) -> bool:
    """DM `user_id` the processes.csv and occurrences.csv of what they may see (`sight`,
    files_upload_v2); a guest gets their own reports alone. Runs after Slack's
    acknowledgement; a failure is logged and the person told."""
    team_id = sight.team_id
    try:
        with tempfile.TemporaryDirectory(prefix="coach-export-") as tmp:
            with db.transaction() as session:
                uploads = csv_files(
                    session,
                    sight=sight,
                    now=now,
                    directory=Path(tmp),
                    only_user=user_id if guest else None,
                )
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            client.files_upload_v2(
                channel=channel,
                file_uploads=uploads,
                initial_comment=(
                    "Your export: your own reports, one row each."
                    if guest
                    else "Your export: one row per process (cost over the last 28 days and "
                    "all time), and one row per report."
                ),
            )
    except Exception as err:
        log.warning("export for %s/%s failed: %s", team_id, user_id, err)
        try:
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            client.chat_postMessage(
                channel=channel,
                text="I couldn't send your export just now. Please try again in a minute.",
            )
        except Exception:
            log.warning("could not tell %s that the export failed", user_id)
        return False
    return True


def export_command(
    db: Any,
    *,
    fmt: str,
    workspaces: Sequence[str] | None,
    table: str = "all",
    output: str | None = None,
    now: datetime | None = None,
) -> int:
    """`coach export`: write the export to `output` (default standard output); exit code.
    A workspace asked for that isn't known says so and writes nothing (exit 2); a reader
    that stops early (`| head`) ends it quietly."""
    now = now or datetime.now(UTC)
    if workspaces_asked := list(workspaces or ()):
        with db.transaction() as session:
            known = set(team_ids_for(session, None))
        unknown = [t for t in workspaces_asked if t not in known]
        if unknown:
            print(
                f"coach: no workspace {', '.join(unknown)} here; "
                f"known: {', '.join(sorted(known)) or 'none yet'}",
                file=sys.stderr,
            )
            return 2
    try:
        return _export(db, fmt=fmt, workspaces=workspaces, table=table, output=output, now=now)
    except BrokenPipeError:  # `coach export | head -3`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's own flush raises nothing
        return 0


def _export(
    db: Any,
    *,
    fmt: str,
    workspaces: Sequence[str] | None,
    table: str,
    output: str | None,
    now: datetime,
) -> int:
    target = (
        open(output, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed by `with`
        if output
        else contextlib.nullcontext(sys.stdout)
    )
    with target as out, db.transaction() as session:
        team_ids = team_ids_for(session, workspaces)
        if fmt == "json":
            write_json(out, session, team_ids=team_ids, now=now)
        else:
            write_csv_sections(out, session, team_ids=team_ids, now=now, table=table)
        out.flush()
    return 0
