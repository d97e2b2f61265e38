"""cli/params.py converts plain values without pydantic; for every parameter of every
command and a spread of values (good, bad, at the bounds, the defaults) its answer is
Typer's own: the same value, or the same error."""

from __future__ import annotations

from typing import Any

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from reftrack.cli import main, params

VALUES: list[Any] = [
    "5", "0", "-1", "-0", "007", " 5", "5 ", "5.0", "1e3", "1_000", "٣", "x", "", "true",
    "table", "json", "JSON", "promoter", "won", "new", "month", 10, 0, -4, True, False, 2.5,
    ("a", "b"), ["x"], (), ("5", "x"),
]  # fmt: skip


def plain_params() -> list[tuple[str, Any, Any]]:
    commands = main._build(main.COMMAND_MODULES.values())
    found = []

    def walk(path: str, command: Any) -> None:
        params.lighten(command)
        for param in command.params:
            if isinstance(getattr(param, "_runtime_param", None), params.Plain):
                found.append((f"{path} {param.name}", command, param))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{path} {name}", sub)

    for name, command in commands.items():
        walk(name, command)
    return found


PLAIN = plain_params()


def outcome(convert: Any, value: Any, param: Any, ctx: Context) -> Any:
    try:
        return ("value", convert(value, param=param, ctx=ctx))
    except BadParameter as error:
        return ("error", error.format_message())


def test_the_walk_finds_the_plain_parameters() -> None:
    names = {name for name, _, _ in PLAIN}
    assert {"due fmt", "next limit", "search words", "advocate list segment"} <= names
    assert len(PLAIN) > 100


@pytest.mark.parametrize(("name", "command", "param"), PLAIN, ids=[n for n, _, _ in PLAIN])
def test_plain_converts_as_typer_does(name: str, command: Any, param: Any) -> None:
    ctx = Context(command)
    typer_own = build_runtime_param(param.type_descriptor)
    for value in [*VALUES, param.default]:
        ours = outcome(param._runtime_param.coerce, value, param, ctx)
        theirs = outcome(typer_own.coerce, value, param, ctx)
        assert ours == theirs, (name, value)
        assert type(ours[1]) is type(theirs[1]), (name, value)
