"""The match index (storage/match_index.py) on SQLite and PostgreSQL: over generated
workspaces, after reports, merges and splits, the indexed look-up decides exactly as a
full scan of every title does; and the counts it keeps are the counts of the titles."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.limits import Limits
from bot.domain.matching import WorkspaceWords, best_match, decide, match_key
from bot.domain.people import Actor, Person
from bot.domain.rules import Sight
from bot.services.lookup import find
from bot.services.ownership import merge
from bot.services.reporting import record_report, split, undo
from storage import match_index, processes
from storage.db import Database
from storage.models import MatchWordCount, Occurrence

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TEAM = "T0001"
VERBS = ["update", "send", "reconcile", "check", "create", "delete", "export", "import",
         "review", "rotate", "renew", "patch", "deploy", "audit", "migrate"]  # fmt: skip
THINGS = ["invoices", "payouts", "accounts", "cluster", "backups", "logs", "certificates",
          "contracts", "leads", "tickets", "dashboards", "servers", "pricing sheet",
          "roster", "timesheets", "refunds", "keys", "licences"]  # fmt: skip
WHERE = ["Stripe", "Kafka", "Redis", "EU", "US", "Xero", "HubSpot", "Jira", "staging",
         "production", "nightly", "weekly", "Acme", "Globex", "Initech", "Umbrella",
         "back up", "cash flow", "on-call"]  # fmt: skip


def _title(rng: random.Random) -> str:
    parts = [rng.choice(VERBS), rng.choice(THINGS)]
    for _ in range(rng.randint(0, 2)):
        parts.insert(rng.randint(1, len(parts)), rng.choice(WHERE))
    return " ".join(parts)


def _mutated(rng: random.Random, title: str) -> str:
    words = title.split()
    kind = rng.randrange(6)
    if kind == 0 and len(words) > 2:
        words.pop(rng.randrange(len(words)))  # less detail
    elif kind == 1:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1 :]  # a letter missing
    elif kind == 2 and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [words[i] + words[i + 1]]  # two words run together
    elif kind == 3:
        words.append(rng.choice(["again", "by hand", "for Q3", "Zorblax", "monthly"]))
    elif kind == 4:
        rng.shuffle(words)
    return " ".join(words)


def _report(session, text: str, key: str, user: str = "U_ANA"):
    return record_report(
        session,
        team_id=TEAM,
        user_id=user,
        channel_id="C1",
        text=text,
        source="command",
        slack_key=key,
        now=NOW,
        sight=Sight.whole(TEAM),  # matching across everyone's reports: who sees what aside
        private=False,
        limits=GENERATED,  # generated data: far more reports at once than a person sends
    )


GENERATED = Limits(10**9, 10**9, 10**9)


def _indexed(session, title: str, rejected: set[str]):
    rows, stats = match_index.candidates(session, team_id=TEAM, title=title)
    return decide(title, [(r[0], r[1]) for r in rows], stats=stats, rejected=rejected)


def _full(session, title: str, rejected: set[str]):
    rows = processes.matchable_titles(session, team_id=TEAM)
    return best_match(title, [(r[0], r[1]) for r in rows], rejected=rejected)


def test_the_index_decides_as_a_full_scan(db: Database) -> None:
    rng = random.Random(1313)
    admin = Actor(TEAM, "U_ANA", NOW, Person("U_ANA", is_admin=True))
    with db.transaction() as session:
        for n in range(400):
            title = _title(rng) if n < 250 or rng.random() < 0.5 else _mutated(rng, _title(rng))
            _report(session, f"{title} 10m", f"k{n}", user=rng.choice(["U_ANA", "U_BEN"]))
        listed = processes.matchable_titles(session, team_id=TEAM)
        for _ in range(15):  # merges and splits keep the index
            a, b = rng.sample(listed, 2)
            keep = find(session, admin, process_id=a[0])
            gone = find(session, admin, process_id=b[0])
            if keep.id != gone.id:
                merge(session, admin, keep=keep, gone=gone)
        for occ in session.scalars(select(Occurrence).limit(5)):
            split(session, Actor(TEAM, occ.user_id, NOW, Person(occ.user_id)), occ)
        match_index.reject(session, team_id=TEAM, key=match_key(listed[0][1]),
                           other=match_key(listed[1][1]), by="U_ANA", now=NOW)  # fmt: skip

        titles = [r[1] for r in processes.matchable_titles(session, team_id=TEAM)]
        queries = [_mutated(rng, rng.choice(titles)) for _ in range(300)]
        queries += [_title(rng) for _ in range(100)] + [listed[0][1], "zzz", "Update"]
        decisions: Counter[str] = Counter()
        told_apart = 0
        for query in queries:
            rejected = match_index.rejected_keys(session, team_id=TEAM, key=match_key(query))
            full = _full(session, query, rejected)
            assert _indexed(session, query, rejected) == full, query
            # The report path reads the rejected pairs with the word counts: the same.
            both = match_index.candidates_and_rejected(
                session, team_id=TEAM, title=query, key=match_key(query)
            )
            rows, stats = match_index.candidates(session, team_id=TEAM, title=query)
            assert both == (rows, stats, rejected), query
            told_apart += bool(rejected)
            decisions[full.decision] += 1
        assert all(decisions[d] >= 10 for d in ("same", "ask", "new")), decisions
        assert told_apart >= 1


def test_the_counts_are_the_counts_of_the_matchable_titles(db: Database) -> None:
    rng = random.Random(7)
    admin = Actor(TEAM, "U_ANA", NOW, Person("U_ANA", is_admin=True))
    with db.transaction() as session:
        for n in range(120):
            _report(session, f"{_title(rng)} 5m", f"c{n}")
        listed = processes.matchable_titles(session, team_id=TEAM)
        keep = find(session, admin, process_id=listed[0][0])
        merge(session, admin, keep=keep, gone=find(session, admin, process_id=listed[1][0]))
        for n in range(3):  # undoing the only report of a new process removes it
            made = _report(session, f"Water the office plant number {n} 5m", f"u{n}")
            assert made.created
            undo(session, admin, session.get(Occurrence, made.occurrence_id))
        expected = WorkspaceWords.of(
            r[1] for r in processes.matchable_titles(session, team_id=TEAM)
        )
        stored = {
            row.word: row.titles
            for row in session.scalars(select(MatchWordCount).where(MatchWordCount.team_id == TEAM))
            if row.titles
        }
    assert stored.pop("") == expected.titles
    assert stored == dict(expected.counts)
