"""A FakeSlack in its own process, so the load generator and the fake do not share a GIL.

    python -m bench.standin_server --users 50 [--owners 0]

Prints `PORT <n>` once listening; stops when its standard input closes.
"""

from __future__ import annotations

import argparse
import sys

from bot.standin.fakeslack import FakeSlack

TEAM, TOKEN = "T0001", "xoxb-T0001"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=50)
    args = p.parse_args()
    fake = FakeSlack().start()
    fake.add_team(TEAM, name="Acme", bot_token=TOKEN, bot_user_id="UBOT1")
    fake.add_channel(TEAM, "C_OPS", "ops")
    # The storing baseline (../shared/baselines/storing_app.py) authorizes with this token.
    fake.add_team("T0BASE", name="Baseline", bot_token="xoxb-baseline", bot_user_id="UBOT2")
    for i in range(args.users):
        fake.add_user(TEAM, f"U{i:05d}", f"user{i}", tz="UTC")
    print(f"PORT {fake.port}", flush=True)
    sys.stdin.read()  # until the parent closes the pipe
    fake.stop()


if __name__ == "__main__":
    main()
