"""The Workflow Builder steps (Bolt's `app.function`; manifest.yml `functions`):

- "Log manual work" (`log_manual_work`): inputs what, minutes, who, channel and
  optionally a process id; stores one report by `who`, exactly as `/manual-task` would,
  and gives the process id, its title and its cost a week to the next steps.
- "Get a process's cost" (`get_process_cost`): input a process id; gives its title, cost
  a week and status, so a workflow can branch on them.

Slack sends `function_executed` (its workflow token is the request's client: Bolt's
AttachingFunctionToken). The step is acknowledged once its work is done; it ends with
`functions.completeSuccess`, or `functions.completeError` saying what was wrong (Bolt's
`complete` and `fail`), after the acknowledgement. A database that can't be reached
fails the request, so Slack sends the event again (the execution id keys the report)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Complete, Fail

from bot.domain import steps
from bot.errors import UserError
from bot.ids import Step
from bot.mrkdwn import Mrkdwn
from bot.services import steps as use
from handlers.context import Deps, actor_of
from handlers.faults import apology, log_fault
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)
Outputs = dict[str, Any]


def log_manual_work(
    event: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail
) -> None:
    deps: Deps = context["deps"]

    def work() -> Outputs:
        inputs = steps.log_inputs(event.get("inputs"))
        actor = actor_of(
            deps, context, team_id=_team(context), user_id=inputs.who, channel_id=inputs.channel
        )
        execution = str(event.get("function_execution_id") or context.function_execution_id)
        with deps.db.transaction() as session:
            result = use.log_work(
                session, actor, inputs, execution_id=execution, limits=deps.settings.limits
            )
        return steps.outputs(result.card)

    _finish(context, work, complete, fail)


def get_process_cost(
    event: dict[str, Any], context: BoltContext, complete: Complete, fail: Fail
) -> None:
    deps: Deps = context["deps"]

    def work() -> Outputs:
        ref = steps.cost_ref(event.get("inputs"))
        with deps.db.transaction() as session:
            card = use.cost_of(session, use.as_workflow(_team(context), deps.clock.now()), ref)
        return steps.outputs(card)

    _finish(context, work, complete, fail)


def _team(context: BoltContext) -> str:
    if not context.team_id:
        raise UserError(Mrkdwn("Slack didn't say which workspace this step runs in."))
    return context.team_id


def _finish(
    context: BoltContext, work: Callable[[], Outputs], complete: Complete, fail: Fail
) -> None:
    """Do the step's work now; complete it (or fail it, saying why) after the answer."""
    try:
        outputs = work()
    except DatabaseUnavailable:
        raise  # a 500: Slack sends the event again
    except Exception as err:
        if isinstance(err, UserError):
            said = err.text.plain()
        else:
            log_fault(err, "Listener failed on a workflow step")
            said = apology(err).plain()
        _after(context, lambda: fail(error=said))
        return
    _after(context, lambda: complete(outputs=outputs))


def _after(context: BoltContext, call: Callable[[], object]) -> None:
    context.listener_runner.listener_executor.submit(_logged, call)


def _logged(call: Callable[[], object]) -> None:
    try:
        call()
    except Exception:
        log.exception("completing a workflow step failed")


def register(app: App) -> None:
    app.function(Step.LOG.value)(log_manual_work)
    app.function(Step.COST.value)(get_process_cost)
