"""What the benchmarks share: a figures table, JSON results, scratch PostgreSQL databases,
percentiles, and a free loopback port.

Each benchmark prints rows of (figure, value, target, baseline, ratio) and writes them to
`bench/results/<name>.json` together with a note on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_URL = os.environ.get("COACH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Row:
    """One line of a benchmark's table. `ok` says whether the target is met (None: no target)."""

    figure: str
    value: float | str
    unit: str = ""
    target: str = ""
    baseline: float | str | None = None
    ratio: float | None = None
    ok: bool | None = None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def print_table(title: str, rows: list[Row]) -> None:
    """A fixed-width table: figure, value, target, baseline, ratio, ok."""
    head = ("figure", "value", "target", "baseline", "ratio", "")
    lines = [
        (
            r.figure,
            f"{_fmt(r.value)} {r.unit}".strip(),
            r.target,
            _fmt(r.baseline),
            "" if r.ratio is None else f"{r.ratio:.2f}",
            {True: "ok", False: "MISSED", None: ""}[r.ok],
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=False)]
    print(f"\n== {title}")
    for line in (head, *lines):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=False)).rstrip())


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def write_results(name: str, rows: list[Row], **extra: Any) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), "rows": [asdict(r) for r in rows]}
    payload.update(extra)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_available(url: str = PG_URL) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def scratch_pg(prefix: str = "coach_bench") -> Iterator[str]:
    """A fresh PostgreSQL database (URL), dropped afterwards whatever happens."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The benchmarks send far more reports than a person could: they raise the limits on
# volume (bot/domain/limits.py) out of reach, so every report is checked but none refused.
NO_LIMITS = {
    "COACH_LIMIT_REPORTS_PER_MINUTE": "1000000000",
    "COACH_LIMIT_MINUTES_PER_DAY": "1000000000",
    "COACH_LIMIT_NEW_PROCESSES_PER_HOUR": "1000000000",
}
