"""SQLAlchemy 2 typed models: workspaces, processes, occurrences and the coaching records.

Times are stored as timezone-aware UTC (`UTCDateTime` makes SQLite hand them back aware).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain.states import Status


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that is always timezone-aware UTC on the way in and out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Workspace(Base):
    """One Slack workspace (team) and its coaching settings."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    hourly_rate: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8), default="USD")
    nudge_threshold_minutes: Mapped[int] = mapped_column(Integer, default=15)
    work_start: Mapped[str] = mapped_column(String(5), default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="17:00")
    work_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The share of a team's working hours its manual work may take (0022); None: 50%.
    toil_budget_percent: Mapped[int | None] = mapped_column(Integer)
    next_process_number: Mapped[int] = mapped_column(Integer, default=1)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Which installation serves it (OAuth mode, 0006): its Enterprise Grid org, if any, and
    # whether the app is installed org-wide there (one token for all the org's workspaces).
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)


class Process(Base):
    """One recurring piece of manual work, per workspace, with a typeable id like P7."""

    __tablename__ = "processes"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_process_number"),
        Index("ix_process_team_status", "team_id", "status"),
        Index("ix_process_team_owner", "team_id", "owner_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    normalized_title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str | None] = mapped_column(String(32))
    reporter_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # Private (0013): first reported in a private channel, a DM or a group DM, or the bot
    # couldn't tell (a row older than the rule counts too). Seen as bot.domain.rules says.
    private: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    status: Mapped[str] = mapped_column(String(16), default=Status.MANUAL)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_reason: Mapped[str | None] = mapped_column(String(200))
    review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    automation_link: Mapped[str | None] = mapped_column(String(1000))
    automation_note: Mapped[str | None] = mapped_column(String(500))
    retired_by: Mapped[str | None] = mapped_column(String(32))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    eliminated_minutes_per_week: Mapped[float | None] = mapped_column(Float)
    declared_minutes_per_week: Mapped[float | None] = mapped_column(Float)
    # "Same as P3?": the process this one was asked about when it was made (0011); only
    # that question can be answered (bot/services/same_process.py).
    asked_about_id: Mapped[int | None] = mapped_column(Integer)
    # The Slack message that prompted it (0019, "Log as manual work"): its permalink.
    source_link: Mapped[str | None] = mapped_column(String(1000))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Decisions (0021): the hours automating it should take ("I'll automate it"), the
    # hours it took (told at retirement), and when its elimination was verified.
    effort_hours: Mapped[float | None] = mapped_column(Float)
    actual_hours: Mapped[float | None] = mapped_column(Float)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    occurrences: Mapped[list[Occurrence]] = relationship(back_populates="process")

    @property
    def ref(self) -> str:
        return f"P{self.number}"


class Occurrence(Base):
    """One time somebody did a process by hand; `slack_key` makes recording idempotent."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_key", name="uq_occurrence_slack_key"),
        # Covering: one process's load over a window is read from the index alone (0005).
        Index("ix_occurrence_process_load", "process_id", "occurred_at", "minutes"),
        Index("ix_occurrence_team_user", "team_id", "user_id", "id"),
        # The limits on volume: a person's recent reports, covered (bot/services/limits.py).
        Index(
            "ix_occurrence_team_user_time",
            "team_id",
            "user_id",
            "occurred_at",
            "process_id",
            "minutes",
        ),
        # Covering: load over a window is read from the index alone (migration 0003).
        Index("ix_occurrence_team_time_load", "team_id", "occurred_at", "process_id", "minutes"),
        # The limits of whoever reports for someone else (0020): only such reports are in it.
        Index(
            "ix_occurrence_submitter",
            "team_id",
            "submitted_by",
            "occurred_at",
            sqlite_where=text("submitted_by IS NOT NULL"),
            postgresql_where=text("submitted_by IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[int] = mapped_column(Integer)
    default_duration: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))
    slack_key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    regression: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who sent a report naming someone else its doer ("Who did it?"); None: the doer did.
    submitted_by: Mapped[str | None] = mapped_column(String(32))

    process: Mapped[Process] = relationship(back_populates="occurrences")


class Nudge(Base):
    """One question the bot asked about one process, and the answer it got."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudge_process_time", "process_id", "asked_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # nudge | followup | who_owns
    asked_user_id: Mapped[str | None] = mapped_column(String(32))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProcessEvent(Base):
    """One change in a process's history (0007): what (an `Event`), who, when and how.
    Written only by storage/history.py, with the change of status it records."""

    __tablename__ = "process_events"
    __table_args__ = (
        Index("ix_process_event_process", "process_id", "at", "id"),
        Index("ix_process_event_team_kind", "team_id", "kind", "at", "process_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How: the automation's link or note, the reason, the ref merged into, the new owner.
    detail: Mapped[str | None] = mapped_column(String(1000))
    # A retirement's hours a week eliminated (in minutes), frozen when it happened.
    minutes_per_week: Mapped[float | None] = mapped_column(Float)


class ProcessSteps(Base):
    """One version of a process's steps, written down (0021): the text, who wrote it and
    when. The latest version is the process's steps; the older ones are its history."""

    __tablename__ = "process_steps"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_process_steps_version"),
        Index("ix_process_steps_team", "team_id", "process_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(BigId, ForeignKey("processes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BotMessage(Base):
    """A message the bot posted about processes, so reactions on it can be understood."""

    __tablename__ = "bot_messages"
    # retention reads by time (0015)
    __table_args__ = (Index("ix_bot_message_created", "created_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    process_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlackEvent(Base):
    """Event ids already handled: de-duplication of Slack retries across replicas."""

    __tablename__ = "slack_events"
    # retention reads by time (0015)
    __table_args__ = (Index("ix_slack_event_received", "received_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One unit of scheduled work, claimed in the database so exactly one replica sends it."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_delivery_claimed", "claimed_at"),)  # retention reads by time (0015)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # claimed | sent | skipped
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)


class PendingDM(Base):
    """A message to a person that answers nothing they just did (a process handed to
    them, a regression, a digest that stopped), waiting in the outbox (0018) for their
    working hours and their one bot DM of the day (bot/jobs/nudges.py delivers it)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "team_id", "status", "user_id"),
        Index("ix_outbox_settled", "settled_at"),  # retention reads by time
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))  # who is told
    kind: Mapped[str] = mapped_column(String(32))  # a `bot.domain.states.Notice`
    text: Mapped[str] = mapped_column(Text)  # the fallback text, mrkdwn, already escaped
    blocks: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    process_id: Mapped[int | None] = mapped_column(BigId)  # what it is about, if a process
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # | sent | dropped
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The DM it went out in, so that redrawing that DM (an answered nudge) keeps it.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class DigestSubscription(Base):
    """A channel's digest: its cadence, weekday, local time and time zone."""

    __tablename__ = "digest_subscriptions"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cadence: Mapped[str] = mapped_column(String(8))  # daily | weekly
    weekday: Mapped[int | None] = mapped_column(Integer)
    local_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_period: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What it covers (0013): "channel", the processes first reported in the channel, or
    # "workspace", every public process of the workspace.
    scope: Mapped[str] = mapped_column(String(16), default="channel", server_default="channel")
    # Stopped for good (0014) when Slack said the channel is gone for the bot: when, and
    # Slack's error. Subscribing the channel again starts it afresh.
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_reason: Mapped[str | None] = mapped_column(String(64))


class SlackUser(Base):
    """What we last learned of a Slack user: time zone and admin rights."""

    __tablename__ = "slack_users"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RejectedMatch(Base):
    """Two titles a reporter said are different processes (match keys, `key_a` < `key_b`):
    never asked about again."""

    __tablename__ = "rejected_matches"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    key_a: Mapped[str] = mapped_column(String(300), primary_key=True)
    key_b: Mapped[str] = mapped_column(String(300), primary_key=True)
    rejected_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MatchWord(Base):
    """The match index: each match word of each process a report may attach to."""

    __tablename__ = "match_words"
    __table_args__ = (Index("ix_match_words_process", "process_id"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    word: Mapped[str] = mapped_column(String(200), primary_key=True)
    process_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )


class MatchWordCount(Base):
    """In how many matchable titles of a workspace each match word appears; the word ""
    counts the titles themselves."""

    __tablename__ = "match_word_counts"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    word: Mapped[str] = mapped_column(String(200), primary_key=True)
    titles: Mapped[int] = mapped_column(Integer)


# The tables, for the Core statements of the hot paths (storage/processes, occurrences).
PROCESSES = cast(Table, Process.__table__)
OCCURRENCES = cast(Table, Occurrence.__table__)
WORKSPACES = cast(Table, Workspace.__table__)
MATCH_WORDS = cast(Table, MatchWord.__table__)
MATCH_WORD_COUNTS = cast(Table, MatchWordCount.__table__)
EVENTS = cast(Table, ProcessEvent.__table__)
