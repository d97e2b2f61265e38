"""The import engine behind ``services.transfer``: one kind into an open transaction.

Rows come in chunks; each chunk resolves advocate names, checks that every link points at
a record, loads the records it may match (by id; advocates also by e-mail and by name +
company, from key maps kept for the whole import), then writes its inserts and updates
with ``executemany``. Nothing here commits or rolls back: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.engine import Connection

from reftrack import csvio
from reftrack.csvio_fields import defaults
from reftrack.models import Advocate, Ask, FollowUp, NpsScore, Referral, utcnow
from reftrack.services.transfer_keys import (
    AdvocateKeys,
    Claimed,
    Key,
    Marks,
    email_key,
    name_key,
)
from reftrack.services.transfer_lane import FastLane
from reftrack.services.transfer_write import TableWriter

KINDS = ("advocates", "asks", "referrals", "followups")  # the order that keeps links valid
CHUNK = 2000
MAX_ERRORS = 1000
_TABLES: dict[str, Any] = {
    "advocates": Advocate,
    "asks": Ask,
    "referrals": Referral,
    "followups": FollowUp,
}
_LINKS: dict[str, dict[str, str]] = {
    "advocates": {"referred_by": "referrals"},
    "asks": {"advocate_id": "advocates"},
    "referrals": {"advocate_id": "advocates", "ask_id": "asks"},
    "followups": {"advocate_id": "advocates", "ask_id": "asks", "referral_id": "referrals"},
}
_HINT = {"referred_by": " (`import all FOLDER` restores advocates with their referrals)"}
_NOUN = {"advocates": "advocate", "asks": "ask", "referrals": "referral", "followups": "follow-up"}


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


def _label(kind: str, state: Mapping[str, Any]) -> str:
    if kind == "advocates":
        return str(state.get("name"))
    if kind == "asks":
        return f"advocate #{state.get('advocate_id')} on {state.get('asked_on')}"
    if kind == "referrals":
        return str(state.get("prospect"))
    return f"{state.get('kind')} due {state.get('due_on')}"


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


class Importer:
    """One kind into one open transaction, chunk by chunk."""

    def __init__(
        self,
        connection: Connection,
        kind: str,
        report: ImportReport,
        context: ImportContext,
        *,
        canonical: bool,
        has_owner_column: bool = False,
    ) -> None:
        self.connection, self.kind, self.report, self.context = connection, kind, report, context
        self.table = table_of(kind)
        self.canonical = canonical
        self.has_owner_column = has_owner_column  # then a blank owner is restored as blank
        self.defaults = defaults(kind)
        self.next_id = (connection.execute(select(func.max(self.table.c.id))).scalar() or 0) + 1
        self.claimed = Claimed()  # records a row with an id was matched to or became
        self.writer = TableWriter(connection, self.table)
        self.scores = TableWriter(connection, table_of_scores())
        self.keys = AdvocateKeys(connection, self.table) if kind == "advocates" else None

    def _remember(self, record_id: int, state: Mapping[Any, Any]) -> None:
        if self.keys is not None:
            name, company = state.get("name"), state.get("company")
            self.keys.remember(record_id, state.get("email"), name, company)

    def run(self, table: csvio.Table, progress: Callable[[], None] | None) -> None:
        lane = FastLane.open(self, table)
        for lines in table.chunks(CHUNK):
            if lane is not None:
                items = lane.take(lines)
            else:
                converted = (table.convert_row(line, cells) for line, cells in lines)
                items = [item for item in converted if item is not None]
            if items is not None:
                self._general(items)
            if progress is not None:
                progress()
        if lane is not None:
            lane.finish()

    def _general(self, items: list[csvio.Record | csvio.BadRow]) -> None:
        """One chunk, row by row: matched, compared, then inserted or updated."""
        good: list[csvio.Record] = []
        for item in items:
            if isinstance(item, csvio.BadRow):
                self.report.fail(item.errors)
            else:
                good.append(item)
        good = self._resolve_advocates(good)
        good = self._follow_moved_links(good)
        good = self._check_links(good)
        self._apply(good)

    def keys_unseen(self, keys: list[Key]) -> Marks | None:
        """Fingerprints of the keys if none is in the database or this import so far, and
        none repeats; else None."""
        assert self.keys is not None
        return self.keys.unseen(keys)

    def keys_seen(self, marks: Marks) -> None:
        if self.keys is not None:
            self.keys.add_marks(marks)

    def _resolve_advocates(self, rows: list[csvio.Record]) -> list[csvio.Record]:
        """advocate_id from the file (renumbered by ``import all``), else by the name beside it."""
        if self.kind == "advocates":
            return rows
        wanted = {
            r.advocate_name.casefold()
            for r in rows
            if r.values.get("advocate_id") is None and r.advocate_name
        }
        named: dict[str, list[int]] = {}
        if wanted:
            advocate = table_of("advocates")
            query = select(advocate.c.id, advocate.c.name).where(
                func.lower(advocate.c.name).in_(wanted)
            )
            for row in self.connection.execute(query.order_by(advocate.c.id)):
                named.setdefault(row.name.casefold(), []).append(row.id)
        kept = []
        for record in rows:
            given = record.values.get("advocate_id")
            if given is not None:
                record.values["advocate_id"] = self.context.remap.get(given, given)
            elif record.advocate_name:
                ids = named.get(record.advocate_name.casefold(), [])
                if len(ids) != 1:
                    why = (
                        (
                            "several advocates have this name ("
                            + ", ".join(f"#{i}" for i in ids)
                            + "); give advocate_id"
                        )
                        if ids
                        else "there is no advocate of this name"
                    )
                    self.report.fail(
                        [
                            csvio.RowError(
                                record.where, "advocate", f"{record.advocate_name!r}: {why}"
                            )
                        ]
                    )
                    continue
                record.values["advocate_id"] = ids[0]
            elif self.kind != "followups":
                self.report.fail(
                    [
                        csvio.RowError(
                            record.where, "advocate_id", "is empty; every row needs its advocate"
                        )
                    ]
                )
                continue
            kept.append(record)
        return kept

    def _follow_moved_links(self, rows: list[csvio.Record]) -> list[csvio.Record]:
        """With new ids, a link to an ask or referral follows it to its new id."""
        if not self.context.new_ids:
            return rows
        kept = []
        for record in rows:
            errors = []
            for column, kind in _LINKS[self.kind].items():
                given = record.values.get(column)
                deferred = column == "referred_by" and self.context.defer_referred_by
                if given is None or kind not in self.context.moved or deferred:
                    continue  # (a deferred referred_by follows in link_referrers)
                if given not in self.context.moved[kind]:
                    errors.append(
                        csvio.RowError(
                            record.where,
                            column,
                            f"{_NOUN[kind]} #{given} is not in this import; "
                            "--new-ids needs the whole history (export all)",
                        )
                    )
                else:
                    record.values[column] = self.context.moved[kind][given]
            if errors:
                self.report.fail(errors)
            else:
                kept.append(record)
        return kept

    def _check_links(self, rows: list[csvio.Record]) -> list[csvio.Record]:
        """Every id a row points at must exist (in the database or earlier in this import)."""
        links = dict(_LINKS[self.kind])
        if self.context.defer_referred_by:
            links.pop("referred_by", None)
        missing: set[tuple[str, int]] = set()
        for column, kind in links.items():
            ids = {r.values[column] for r in rows if r.values.get(column) is not None}
            if ids:
                table = table_of(kind)
                found = set(
                    self.connection.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars()
                )
                missing |= {(column, i) for i in ids - found}
        if not missing:
            return rows
        kept = []
        for record in rows:
            errors = [
                csvio.RowError(
                    record.where,
                    column,
                    f"there is no {_NOUN[links[column]]} #{record.values[column]}"
                    + _HINT.get(column, ""),
                )
                for column in links
                if (column, record.values.get(column)) in missing
            ]
            if errors:
                self.report.fail(errors)
            else:
                kept.append(record)
        return kept

    def _match(self, record: csvio.Record, state: dict[int, dict[str, Any]]) -> int | None:
        given = record.values.get("id")
        if given is not None and given in state and not self.context.new_ids:
            return int(given)
        if self.keys is None:
            return None
        values = record.values
        found = self.keys.get(email_key(values.get("email")))
        if found is None:
            found = self.keys.get(name_key(values.get("name"), values.get("company")))
        if found is not None and given is not None and found in self.claimed:
            return None  # another row of this file is that record: two namesakes, both kept
        return found

    def _load(self, rows: list[csvio.Record]) -> dict[int, dict[str, Any]]:
        """The current state of every record this chunk may touch."""
        ids = (
            set()
            if self.context.new_ids
            else {r.values["id"] for r in rows if r.values.get("id") is not None}
        )
        if self.keys is not None:
            self.keys.prepare(_keys_of(rows))
            for record in rows:
                target = self._match(record, {})
                if target is not None:
                    ids.add(target)
        if not ids:
            return {}
        query = select(self.table).where(self.table.c.id.in_(ids))
        return {row.id: dict(row._mapping) for row in self.connection.execute(query)}

    def _apply(self, rows: list[csvio.Record]) -> None:
        state = self._load(rows)
        inserts: dict[int, dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        scores: list[dict[str, Any]] = []
        now = utcnow()
        for record in rows:
            target = self._match(record, state)
            incoming = dict(record.values)
            if self.canonical:
                incoming = {**record.blanks, **incoming}
            file_id = incoming.pop("id", None)
            referred = self._defer(incoming)
            if file_id is not None and target is not None:
                self.claimed.add(target)
            if target is None:
                new_id = file_id is None or self.context.new_ids
                target = self.next_id if new_id else file_id
                self.next_id = max(self.next_id, target + 1)
                if file_id is not None and self.context.new_ids:
                    if self.kind == "advocates":
                        self.context.remap[file_id] = target
                    elif self.kind in self.context.moved:
                        self.context.moved[self.kind][file_id] = target
                new = {
                    **self.defaults,
                    **record.blanks,
                    **incoming,
                    "id": target,
                    "created_at": now,
                    "updated_at": now,
                }
                if referred is not None:
                    new["referred_by"] = None
                if not self.has_owner_column or (self.context.new_ids and new.get("owner") is None):
                    new["owner"] = self.context.owner
                state[target] = inserts[target] = new
                if file_id is not None:
                    self.claimed.add(target)
                self._done(record, "insert", new, list(incoming), referred, scores)
                continue
            if file_id is not None and file_id != target and self.kind == "advocates":
                self.context.remap[file_id] = target
            current = state[target]
            changed = [k for k, v in incoming.items() if current.get(k) != v]
            current.update({k: incoming[k] for k in changed})
            if changed:
                current["updated_at"] = now
                if target not in inserts:
                    updates[target] = current
            self._done(record, "update" if changed else "skip", current, changed, referred, scores)
        self._write(inserts, updates, scores)

    def _defer(self, incoming: dict[str, Any]) -> int | bool | None:
        """``import all`` links advocates to referrals after the referrals are in."""
        if not self.context.defer_referred_by or "referred_by" not in incoming:
            return None
        value: int | None = incoming.pop("referred_by")
        return value if value is not None else False

    def _done(
        self,
        record: csvio.Record,
        verb: str,
        state: dict[str, Any],
        changed: list[str],
        referred: int | bool | None,
        scores: list[dict[str, Any]],
    ) -> None:
        if referred is not None:
            wanted = None if referred is False else int(referred)
            if wanted != state.get("referred_by"):
                self.context.deferred.append((record.where, state["id"], wanted))
                if verb == "skip":
                    verb, changed = "update", ["referred_by"]
        if verb == "skip":
            self.report.skipped += 1
        elif verb == "insert":
            self.report.inserted += 1
        else:
            self.report.updated += 1
        self._remember(state["id"], state)
        if (
            self.kind == "advocates"
            and state.get("nps") is not None
            and (verb == "insert" or {"nps", "nps_on"} & set(changed))
        ):
            scores.append(
                {
                    "advocate_id": state["id"],
                    "score": state["nps"],
                    "scored_on": state.get("nps_on") or self.context.today,
                    "created_at": utcnow(),
                }
            )
        if self.context.on_action is not None:
            self.context.on_action(
                Action(
                    verb, record.where, self.kind, state["id"], _label(self.kind, state), changed
                )
            )

    def _write(
        self,
        inserts: dict[int, dict[str, Any]],
        updates: dict[int, dict[str, Any]],
        scores: list[dict[str, Any]],
    ) -> None:
        self.writer.insert(list(inserts.values()))
        self.writer.update(updates)
        self.scores.insert(scores)


def _keys_of(rows: list[csvio.Record]) -> Iterator[tuple[Key | None, str | None]]:
    for record in rows:
        values = record.values
        email, name = values.get("email"), values.get("name")
        yield email_key(email), email
        yield name_key(name, values.get("company")), None if name is None else str(name)


def table_of_scores() -> Table:
    table: Table = NpsScore.__table__  # type: ignore[attr-defined]
    return table


def link_referrers(connection: Connection, context: ImportContext, report: ImportReport) -> None:
    """Set advocate.referred_by once the referrals exist (``import all``)."""
    referral = table_of("referrals")
    if context.new_ids:  # the file's referral ids became new ones
        moved, kept = context.moved["referrals"], []
        for where, advocate_id, wanted in context.deferred:
            if wanted is not None and wanted not in moved:
                message = f"referral #{wanted} is not in this import"
                report.fail([csvio.RowError(where, "referred_by", message)])
            else:
                kept.append((where, advocate_id, moved.get(wanted) if wanted else None))
        context.deferred = kept
    for chunk in chunks(context.deferred, CHUNK):
        ids = {wanted for _, _, wanted in chunk if wanted is not None}
        found = (
            set(connection.execute(select(referral.c.id).where(referral.c.id.in_(ids))).scalars())
            if ids
            else set()
        )
        rows = []
        for where, advocate_id, wanted in chunk:
            if wanted is not None and wanted not in found:
                report.fail(
                    [csvio.RowError(where, "referred_by", f"there is no referral #{wanted}")]
                )
            else:
                rows.append({"b_id": advocate_id, "referred_by": wanted})
        if rows:
            advocate = table_of("advocates")
            statement = advocate.update().where(advocate.c.id == bindparam("b_id"))
            connection.execute(statement, rows)
