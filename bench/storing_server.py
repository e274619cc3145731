"""The storing baseline for `bench/ack_load.py`: `../shared/baselines/storing_app.py`, used
unchanged (a bare Bolt app that stores each report with SQLAlchemy Core and sums its 28
days), served exactly as `coach serve` serves the coach (`bot.server.run_gunicorn`).

    FLOOR_DB_URL=sqlite:////tmp/store.db python -m bench.storing_server --port 3999

The app is SQLite only (its connect hook sets SQLite pragmas). Its path can be given in
`COACH_BENCH_STORING_APP`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.server import run_gunicorn

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "baselines" / "storing_app.py"


def path() -> Path:
    """Where the baseline is; a clear error if it isn't there."""
    found = Path(os.environ.get("COACH_BENCH_STORING_APP") or DEFAULT)
    if not found.is_file():
        raise SystemExit(
            f"the storing baseline is not at {found}: set COACH_BENCH_STORING_APP to its path"
        )
    return found


def load() -> ModuleType:
    """A fresh import of the baseline (it opens its engine and creates its table)."""
    spec = importlib.util.spec_from_file_location("storing_app", path())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build() -> Any:
    return load().wsgi


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args()
    load().engine.dispose()  # its table, created once before the workers start
    run_gunicorn(build, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


if __name__ == "__main__":
    main()
