"""What the parts of an import share: the kinds in order, their tables and links, the
report of an import and its context across kinds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Table

from reftrack import csvio
from reftrack.models import Advocate, Ask, FollowUp, NpsScore, Referral

KINDS = ("advocates", "asks", "referrals", "followups")  # the order that keeps links valid
CHUNK = 2000
MAX_ERRORS = 1000
_TABLES: dict[str, Any] = {
    "advocates": Advocate,
    "asks": Ask,
    "referrals": Referral,
    "followups": FollowUp,
}
LINKS: dict[str, dict[str, str]] = {
    "advocates": {"referred_by": "referrals"},
    "asks": {"advocate_id": "advocates"},
    "referrals": {"advocate_id": "advocates", "ask_id": "asks"},
    "followups": {"advocate_id": "advocates", "ask_id": "asks", "referral_id": "referrals"},
}
HINT = {"referred_by": " (`import all FOLDER` restores advocates with their referrals)"}
NOUN = {"advocates": "advocate", "asks": "ask", "referrals": "referral", "followups": "follow-up"}


def table_of(kind: str) -> Table:
    table: Table = _TABLES[kind].__table__
    return table


@dataclass
class Action:
    """What the import does (or would do) with one row."""

    verb: str  # insert, update, skip
    where: str
    kind: str
    id: int
    label: str
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    name: str
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    blank: int = 0
    bad_rows: int = 0
    errors: list[csvio.RowError] = field(default_factory=list)
    dry_run: bool = False

    def fail(self, errors: list[csvio.RowError]) -> None:
        self.bad_rows += 1
        self.errors.extend(errors[: max(0, MAX_ERRORS - len(self.errors))])


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class ImportContext:
    today: date
    on_action: Callable[[Action], None] | None = None
    defer_referred_by: bool = False
    owner: str | None = None  # new records of a file without an owner column are the importer's
    remap: dict[int, int] = field(default_factory=dict)  # advocate id in the file → in the db
    # --new-ids (merging into a database with records of its own): every record gets a new
    # id; these map the file's ask and referral ids to the new ones, so links follow.
    new_ids: bool = False
    moved: dict[str, dict[int, int]] = field(default_factory=lambda: {"asks": {}, "referrals": {}})
    deferred: list[tuple[str, int, int | None]] = field(default_factory=list)


def table_of_scores() -> Table:
    table: Table = NpsScore.__table__  # type: ignore[attr-defined]
    return table
