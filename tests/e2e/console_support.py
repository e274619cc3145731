"""What the console printed after one command, for transcript tests (the `console`
fixture they drive is in tests/e2e/conftest.py)."""

from __future__ import annotations


def section(transcript: str, command: str) -> str:
    """What the console printed after ``> command`` up to the next command."""
    start = transcript.index(f"> {command}\n")
    rest = transcript[start + len(command) + 3 :]
    end = rest.find("\n> ")
    return rest if end < 0 else rest[:end]
