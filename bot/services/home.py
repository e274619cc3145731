"""The App Home: gather a person's page and publish it (`views.publish`).

`publish_home` is the one way the Home tab is drawn: on `app_home_opened`, on the Refresh
button, and after the person reports, answers or retires something.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import commands as c
from bot.messages.home import HomePage, ReportLine, home_view
from bot.services.cards import cards_for, window_start
from storage import queries, stats
from storage.db import Database
from storage.models import Workspace

log = logging.getLogger(__name__)
MINE_SHOWN = 10
REPORTS_SHOWN = 5
TOP_SHOWN = 5

# Subcommands that change nothing: no need to redraw the Home tab after them.
READ_ONLY_COMMANDS: tuple[type, ...] = (
    c.Help,
    c.ListTop,
    c.Mine,
    c.Show,
    c.Stats,
    c.Export,
    c.Config,
    c.DigestPreview,
)


def page(session: Session, *, team_id: str, user_id: str, now: datetime) -> HomePage:
    """What `user_id` sees on the Home tab at `now`."""
    since = window_start(now)
    mine = queries.top_processes(
        session, team_id=team_id, since=since, limit=MINE_SHOWN, owner_id=user_id
    )
    top = queries.top_processes(session, team_id=team_id, since=since, limit=TOP_SHOWN)
    reports = [
        ReportLine(o.process.ref, o.process.title, o.minutes, o.occurred_at)
        for o in queries.recent_reports_by(
            session, team_id=team_id, user_id=user_id, limit=REPORTS_SHOWN
        )
    ]
    ws = session.get(Workspace, team_id)
    return HomePage(
        user_id=user_id,
        mine=cards_for(session, [pl.process for pl in mine], now=now),
        mine_total=stats.owned_count(session, team_id=team_id, owner_id=user_id),
        reports=reports,
        top=cards_for(session, [pl.process for pl in top], now=now),
        eliminated_minutes_per_week=queries.total_eliminated_minutes(session, team_id=team_id),
        retired=queries.count_processes(session, team_id=team_id, statuses=("retired",)),
        hourly_rate=ws.hourly_rate if ws else None,
        currency=ws.currency if ws else "USD",
        updated_at=now,
    )


def publish_home(client: Any, db: Database, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Draw `user_id`'s Home tab as it is now. Runs after Slack's acknowledgement, in its
    own read-only transaction; a failure is logged and returns False (the change that
    prompted the redraw is already saved)."""
    try:
        with db.transaction() as session:
            view = home_view(page(session, team_id=team_id, user_id=user_id, now=now))
        client.views_publish(user_id=user_id, view=view)
    except Exception as err:
        log.warning("could not publish the Home tab of %s/%s: %s", team_id, user_id, err)
        return False
    return True


def changes_something(cmd: object) -> bool:
    """Whether a parsed `/manual-task` command may change what the Home tab shows."""
    return not isinstance(cmd, READ_ONLY_COMMANDS)
