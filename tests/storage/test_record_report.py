"""bot.services.reporting.record_report on SQLite and PostgreSQL: a Slack key is stored once,
and a repeated key gets back what was stored, whatever the retry now says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.people import Actor, Person
from bot.domain.rules import Sight
from bot.errors import UserError
from bot.services.lookup import find
from bot.services.ownership import merge
from bot.services.reporting import record_report
from storage.db import Database
from storage.models import Occurrence, Process, Workspace

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def report(session, text: str, key: str, **kwargs):
    fields = {"team_id": "T0001", "user_id": "U_ANA", "channel_id": "C1", "source": "modal"}
    fields |= {"sight": Sight.whole("T0001"), "private": False}  # who sees what: not tested here
    return record_report(session, text=text, slack_key=key, now=NOW, **{**fields, **kwargs})


def counts(db: Database) -> tuple[int, int, int]:
    with db.transaction() as s:
        processes = s.scalar(select(func.count()).select_from(Process))
        occurrences = s.scalar(select(func.count()).select_from(Occurrence))
        next_number = s.get(Workspace, "T0001").next_process_number
    return processes, occurrences, next_number


def test_a_report_is_matched_stored_and_carded_in_one_go(db: Database) -> None:
    with db.transaction() as s:
        first = report(s, "Reconcile Stripe payouts 45m", "view:1")
        again = report(s, "reconcile stripe payout 30m", "view:2")
    assert first.created and not again.created
    assert again.card.ref == first.card.ref == "P1"
    assert (again.card.count, again.card.minutes) == (2, 75)
    assert again.card.currency == "USD" and again.card.merged_into_ref is None
    assert counts(db) == (1, 2, 2)


def test_a_form_resubmitted_with_an_edited_bad_title_gets_what_was_stored(db: Database) -> None:
    with db.transaction() as s:
        stored = report(s, "Reconcile Stripe payouts", "view:V1", minutes=45)
    with db.transaction() as s:
        again = report(s, "   ", "view:V1", minutes=45)  # edited to nothing, then resent
    assert again.duplicate and again.occurrence_id == stored.occurrence_id
    assert again.card.ref == "P1" and again.minutes == 45
    with db.transaction() as s, pytest.raises(UserError):
        report(s, "   ", "view:V2", minutes=45)  # a new key with a bad title: refused
    assert counts(db) == (1, 1, 2)


def test_a_retry_whose_title_no_longer_matches_makes_no_process(db: Database) -> None:
    with db.transaction() as s:
        report(s, "Reconcile Stripe payouts 45m", "view:V1")
    with db.transaction() as s:
        again = report(s, "Restart the staging cluster 45m", "view:V1")  # edited title
    assert again.duplicate and again.card.ref == "P1"
    assert counts(db) == (1, 1, 2)  # no process made, no number used


def test_a_retry_after_its_process_was_merged_makes_no_new_process(db: Database) -> None:
    with db.transaction() as s:
        report(s, "Reconcile Stripe payouts 45m", "view:V1")
        report(s, "Copy leads into the CRM 10m", "view:V2")
    with db.transaction() as s:
        admin = Actor("T0001", "U_ANA", NOW, Person("U_ANA", is_admin=True))
        keep, gone = find(s, admin, ref="P2"), find(s, admin, ref="P1")
        merge(s, admin, keep=keep, gone=gone)
    with db.transaction() as s:
        again = report(s, "Reconcile Stripe payouts 45m", "view:V1")
    # Its report moved into P2 with the merge; P1's title matches nothing now.
    assert again.duplicate and again.card.ref == "P2"
    assert counts(db) == (2, 2, 3)


def test_the_card_counts_only_the_last_28_days(db: Database) -> None:
    with db.transaction() as s:
        record_report(
            s,
            team_id="T0001",
            user_id="U_ANA",
            channel_id="C1",
            text="Reconcile Stripe payouts 45m",
            source="command",
            slack_key="old",
            now=NOW - timedelta(days=29),
            sight=Sight.whole("T0001"),
        )
        latest = report(s, "Reconcile Stripe payouts 20m", "new")
    assert (latest.card.count, latest.card.minutes) == (1, 20)
