"""How the console prints what the app showed besides messages: modals, their errors,
the files on a message (the start of a CSV; for a chart, how to save it)."""

from __future__ import annotations

from typing import Protocol

from bot.console.targets import Shown, modal_key
from bot.console.view import Printer, emoji, label_channels
from bot.standin.fakeslack import FakeSlack, Message, UploadedFile, View
from bot.standin.fakeslack.functions import Execution
from bot.standin.render import render_view
from bot.standin.simulator.steps import STEPS


class Playground(Protocol):
    """What printing needs of the console's session (bot/console/session.py)."""

    printer: Printer
    fake: FakeSlack
    shown: Shown

    def name_of(self, user_id: str) -> str | None: ...
    def channel_name(self, channel_id: str) -> str | None: ...
    def number(self, message: Message) -> int | None: ...


TEXT_FILES = (".csv", ".txt", ".md")
_VERBS = {"view.opened": "opened", "view.pushed": "opened", "view.updated": "changed"}


def show_view(session: Playground, kind: str, view: View) -> None:
    """A modal opened, changed or refused its answer; a Home tab published (a note)."""
    who = session.name_of(view.user) or view.user
    if view.kind == "home":
        if kind == "view.published":  # (an update of it is the same publish)
            session.printer.note(f"@coach updated @{who}'s App Home (type home to see it)")
        return
    if kind == "view.closed":
        return  # the person closed it (submit or cancel): nothing to show
    if kind == "view.errors":
        labels = {
            str(block.get("block_id")): (block.get("label") or {}).get("text")
            for block in view.view.get("blocks", [])
            if block.get("type") == "input"
        }
        for field, problem in (view.errors or {}).items():
            session.printer.error(f"{labels.get(field) or field}: {problem}")
        return
    header = f"▣ @coach {_VERBS.get(kind, 'shows')} a modal for @{who}"
    session.printer.card(header, view_lines(session, view), style="magenta")
    session.shown.saw(modal_key(view.id), view.blocks)
    if kind != "view.updated":
        session.printer.note("answer with submit field=value … (or submit alone), or cancel")


def view_lines(session: Playground, view: View) -> list[str]:
    shown = label_channels(view.view, session.channel_name)
    return [emoji(line) for line in render_view(shown, names=session.name_of)]


def show_file(session: Playground, upload: UploadedFile) -> None:
    if upload.shared:
        return  # shown with the message that carries it
    session.printer.note(f"@coach uploaded {upload.filename} without sharing it anywhere")


def files_of(session: Playground, message: Message) -> list[UploadedFile]:
    return [f for f in session.fake.files if f.id in message.files]


def file_lines(session: Playground, message: Message) -> list[str]:
    """``📎 chart.png (27 KB)`` for each file on a message; the start of text files, and
    for others (a chart) the command that saves it to a file."""
    lines: list[str] = []
    number = session.number(message)
    for upload in files_of(session, message):
        size = upload.length or len(upload.content)
        lines.append(f"📎 {upload.title or upload.filename} ({max(1, size // 1024)} KB)")
        if upload.filename.endswith(TEXT_FILES):
            text = upload.content.decode("utf-8", errors="replace").splitlines()
            lines.extend("   " + line for line in text[:6])
            if len(text) > 6:
                lines.append(f"   …{len(text) - 6} more lines")
        elif number is not None:
            lines.append(f"   (save {number} writes it to a file you can open)")
    return lines


def show_run(session: Playground, run: Execution) -> None:
    """How a Workflow Builder step's run ended, as the workflow sees it: its outputs, or
    its error (console/anywhere.py runs them)."""
    title = STEPS.get(run.callback_id, {}).get("title", run.callback_id)
    if run.state == "completed":
        lines = [f"{key}: {value}" for key, value in (run.outputs or {}).items()]
        session.printer.card(f"⚙ step “{title}” completed; its outputs:", lines, style="cyan")
    else:
        session.printer.card(f"⚙ step “{title}” failed:", [run.error or ""], style="yellow")
