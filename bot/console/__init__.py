"""`coach console`: the real app against a local stand-in for Slack, in the terminal.

Type what a person would do in Slack (``/manual-task ...``, ``@coach ...``, ``click 2``,
``react :zzz:``), switch who and where you are (``as @maria``, ``in #finance``) and move
the clock (``clock +7d``) to see nudges and digests. ``--script FILE`` runs the same
commands without a terminal and prints the transcript.

Example::

    run_console(load_settings(), script="examples/demo.txt", fresh=True)
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.config import Settings, safe_url
from bot.console import typed as c
from bot.console.actions import describe_time, execute
from bot.console.session import Playground
from bot.console.terminal import history, interrupts_to_the_main_thread, own_terminal
from bot.console.typed import ConsoleInputError
from bot.console.view import Printer, wants_colour

HELP = """\
What you can type (as the current person, in the current channel):
  /manual-task Reconcile payouts 45m   report manual work (/manual-task help for more)
  @coach spent 20 minutes on invoices  mention the bot; it answers in the thread
  as @maria                            be someone else (new names join the workspace)
  in #finance                          go to a channel (new names are created); in dm
  in #hr private                       …a new one made private (its reports stay private)
  click 2            click 2 on 5      press a button on what was shown last, or on [5]
  click 2 on home                      …on your App Home (type home first to see it)
  click 3 "no time"                    pick an option in a menu
  /manual-task assign P1 @maria        @name is that person, wherever a user is expected
  submit What="Reconcile" "How long"=45m   answer the open modal (labels or ids);
  submit                               …or, in a terminal, be asked field by field
  cancel                               close the open modal
  say the payouts broke again          post a message here as yourself (not to the bot)
  shortcut log       shortcut log on 5 "Log as manual work" on the last message here, or [5]
  shortcut report                      "Report manual work" from the ⚡ menu
  step log what="Run payroll" minutes=45 [who=@sam channel=#ops process=P1]
  step cost P1                         a workflow runs a Workflow Builder step
  react :white_check_mark:  (on 5)     react to the last bot message (✅ 🤖 :robot_face:
                                       💤 :zzz: ➕ :heavy_plus_sign:)
  clock              clock +3d  +2h    show the time, or move it, running the scheduled
  clock next mon 09:00                 jobs every hour on the way (nudges, digests)
  clock 2026-12-07 09:00               (times are in the current person's time zone;
                                       between commands it runs on with the wall clock)
  tz Asia/Tokyo      tz @sam UTC       set your (or someone's) Slack time zone
  home                                 open your App Home tab
  archive #ops   kick #ops            archive a channel; take the bot out of it
  deactivate @sam                      deactivate a person (what the jobs do then)
  clock start 2026-11-23 09:00         where a fresh console's clock starts (scripts)
  show 5             show P1           print message 5 again; /manual-task show P1
  save 12                              write the files on message 12 (a chart) here
  people                               who and where is who
  help               quit              this text; leave (Ctrl-D works too)"""

WELCOME = """\
Automation Coach console: the real bot, with a pretend Slack workspace on this machine.
People: @you, @maria, @sam and @alex (an admin). Channels: #general, #finance, #ops.
Try:  /manual-task Reconcile Stripe payouts 1h30m   then  click 1   then  clock +7d
Type help for everything, quit to leave. Data is kept in {database}."""


def run_console(
    settings: Settings,
    *,
    script: str | None = None,
    fresh: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    start: datetime | None = None,
) -> int:
    """Run the console; returns the exit status (1 when a script line was invalid)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = script is None and stdin.isatty()
    lines: Iterable[str] | None = None
    if script not in (None, "-"):
        try:
            lines = Path(str(script)).read_text(encoding="utf-8").splitlines()
        except OSError as err:
            print(f"coach console: cannot read {script}: {err.strerror}", file=sys.stderr)
            return 2
    elif not interactive:
        lines = stdin
    printer = Printer(stdout, colour=interactive and wants_colour(stdout))
    quiet_threads = interrupts_to_the_main_thread() if interactive else contextlib.nullcontext()
    with tempfile.TemporaryDirectory(prefix="coach-console-") as tmp, quiet_threads:
        if fresh:
            settings = replace(settings, database_url=f"sqlite:///{tmp}/coach.db")
        session = Playground(settings, printer, start=start, running=interactive)
        try:
            session.start()
        except Exception as err:
            print(f"coach console: could not start: {err}", file=sys.stderr)
            session.close()
            return 2
        try:
            if lines is not None:
                return run_script(session, lines)
            return run_interactive(session, stdin)
        finally:
            session.save()
            session.close()


def run_line(session: Playground, line: str, ask: c.Callable[[str], str] | None = None) -> bool:
    """Run one line; False when it asked to quit. Raises ConsoleInputError for bad input."""
    command = c.parse(line)
    if command is None:
        return True
    if isinstance(command, c.Quit):
        return False
    if isinstance(command, c.Help):
        session.printer.write(HELP)
        return True
    try:
        execute(session, command, ask)
    except ConsoleInputError:
        raise
    except Exception as err:  # a console bug must not end the session with a traceback
        session.flush()
        raise ConsoleInputError(f"That did not work: {type(err).__name__}: {err}") from None
    finally:
        session.save()  # the clock and the people, kept with the database (state.py)
    return True


def run_script(session: Playground, lines: Iterable[str]) -> int:
    """Run commands without a terminal, echoing each; 1 if any line was invalid."""
    status = 0
    printer = session.printer
    for raw in lines:
        line = raw.strip()
        if not line:
            printer.write()
            continue
        if line.startswith("#"):
            printer.comment(line)
            continue
        printer.echo(line)
        try:
            if not run_line(session, line):
                break
        except ConsoleInputError as err:
            printer.error(str(err))
            status = 1
    session.flush()
    return status


def run_interactive(session: Playground, stdin: TextIO) -> int:
    """The terminal loop: readline history and editing, a prompt saying who and where.
    Ctrl-C stops what is running (or clears the line); quit or Ctrl-D leaves, status 0."""
    printer = session.printer
    database = safe_url(session.settings.database_url)
    fresh = "coach-console-" in database
    if fresh:
        database = "a temporary database, gone when you quit (--fresh)"
    elif session.state_file is not None:
        database += f", the clock and the people in {session.state_file.name}"
    printer.write(printer.paint(WELCOME.format(database=database), "bold"))
    resumed = " (where the clock stopped last time)" if session.resumed else ""
    printer.note("it is " + describe_time(session, session.clock.now()) + resumed)
    with own_terminal(stdin), history():
        while True:
            prompt = printer.paint(
                f"{session.user.name} in {session.prompt_place()} › ", "cyan", "bold", prompt=True
            )
            try:
                line = input(prompt)
            except EOFError:
                printer.write()
                break
            except KeyboardInterrupt:
                printer.write()
                continue
            try:
                if not run_line(session, line, ask=input):
                    break
            except ConsoleInputError as err:
                printer.error(str(err))
            except KeyboardInterrupt as err:
                if not err.args:  # (the clock says itself where it stopped)
                    printer.write()
                    printer.note("interrupted")
    if fresh:
        printer.note("Bye: the temporary database goes with you.")
    else:
        when = describe_time(session, session.clock.now())
        printer.note(f"Bye: coach console carries on from here next time ({when}).")
    return 0
