"""A CSV of business volumes, one month a row, as `coach volume import FILE.csv` reads it:
a header `month,amount,unit`, then rows like `2026-11,12000,orders`. Every row is checked
before anything is stored; one bad row refuses the file, saying which line and why.

    >>> rows, errors = parse_volume_csv("month,amount,unit\\n2026-11,12000,orders\\n")
    >>> rows[0].month, rows[0].amount, rows[0].unit, errors
    (datetime.date(2026, 11, 1), 12000.0, 'orders', [])
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from bot.domain.growth import parse_month

MAX_ROWS = 1200  # a century of months
MAX_UNIT = 40
HEADER = ["month", "amount", "unit"]


@dataclass(frozen=True)
class VolumeRow:
    month: date
    amount: float
    unit: str


def _row(line: int, cells: list[str]) -> tuple[VolumeRow | None, str | None]:
    if len(cells) not in (2, 3):
        return None, f"line {line}: expected month,amount,unit"
    month = parse_month(cells[0])
    if month is None:
        return None, f"line {line}: {cells[0][:20]!r} isn't a month like 2026-11"
    try:
        amount = float(cells[1].strip().replace(",", "").replace("_", ""))
    except ValueError:
        amount = -1.0
    if not math.isfinite(amount) or not 0 < amount <= 1e12:
        return None, f"line {line}: {cells[1][:20]!r} isn't a volume above 0"
    unit = (cells[2] if len(cells) == 3 else "").strip() or "units"
    if len(unit) > MAX_UNIT:
        return None, f"line {line}: the unit is longer than {MAX_UNIT} characters"
    return VolumeRow(month, amount, unit), None


def parse_volume_csv(text: str) -> tuple[list[VolumeRow], list[str]]:
    """(rows, []) when every row is good, else ([], what is wrong, line by line). A month
    given twice is refused: which one counts would be a guess."""
    reader = enumerate(csv.reader(io.StringIO(text)), start=1)
    body = [(n, r) for n, r in reader if any(c.strip() for c in r)]
    if not body or [c.strip().lower() for c in body[0][1]][:3] not in (HEADER, HEADER[:2]):
        return [], ["the first line must be the header month,amount,unit"]
    if len(body) - 1 > MAX_ROWS:
        return [], [f"at most {MAX_ROWS} rows"]
    rows: list[VolumeRow] = []
    errors: list[str] = []
    seen: set[date] = set()
    for line, cells in body[1:]:
        row, error = _row(line, cells)
        if error is not None:
            errors.append(error)
        elif row is not None and row.month in seen:
            errors.append(f"line {line}: {row.month:%Y-%m} is given twice")
        elif row is not None:
            seen.add(row.month)
            rows.append(row)
    if not rows and not errors:
        errors.append("no rows under the header")
    return ([], errors) if errors else (rows, [])
