"""reftrack: a command-line referral tracker for a salesperson who works alone."""

from typing import Any


def __getattr__(name: str) -> Any:
    # importlib.metadata costs ~25 ms to import; only `--version` needs it, so it is looked
    # up on first use rather than on every command.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("reftrack")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'reftrack' has no attribute {name!r}")
