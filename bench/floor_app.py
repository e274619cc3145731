"""The floor for `bench/ack_load.py`: a bare Bolt app whose `/manual-task` handler only
acknowledges, served exactly as `coach serve` serves the real one (gunicorn, uvicorn's event loop in
front of each worker's threads: `bot.server.run_gunicorn`).

    python -m bench.floor_app --port 3999 --workers 2 --threads 8 [--process-before-response]

By default Bolt runs the handler on a thread and polls for its ack every 10 ms, which
bounds this floor's latency; `--process-before-response` runs it in the request's thread
as the coach serves slash commands, for a stricter floor of pure CPU.
"""

from __future__ import annotations

import argparse
import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.server import WSGIApp, run_gunicorn


def build() -> WSGIApp:
    app = App(
        process_before_response=os.environ.get("FLOOR_PROCESS_BEFORE_RESPONSE") == "1",
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token=os.environ.get("SLACK_BOT_TOKEN"),
        # The same Web API as the coach (the fake Slack): Bolt's authorize asks auth.test.
        client=WebClient(
            token=os.environ.get("SLACK_BOT_TOKEN"),
            base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        ),
        token_verification_enabled=False,
    )

    @app.command("/manual-task")
    def manual_task(ack: Ack) -> None:
        ack()

    return SlackRequestHandler(app, path="/slack/events")  # type: ignore[return-value]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--process-before-response", action="store_true")
    args = p.parse_args()
    if args.process_before_response:  # read by build() in each worker
        os.environ["FLOOR_PROCESS_BEFORE_RESPONSE"] = "1"
    run_gunicorn(build, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


if __name__ == "__main__":
    main()
