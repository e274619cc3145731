"""The one error a console line can raise."""

from __future__ import annotations


class ConsoleInputError(ValueError):
    """A console line that cannot be understood; the message is one friendly line."""
