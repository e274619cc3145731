"""Workflow Builder runs the app's steps: a ``function_executed`` event in its envelope,
with the step's definition (as manifest.yml declares it), its ``inputs``, a function
execution id and a workflow token (``bot_access_token``), as Slack's documentation
shows it. The run's end (``functions.completeSuccess`` or ``completeError``) is in
``fake.executions``."""

from __future__ import annotations

from typing import Any

from bot.standin.fakeslack.functions import Execution
from bot.standin.simulator.sender import JSONDict, Reply, Sender

_STRING, _INTEGER = "string", "integer"
_USER, _CHANNEL = "slack#/types/user_id", "slack#/types/channel_id"


def _param(name: str, kind: str, title: str, required: bool = True) -> JSONDict:
    return {"type": kind, "name": name, "title": title, "is_required": required}


# The steps as the event describes them; tests/unit/test_manifest.py checks that these
# are manifest.yml's `functions`, input for input and output for output.
OUTPUTS = [
    _param("process_id", _STRING, "Process id"),
    _param("title", _STRING, "Title"),
    _param("minutes_per_week", _INTEGER, "Minutes a week"),
    _param("cost_per_week", _STRING, "Cost a week"),
    _param("status", _STRING, "Status"),
]
STEPS: dict[str, JSONDict] = {
    "log_manual_work": {
        "title": "Log manual work",
        "input_parameters": [
            _param("what", _STRING, "What was done by hand"),
            _param("minutes", _INTEGER, "Minutes it took"),
            _param("who", _USER, "Who did it"),
            _param("channel", _CHANNEL, "Channel whose work it is"),
            _param("process_id", _STRING, "Process id (like P7)", required=False),
        ],
        "output_parameters": OUTPUTS,
    },
    "get_process_cost": {
        "title": "Get a process's cost",
        "input_parameters": [_param("process_id", _STRING, "Process id (like P7)")],
        "output_parameters": [p for p in OUTPUTS if p["name"] != "process_id"],
    },
}


class Steps(Sender):
    """A workflow runs one of the app's steps."""

    def run_step(
        self, callback_id: str, inputs: dict[str, Any], *, event_id: str | None = None
    ) -> tuple[Reply, Execution]:
        """Start a run of step ``callback_id`` with ``inputs`` and deliver its
        ``function_executed`` event; returns the app's answer and the run."""
        definition = STEPS.get(callback_id, {"title": callback_id})
        run = self.fake.start_execution(
            self.team_id, callback_id, inputs, definition.get("output_parameters")
        )
        return self.deliver_step(run, event_id=event_id), run

    def deliver_step(
        self, run: Execution, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        """Deliver the ``function_executed`` event of ``run`` (again: a Slack retry)."""
        definition = STEPS.get(run.callback_id, {"title": run.callback_id})
        event = {
            "type": "function_executed",
            "function": {
                "id": "Fn" + run.callback_id.upper().replace("_", "")[:9],
                "callback_id": run.callback_id,
                "title": definition.get("title"),
                "description": "",
                "type": "app",
                "input_parameters": definition.get("input_parameters", []),
                "output_parameters": definition.get("output_parameters", []),
                "app_id": self.api_app_id,
                "date_created": 1694727597,
                "date_updated": 1698947481,
                "date_deleted": 0,
            },
            "inputs": run.inputs,
            "function_execution_id": run.id,
            "workflow_execution_id": "Wx" + run.id[2:],
            "event_ts": self.fake.new_ts(),
            "bot_access_token": run.token,
        }
        return self.event(event, event_id=event_id, retry_num=retry_num)  # type: ignore[attr-defined]
