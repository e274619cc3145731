"""Reading and saving a workspace's settings (the config modal's use cases)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.settings import WorkspaceSettings
from storage import workspaces


def current(session: Session, *, team_id: str, now: datetime) -> WorkspaceSettings:
    ws = workspaces.get_or_create_workspace(session, team_id=team_id, now=now)
    return WorkspaceSettings(
        hourly_rate=ws.hourly_rate,
        currency=ws.currency or "USD",
        nudge_threshold_minutes=ws.nudge_threshold_minutes
        if ws.nudge_threshold_minutes is not None
        else 15,
        work_start=ws.work_start or "09:00",
        work_end=ws.work_end or "17:00",
        work_days=ws.work_days or "0,1,2,3,4",
        timezone=ws.timezone or "UTC",
    )


def save(session: Session, *, team_id: str, settings: WorkspaceSettings, now: datetime) -> None:
    """Write the settings onto the workspace row (the caller's transaction commits)."""
    ws = workspaces.lock_workspace(session, team_id=team_id, now=now)
    ws.hourly_rate = settings.hourly_rate
    ws.currency = settings.currency
    ws.nudge_threshold_minutes = settings.nudge_threshold_minutes
    ws.work_start = settings.work_start
    ws.work_end = settings.work_end
    ws.work_days = settings.work_days
    ws.timezone = settings.timezone
    session.flush()
