"""End to end, issue 14: deleting data. An admin deletes one person's reports with a
confirmed `/manual-task forget @person`; `coach forget` deletes a person or a whole
workspace from a shell. Both are logged; a member can't; cancelling deletes nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, select, text

from bot.cli import main
from bot.ids import Action
from storage.models import Process, SlackUser
from tests.conftest import Coach
from tests.e2e.support import answer, counts, occurrences, processes, text_of, wait_for

TEAM = "T0001"


def report(coach: Coach, text: str, user: str = "U_ANA") -> str:
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return answer(reply)


def _seed(coach: Coach) -> None:
    report(coach, "Reconcile Stripe payouts 45m", user="U_BEN")  # ben first, ana too
    report(coach, "Reconcile Stripe payouts 30m")
    report(coach, "Fix salary of Jane Doe 20m", user="U_BEN")  # only ben
    report(coach, "own P1", user="U_BEN")


def _question(coach: Coach, user: str):
    return wait_for(
        lambda: [m for m in coach.fake.messages if m.ephemeral and m.user == user and m.blocks]
    )[-1]


def test_an_admin_deletes_a_persons_reports_once_confirmed(
    coach: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    _seed(coach)
    asked = report(coach, "forget <@U_BEN>", user="U_ADMIN")
    assert "Delete <@U_BEN>'s 2 reports (1 process goes with them" in asked
    assert counts(coach.db)["occurrences"] == 3  # asking deletes nothing

    question = _question(coach, "U_ADMIN")
    with caplog.at_level(logging.INFO, logger="handlers.forget"):
        coach.sim.click("U_ADMIN", question, action_id=Action.FORGET.value)
        wait_for(lambda: "Deleted" in text_of(question))
    assert "Deleted <@U_BEN>'s 2 reports" in text_of(question)
    assert "forgot U_BEN in T0001 at the request of U_ADMIN: 2 reports, 1 processes" in caplog.text

    assert [o.user_id for o in occurrences(coach.db)] == ["U_ANA"]
    [kept] = processes(coach.db)
    assert kept.title == "Reconcile Stripe payouts"
    assert (kept.reporter_id, kept.owner_id) == ("U_ANA", None)  # ana reported it too
    with coach.db.transaction() as s:
        assert s.scalars(select(SlackUser).where(SlackUser.user_id == "U_BEN")).all() == []
    with coach.db.engine.connect() as conn:  # no row of any table names ben any more
        for table in inspect(conn).get_table_names():
            for column in inspect(conn).get_columns(table):
                if str(column["type"]).upper().startswith(("VARCHAR", "TEXT", "CHAR")):
                    name = column["name"]
                    hits = conn.execute(
                        text(f"SELECT count(*) FROM {table} WHERE {name} = 'U_BEN'")
                    ).scalar()
                    assert hits == 0, (table, name)


def test_a_member_cant_and_cancel_deletes_nothing(coach: Coach) -> None:
    _seed(coach)
    assert "Only a workspace admin" in report(coach, "forget <@U_BEN>", user="U_ANA")
    report(coach, "forget <@U_BEN>", user="U_ADMIN")
    question = _question(coach, "U_ADMIN")
    coach.sim.click("U_ADMIN", question, action_id=Action.FORGET_CANCEL.value)
    wait_for(lambda: "Nothing was deleted" in text_of(question))
    assert counts(coach.db)["occurrences"] == 4 - 1  # "own P1" is no report


def test_forget_needs_one_mentioned_person(coach: Coach) -> None:
    assert "`forget` takes one person" in report(coach, "forget ben", user="U_ADMIN")


def _shell(coach: Coach, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", coach.db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return main(["forget", *args])


def test_coach_forget_a_person_from_the_shell(
    coach: Coach, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(coach)
    assert _shell(coach, monkeypatch, "--user", "U_BEN") == 1  # no terminal, no --yes
    assert "add --yes to confirm" in capsys.readouterr().err
    assert counts(coach.db)["occurrences"] == 3

    assert _shell(coach, monkeypatch, "--user", "U_BEN", "--workspace", TEAM, "--yes") == 0
    assert "Forgot U_BEN in T0001: 2 reports, 1 process." in capsys.readouterr().out
    assert [o.user_id for o in occurrences(coach.db)] == ["U_ANA"]


def test_coach_forget_a_whole_workspace(
    coach: Coach, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(coach)
    report(coach, "digest here weekly mon 09:00", user="U_ADMIN")
    assert _shell(coach, monkeypatch, "--workspace", "T9999", "--yes") == 2  # unknown
    assert _shell(coach, monkeypatch, "--workspace", TEAM, "--yes") == 0
    with coach.db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if "team_id" in {c["name"] for c in inspect(conn).get_columns(table)}:
                left = conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE team_id = :t"), {"t": TEAM}
                ).scalar()
                assert left == 0, table
    with coach.db.transaction() as s:
        assert s.scalars(select(Process)).all() == []
