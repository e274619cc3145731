"""The Workflow Builder steps, end to end over real HTTP against the fake Slack, with the
`function_executed` payload Slack documents: "Log manual work" stores a report exactly as
`/manual-task` does (matching, limits, visibility, de-duplication by the execution id)
and completes with the process's id, title and cost; bad inputs fail with a clear
`functions.completeError` and store nothing; "Get a process's cost" lets a workflow
branch on it."""

from __future__ import annotations

from tests.conftest import TEAM, Coach
from tests.e2e.support import answer, counts, occurrences, process, processes, wait_for

LOG, COST = "log_manual_work", "get_process_cost"


def _run(coach: Coach, callback_id: str = LOG, **inputs: object):
    reply, run = coach.sim.run_step(callback_id, inputs)
    assert reply.status == 200, reply.body
    wait_for(lambda: run.state != "running")
    return run


def _log(coach: Coach, what: str = "Run the weekly payroll", minutes: object = 45, **more):
    return _run(coach, LOG, what=what, minutes=minutes, who="U_ANA", channel="C_OPS", **more)


def test_the_step_logs_a_report_and_completes_with_the_processs_cost(coach: Coach) -> None:
    run = _log(coach)
    assert run.state == "completed", run.error
    assert run.outputs == {
        "process_id": "P1",
        "title": "Run the weekly payroll",
        "minutes_per_week": 11,
        "cost_per_week": "11m a week",
        "status": "manual",
    }
    [occ] = occurrences(coach.db)
    assert (occ.user_id, occ.minutes, occ.channel_id, occ.source) == (
        "U_ANA",
        45,
        "C_OPS",
        "workflow",
    )
    assert occ.slack_key == f"function:{run.id}"
    assert process(coach.db, "P1").private is False  # #ops is public, as Slack said
    [done] = coach.fake.calls_to("functions.completeSuccess")
    headers = {k.lower(): v for k, v in done.headers.items()}
    assert headers["authorization"] == f"Bearer {run.token}"  # the workflow's token


def test_a_second_run_joins_the_same_process_and_a_retry_counts_once(coach: Coach) -> None:
    _log(coach)
    run = _log(coach, "run weekly payroll", 30)
    assert run.outputs["process_id"] == "P1" and run.outputs["minutes_per_week"] == 19
    coach.sim.deliver_step(run, retry_num=1)  # Slack sends the event again
    assert len(occurrences(coach.db)) == 2 and len(processes(coach.db)) == 1


def test_a_step_never_asks_it_makes_a_new_process(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "Check the status page 10m")
    run = _log(coach, "Update the status page", 20)
    assert run.outputs["process_id"] == "P2"
    assert process(coach.db, "P2").asked_about_id is None  # nobody is asked "Same as P1?"
    assert [m for m in coach.fake.messages if "Same as" in m.text] == []


def test_a_named_process_is_joined(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m")
    run = _log(coach, "Payroll, the monthly one", 60, process_id="p1")
    assert run.outputs["process_id"] == "P1"
    assert len(processes(coach.db)) == 1


def test_bad_inputs_fail_clearly_and_store_nothing(coach: Coach) -> None:
    cases = [
        ({"minutes": 0}, "“minutes” must be a whole number of minutes, from 1 to 480."),
        ({"minutes": "soon"}, "“minutes” must be a whole number"),
        ({"what": "  "}, "The step needs “what”"),
        ({"who": "nobody"}, "The step needs “who”"),
        ({"process_id": "P9"}, "There's no P9 here."),
    ]
    for change, said in cases:
        inputs = {"what": "Run payroll", "minutes": 45, "who": "U_ANA", "channel": "C_OPS"}
        run = _run(coach, LOG, **{**inputs, **change})
        assert run.state == "failed" and said in (run.error or ""), (change, run.error)
        assert "<" not in (run.error or "") and "&lt;" not in (run.error or "")
    assert counts(coach.db)["occurrences"] == 0
    assert len(coach.fake.calls_to("functions.completeError")) == len(cases)


def test_a_private_process_is_neither_joined_nor_shown_to_a_workflow(coach: Coach) -> None:
    coach.fake.add_channel(TEAM, "C_HR", "hr", private=True)
    coach.sim.slash("U_BEN", "C_HR", "Fix the salary sheet 30m")
    run = _log(coach, "Fix the salary sheet", 30)  # ana may not see ben's private P1
    assert run.outputs["process_id"] == "P2"
    named = _log(coach, "Fix it", 30, process_id="P1")
    assert named.state == "failed" and "There's no P1 here" in (named.error or "")
    asked = _run(coach, COST, process_id="P1")
    assert asked.state == "failed" and "salary" not in (asked.error or "")


def test_the_limits_apply_to_who_did_it(coach: Coach) -> None:
    assert _log(coach, "Reconcile Stripe payouts", 480).state == "completed"
    run = _log(coach, "Reconcile Stripe payouts", 30)
    assert run.state == "failed" and "already reported 8h on P1 today" in (run.error or "")
    assert len(occurrences(coach.db)) == 1


def test_get_a_processs_cost_lets_a_workflow_branch(coach: Coach) -> None:
    coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 2h")
    run = _run(coach, COST, process_id="P1")
    assert run.state == "completed"
    assert run.outputs == {
        "title": "Reconcile Stripe payouts",
        "minutes_per_week": 30,
        "cost_per_week": "30m a week",
        "status": "manual",
    } | {"process_id": "P1"}
    assert "There's no P7 here" in (_run(coach, COST, process_id="P7").error or "")
    assert "needs “process_id”" in (_run(coach, COST).error or "")


def test_a_reported_title_is_escaped_in_the_commands_answer(coach: Coach) -> None:
    run = _log(coach, "Ping <!channel> about payroll", 20)
    assert run.outputs["title"] == "Ping <!channel> about payroll"  # data, as given
    said = answer(coach.sim.slash("U_ANA", "C_OPS", "show P1"))
    assert "<!channel>" not in said
