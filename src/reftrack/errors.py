"""One exception family for everything the user can get wrong.

The CLI converts these to one line on stderr and the exit code, in one place
(``reftrack.cli.main``); services only raise.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    OVERDUE = 3  # `due --exit-code`: something is overdue (not an error)
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT (128 + 2)


class ReftrackError(Exception):
    """A problem the user can fix; the message names the problem and the fix."""

    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(ReftrackError):
    pass


class AmbiguousError(ReftrackError):
    pass


class InvalidInputError(ReftrackError):
    pass


class RuleRefusedError(ReftrackError):
    """A rule (docs/rules.md) refused the action; ``--force`` overrides."""


class DatabaseError(ReftrackError):
    pass


class ConfigError(ReftrackError):
    pass


class NotYoursError(ReftrackError):
    """The record belongs to another salesperson (row-level security on a team database)."""
