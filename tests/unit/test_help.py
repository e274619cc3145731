"""Help and Home list every command there is: the words come from the parser's own table
(bot/domain/parsing.py) and the reactions from their enum, so a new subcommand that help
doesn't mention fails here."""

from __future__ import annotations

import re
from pathlib import Path

from bot.domain import parsing
from bot.domain.arguments import CADENCES, DigestWord
from bot.messages import help
from bot.messages.home import HomePage, home_view
from bot.services.reactions import Reaction
from tests.hostile import mrkdwn_texts

# The parser's own tables of first words (aliases too): nothing copied here.
COMMAND_WORDS = frozenset(parsing._NO_ARGS) | frozenset(parsing._WITH_ARGS)


def _mentions(text: str, *words: str) -> bool:
    """`text` shows the command typed as `words…` (in backticks, maybe with arguments)."""
    return re.search("`" + re.escape(" ".join(words)) + r"[` ]", text) is not None


def _home_text() -> str:
    page = HomePage("U_ANA", [], 0, [], [], 0.0, 0)
    return "\n".join(mrkdwn_texts(home_view(page)["blocks"]))


def test_help_and_home_name_every_word_the_parser_knows() -> None:
    texts = {"help": help.help_text(), "home": _home_text()}
    assert {"list", "show", "digest", "forget", "config", "?"} <= COMMAND_WORDS
    for where, text in texts.items():
        missing = [w for w in sorted(COMMAND_WORDS) if not _mentions(text, w)]
        assert not missing, f"{where} doesn't mention {missing}"
        for word in DigestWord:
            assert _mentions(text, "digest", word), (where, word)
    assert set(CADENCES.values()) <= {"daily", "weekly"}
    assert all(_mentions(help.help_text(), "digest here", c) for c in ("daily", "weekly"))


def test_help_names_every_reaction_and_the_other_ways_in() -> None:
    text = help.help_text()
    for reaction in Reaction:
        assert f":{reaction.value}:" in text, reaction
    for surface in ("@coach", "Home tab", "`/manual-task` alone opens a form", "digests"):
        assert surface in text


def test_help_and_home_name_every_shortcut_and_workflow_step() -> None:
    """The new ways to report, by the names Slack shows (manifest.yml)."""
    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    names = [s["name"] for s in manifest["features"]["shortcuts"]]
    steps = [f["title"] for f in manifest["functions"].values()]
    home = str(help.command_list())
    for name in names + steps:
        assert f"*{name}*" in help.help_text(), name
    for name in [*names, steps[0]]:
        assert f"*{name}*" in home, name


def test_help_lists_nothing_the_parser_doesnt_know() -> None:
    for command in help.COMMANDS:
        for typed in (command.usage, *command.aliases):
            first = typed.split()[0]
            assert first in COMMAND_WORDS or first == "Pn", typed  # "P7" alone: a peek
            example = typed.replace("@maria", "<@U0MARIA>").replace("https://…", "https://x.io/1")
            parsed = parsing.parse_command(example.replace("Pn", "P1").replace("Pm", "P2"))
            assert type(parsed).__name__ not in ("Report", "DidYouMean"), typed
