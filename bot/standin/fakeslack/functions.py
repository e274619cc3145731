"""functions.completeSuccess and functions.completeError: how a Workflow Builder step (a
custom function) ends, and the workflow token each run of one carries.

A run starts when the simulator sends ``function_executed`` (``start_execution``): it
gets an id (``Fx…``) and a short-lived token (``xwfp-…``) that acts in its workspace as
the bot does, until the run is completed. Completing checks the outputs against the
step's ``output_parameters`` (each required one given, of its type) as Slack does, and
answers ``function_execution_not_found`` or ``execution_not_in_running_state`` for a run
it doesn't know or that has ended."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bot.standin.fakeslack.common import JSONDict, SlackError, json_arg, new_id
from bot.standin.fakeslack.records import Team
from bot.standin.fakeslack.state import State

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@dataclass
class Execution:
    """One run of a step: what it was given, and how it ended (``state``: running,
    completed or failed, with its ``outputs`` or ``error``)."""

    id: str
    team_id: str
    callback_id: str
    token: str
    inputs: JSONDict
    output_parameters: list[JSONDict] = field(default_factory=list)
    state: str = "running"
    outputs: JSONDict | None = None
    error: str | None = None


class Functions(State):
    """The ``functions.*`` methods, and the runs of steps."""

    def start_execution(
        self,
        team_id: str,
        callback_id: str,
        inputs: JSONDict,
        output_parameters: list[JSONDict] | None = None,
    ) -> Execution:
        """A new run of step ``callback_id`` in ``team_id`` (as a workflow starts it)."""
        with self._changing():
            run = Execution(
                id=new_id("Fx"),
                team_id=team_id,
                callback_id=callback_id,
                token=f"xwfp-{team_id}-{secrets.token_hex(12)}",
                inputs=dict(inputs),
                output_parameters=list(output_parameters or []),
            )
            self.executions[run.id] = run
            return run

    def execution_team(self, token: str) -> Team | None:
        """The workspace a running step's token acts in (None: not a step's token)."""
        for run in self.executions.values():
            if run.token == token and run.state == "running":
                return self.teams.get(run.team_id)
        return None

    def _run_of(self, team: Team, body: JSONDict) -> Execution:
        run = self.executions.get(str(body.get("function_execution_id") or ""))
        if run is None or run.team_id != team.id:
            raise SlackError("function_execution_not_found")
        if run.state != "running":
            raise SlackError("execution_not_in_running_state")
        return run

    def _functions_complete_success(self, team: Team, body: JSONDict) -> JSONDict:
        run = self._run_of(team, body)
        outputs = json_arg(body, "outputs", None)
        if not isinstance(outputs, dict):
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: outputs"])
        problems = _check_outputs(outputs, run.output_parameters)
        if problems:
            raise SlackError("parameter_validation_failed", problems)
        run.state, run.outputs = "completed", outputs
        self._emit("function.completed", run)
        return {}

    def _functions_complete_error(self, team: Team, body: JSONDict) -> JSONDict:
        run = self._run_of(team, body)
        error = str(body.get("error") or "")
        if not error:
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: error"])
        run.state, run.error = "failed", error
        self._emit("function.failed", run)
        return {}


def _check_outputs(outputs: JSONDict, parameters: list[JSONDict]) -> list[str]:
    problems = []
    for parameter in parameters:
        name, kind = str(parameter.get("name")), str(parameter.get("type"))
        if name not in outputs:
            if parameter.get("is_required"):
                problems.append(f"[ERROR] missing required output: {name}")
            continue
        value, types = outputs[name], _TYPES.get(kind)
        wrong = types is not None and (
            not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool))
        )
        if wrong:
            problems.append(f"[ERROR] output {name} must be of type {kind}")
    return problems
