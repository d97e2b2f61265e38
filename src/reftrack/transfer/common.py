"""What the parts of an import share: the kinds in order (from ``records.KINDS``), their
tables and links, the report of an import and its context across kinds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

from reftrack import records
from reftrack.db_security import Identity
from reftrack.files import tables
from reftrack.journal.record import Collector
from reftrack.models import NpsScore

KINDS = tuple(records.KINDS)  # the order that keeps links valid
MAX_ERRORS = 1000
LINKS: dict[str, Mapping[str, str]] = {name: kind.links for name, kind in records.KINDS.items()}
HINT = {"referred_by": " (`import all FOLDER` restores advocates with their referrals)"}
NOUN = {name: kind.noun for name, kind in records.KINDS.items()}


def table_of(kind: str) -> Table:
    return SQLModel.metadata.tables[records.KINDS[kind].table]


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
    named: dict[str, int] = field(default_factory=dict)  # nameless rows named from: how many
    bad_rows: int = 0
    errors: list[tables.RowError] = field(default_factory=list)
    dry_run: bool = False

    def fail(self, errors: list[tables.RowError]) -> None:
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
    # On PostgreSQL, the role importing: only its own records may be written (row security)
    identity: Identity | None = None
    remap: dict[int, int] = field(default_factory=dict)  # advocate id in the file → in the db
    # --new-ids (merging into a database with records of its own): every record gets a new
    # id; these map the file's ask and referral ids to the new ones, so links follow.
    new_ids: bool = False
    moved: dict[str, dict[int, int]] = field(
        default_factory=lambda: {"asks": {}, "referrals": {}, "targets": {}}
    )
    deferred: list[tuple[str, int, int | None]] = field(default_factory=list)
    # asks' targets in `import all` (records.DEFERRED): (where, ask id, target id)
    deferred_targets: list[tuple[str, int, int]] = field(default_factory=list)
    # an advocate's new NPS is also a row of its history, unless the file brings the history
    # itself (`import all` of a folder with scores.csv)
    derive_scores: bool = True
    # the change journal of the import's session (`reftrack undo` reverses an import)
    journal: Collector | None = None


def table_of_scores() -> Table:
    return SQLModel.metadata.tables[NpsScore.__tablename__]
