"""The floor for `bench/ack_load.py`: a bare Bolt app whose `/manual-task` handler only
acknowledges, served exactly as `coach serve` serves the real one (gunicorn, gthread).

    python -m bench.floor_app --port 3999 --workers 2 --threads 8
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
    args = p.parse_args()
    run_gunicorn(build, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


if __name__ == "__main__":
    main()
