"""Command-line values converted without pydantic, when that is as good as Typer's way.

Typer (≥ 0.26) converts every parameter's value with a pydantic ``TypeAdapter``, built the
first time the parameter is processed, even for a value it only passes on (a ``str``, a
default): importing pydantic and building the adapters is ~100 ms, a third of a command
such as `due` (docs/performance.md). Our parameters are strings, whole numbers, flags,
choices (enums) and lists of strings, whose successful conversion is plain: ``Plain`` does that
much itself, and hands every other value (a wrong number, an unknown choice, a bound
missed) to the adapter Typer would have used, so each error reads exactly as Typer's.
A parameter of any other type keeps Typer's own conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice

_WHOLE = re.compile(r"-?[0-9]+")
_UNSURE = object()  # Plain cannot tell: Typer's adapter converts (or explains the error)


def _number(value: Any, info: Any) -> Any:
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        value = int(value)
    elif isinstance(value, bool) or not isinstance(value, int):
        return _UNSURE
    low, high = info.min, info.max
    if (low is not None and value < low) or (high is not None and value > high):
        return _UNSURE
    return value


def _leaf(annotation: Any, value: Any, info: Any) -> Any:
    if annotation in (str, bool):  # a flag's None (not given) never gets here
        return value if isinstance(value, annotation) else _UNSURE
    if annotation is int:
        return _number(value, info)
    try:  # an enum: the member itself (a default), or its value as typed
        return coerce_cli_choice(
            value, choices=list(annotation), case_sensitive=info.case_sensitive
        )
    except ValueError:
        return _UNSURE


def _convert(annotation: Any, value: Any, info: Any) -> Any:
    if get_origin(annotation) is list:
        if not isinstance(value, (list, tuple)):
            return _UNSURE
        items = [_leaf(get_args(annotation)[0], item, info) for item in value]
        return _UNSURE if any(item is _UNSURE for item in items) else items
    return _leaf(annotation, value, info)


def _plain_type(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation) or (None,)
    return annotation in (str, int, bool) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    )


@dataclass(frozen=True)
class Plain(RuntimeParam):
    """Typer's conversion of one parameter, done without pydantic where it succeeds."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        converted = _convert(self.annotation, value, self.parameter_info)
        if converted is not _UNSURE:
            return converted
        typer_own = build_runtime_param(param.type_descriptor)
        return typer_own._coerce_value(value, param=param, ctx=ctx)


def lighten(command: Any, ctx: Any = None) -> None:
    """Give the plain parameters of ``command`` and of every command below it ``Plain``;
    with ``ctx``, their help options too (Click makes those on first use)."""
    for param in getattr(command, "params", ()):
        lighten_one(param)
    if ctx is not None and hasattr(command, "get_help_option"):
        lighten_one(command.get_help_option(ctx))
    for sub in getattr(command, "commands", {}).values():
        lighten(sub, ctx)


def lighten_one(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", True) is not None:
        return  # not a Typer parameter, or its conversion is already made
    info = descriptor.parameter_info
    if not (descriptor.is_file or info.parser or info.clamp) and _plain_type(descriptor.annotation):
        param._runtime_param = Plain(annotation=descriptor.annotation, parameter_info=info)
