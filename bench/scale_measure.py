"""One measurement of `bench/scale.py`, run in a fresh subprocess
(`python -m bench.scale --measure nudge|digest|baseline`): its wall times over `--reps`
runs, the size of what it built, and its peak resident memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bench.scale_data import ADMIN, NOW, TEAM
from bot.domain.rules import Sight
from storage.db import Database

WHOLE = Sight.whole(TEAM)


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB. Unlike ru_maxrss, VmHWM starts
    afresh at exec, so the parent's memory does not leak into the child's figure."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(what: str, url: str, reps: int) -> dict[str, Any]:
    """Run `what` `reps` times in this (fresh) process; times, result size and memory."""
    # Imported here, not at the top: only the measuring subprocess needs them, so the
    # parent that loads the data starts without them (start-up time and memory).
    from bot.charts import manual_vs_eliminated  # (start-up: see above)
    from bot.jobs.nudges import plan  # (start-up: see above)
    from bot.messages.digest import digest  # (start-up: see above)
    from bot.services import digests as service  # (start-up: see above)
    from bot.services.home import page as home_page  # (start-up: see above)
    from bot.services.stats import figures  # (start-up: see above)

    db = Database(url)
    db.ping()
    before = _status_mb("VmRSS")
    times, size = [], 0
    for _ in range(reps):
        began = time.perf_counter()
        with db.transaction() as session:
            if what == "baseline":
                row = session.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one()
                size = int(row[0])
            elif what == "nudge":
                due = plan(session, team_id=TEAM, now=NOW)
                size = sum(len(v) for v in due.by_owner.values()) + len(due.unowned)
            elif what == "home":
                page = home_page(session, team_id=TEAM, user_id=ADMIN, now=NOW)
                size = len(page.top) + len(page.mine)
            elif what == "stats":
                size = figures(session, sight=Sight.whole(TEAM), now=NOW).occurrences
            else:
                # "digest": the workspace's (every process: the most a digest reads); a
                # channel's digest, the default, covers that channel's processes; a daily
                # digest on a Thursday has edge days, not only whole weeks.
                sight = Sight.of_channel(TEAM, "C0001") if what == "channel_digest" else WHOLE
                end = NOW + timedelta(days=3) if what == "daily_digest" else NOW
                start = end - timedelta(days=1 if what == "daily_digest" else 7)
                data = service.gather(
                    session,
                    sight=sight,
                    start=start,
                    end=end,
                    title="Manual work digest",
                    cadence="daily" if what == "daily_digest" else "weekly",
                )
                points = service.series(session, sight=sight, end=end)
                text_, blocks = digest(data)
                png = manual_vs_eliminated(points)
                size = len(png) + len(blocks)
        times.append(time.perf_counter() - began)
    peak = _status_mb("VmHWM")
    db.dispose()
    return {"times": times, "size": size, "rss_before_mb": before, "peak_mb": peak}


def in_subprocess(what: str, url: str, reps: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--measure", what, "--url", url, "--reps", str(reps)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measuring {what} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
