"""reftrack: a command-line referral tracker for a salesperson who works alone."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reftrack")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
