"""Worker CPU per report: sequential `/manual-task … 45m` requests through `coach serve`
(one gunicorn worker, signature checking on), CPU read from /proc for the worker.

    python -m bench.ack_cpu [--requests 400] [--database-url URL]

No load, so no queueing: what one report costs the server, next to the same requests
to the bare Bolt floor (bench/floor_app.py) in the same run, in Bolt's default mode and
in process-before-response mode (the strict floor: issue 17 aims at 2x its CPU), and to
the storing app (`../shared/baselines/storing_app.py`, served by bench/storing_server.py):
on these two shared cores a server's throughput under load is about the CPU it has over
its CPU a report, so this says what `bench.ack_load`'s ratio to the storing app can be.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.ack_servers import fake_slack, server_env
from bench.ack_traffic import Requests
from bench.common import Row, free_port, print_table, write_results


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], env: dict[str, str], port: int, requests: int) -> float:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = None
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/readyz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        assert conn is not None
        workers = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split() or [str(proc.pid)]

        reqs = Requests()

        def send(_n: int) -> None:
            body, headers = reqs.next()
            conn.request("POST", "/slack/events", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200

        for n in range(50):  # warm up
            send(n)
        before = sum(_cpu(int(w)) for w in workers)
        for n in range(50, 50 + requests):
            send(n)
        time.sleep(0.5)
        return (sum(_cpu(int(w)) for w in workers) - before) / requests * 1000
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    # The Slack and the requests of bench.ack_load: its people and channel are known.
    with fake_slack() as api_url, tempfile.TemporaryDirectory() as tmp:
        env = server_env(args.database_url or f"sqlite:///{tmp}/bench.db", api_url)
        floor_cmd = [sys.executable, "-m", "bench.floor_app", "--workers", "1", "--threads", "8"]
        port = free_port()
        floor = measure([*floor_cmd, "--port", str(port)], env, port, args.requests)
        port = free_port()
        strict = measure(
            [*floor_cmd, "--process-before-response", "--port", str(port)],
            env,
            port,
            args.requests,
        )
        port = free_port()
        storing = measure(
            [sys.executable, "-m", "bench.storing_server", "--workers", "1", "--port", str(port)],
            {**env, "FLOOR_DB_URL": f"sqlite:///{tmp}/storing.db"},
            port,
            args.requests,
        )
        port = free_port()
        coach = measure(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            env,
            port,
            args.requests,
        )
    rows = [
        Row(
            "worker CPU per report vs the strict floor",
            coach,
            "ms",
            "<= 2 x strict",
            strict,
            coach / strict,
            coach <= 2 * strict,
        ),
        Row(
            "worker CPU per report vs the default-mode floor", coach, "ms", "", floor, coach / floor
        ),
        Row("worker CPU per report vs the storing app", coach, "ms", "", storing, coach / storing),
    ]
    print_table("ack_cpu: worker CPU per report, sequential", rows)
    write_results("ack_cpu", rows, settings=vars(args))


if __name__ == "__main__":
    main()
