"""The progress bar of a long import, on stderr (only when stderr is a terminal)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from reftrack import render


def byte_progress(stack: ExitStack, done: Callable[[], int], total: int) -> Callable[[], None]:
    """A bar over ``total`` bytes (unknown: 0), open until ``stack`` closes; the function
    returned moves it to ``done()``."""
    from rich.progress import Progress

    progress = stack.enter_context(Progress(console=render.err(), transient=True))
    task = progress.add_task("importing", total=total or None)

    def advance() -> None:
        progress.update(task, completed=done())

    return advance
