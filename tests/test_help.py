"""Every command has help text with an example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer._click.core import Context  # Typer bundles its own Click
from typer.core import TyperGroup

from reftrack.cli.main import app


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command below ``command``, through Click's own API (the root loads lazily)."""
    yield path, command
    if isinstance(command, TyperGroup):
        context = Context(command)
        for name in sorted(command.list_commands(context)):
            yield from walk(command.get_command(context, name), (*path, name))


TREE = list(walk(typer.main.get_command(app)))
GROUPS = [path for path, command in TREE if isinstance(command, TyperGroup)]
COMMANDS = [path for path, command in TREE if not isinstance(command, TyperGroup)]
COMMAND_OF = dict(TREE)


def test_the_tree_has_every_noun_and_verb() -> None:
    """Guards the walk itself: if it found nothing, the tests below would pass vacuously."""
    assert ("advocate",) in GROUPS and ("followup",) in GROUPS
    for path in [
        ("advocate", "add"),
        ("advocate", "archive"),
        ("ask", "outcome"),
        ("referral", "move"),
        ("followup", "snooze"),
        ("due",),
    ]:
        assert path in COMMANDS, path
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "reftrack")
def test_groups_have_help(cli: Any, path: tuple[str, ...]) -> None:
    command = COMMAND_OF[path]
    assert (command.help or "").strip()
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" in result.stdout
    for name in command.list_commands(Context(command)):
        assert name in result.stdout


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_commands_have_help_with_an_example(cli: Any, path: tuple[str, ...]) -> None:
    command = COMMAND_OF[path]
    assert (command.help or "").strip(), "no help text"
    assert "Example" in command.help
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Example" in result.stdout
    assert f"reftrack {' '.join(path)}" in result.stdout  # the example names the command
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_has_help(path: tuple[str, ...]) -> None:
    for param in COMMAND_OF[path].params:
        if getattr(param, "hidden", False) or param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{param.name} has no help"


def test_short_help_flag(cli: Any) -> None:
    result = cli("advocate", "add", "-h")
    assert result.exit_code == 0, result.stderr
    assert "Example" in result.stdout


def test_no_arguments_shows_help(cli: Any) -> None:
    result = cli()
    assert "Usage:" in result.stdout + result.stderr
    assert "advocate" in result.stdout + result.stderr


def test_a_mistyped_command_gets_suggestions(cli: Any) -> None:
    """The root builds its commands lazily: the suggestions still come from all of them."""
    result = cli("advocat")
    assert result.exit_code == 2
    assert "Did you mean 'advocate'" in result.stderr
