"""Write requirements-run.lock: the packages of requirements.lock that running needs (the
project's dependencies and theirs, following pip-compile's `# via` notes), pinned exactly
as requirements.lock pins them. `make lock` runs it; `make run` installs what it wrote.

    python tools/run_lock.py
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# What running needs, pinned as requirements.lock pins it (`make lock` writes both)."


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def run_lock(lock: str, pyproject: str) -> str:
    """The run lock's text, from requirements.lock's and pyproject.toml's."""
    pins: dict[str, str] = {}
    parents: dict[str, set[str]] = {}
    current = None
    for line in lock.splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.\-]+)(\[.*\])?==", line)
        if pinned:
            current = _name(pinned.group(1))
            pins[current], parents[current] = line, set()
        elif current and line.strip().startswith("#"):
            note = line.strip().lstrip("#").strip()
            note = note[3:].strip() if note.startswith("via") else note
            if note and not note.startswith("("):
                parents[current].add(_name(note.split()[0]))
    deps = tomllib.loads(pyproject)["project"]["dependencies"]
    needed = {_name(re.split(r"[\[<>=!~; ]", dep, maxsplit=1)[0]) for dep in deps}
    missing = needed - pins.keys()
    if missing:
        raise SystemExit(f"requirements.lock pins none of {sorted(missing)}: run make lock")
    grew = True
    while grew:
        grew = False
        for pkg, via in parents.items():
            if pkg not in needed and via & needed:
                needed.add(pkg)
                grew = True
    return "\n".join([HEADER, "", *(pins[p] for p in sorted(needed))]) + "\n"


if __name__ == "__main__":
    text = run_lock((ROOT / "requirements.lock").read_text(), (ROOT / "pyproject.toml").read_text())
    (ROOT / "requirements-run.lock").write_text(text)
