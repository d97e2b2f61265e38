"""The fast lane of an import on SQLite: whole chunks of clean, new records at once.

Most large imports are a new book: every row a new record, every link pointing at a
record that exists. For such a chunk nothing needs matching, loading or comparing, so the
lane converts each row with the file's compiled row function (``rowcode``),
checks what makes a row new — its id above every id so far, an advocate's e-mail and name
+ company certainly unseen (the import's filter of keys), its links present — and writes
the tuples with one ``executemany``. One row that is anything else (an update, a match, a
bad cell, a missing link) sends the whole chunk down the general path, which decides
exactly as before: the lane only ever takes chunks whose outcome it knows. The chunks
arrive compiled from ``feed`` (on Linux, read by a helper process meanwhile).

When a table starts empty, its secondary indexes are dropped for the import and built
again at the end (a sort, several times cheaper than a million random inserts into each);
they come back at once if the general path is needed, since it looks records up by them.
All of it happens inside the import's transaction: a rollback restores the indexes too.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection

from reftrack.files import tables
from reftrack.records import CHUNK
from reftrack.transfer import fast
from reftrack.transfer.common import LINKS, table_of
from reftrack.transfer.fast.feed import Chunk, feed
from reftrack.transfer.fast.rowcode import RowFunction, compile_rows
from reftrack.transfer.keys import AdvocateKeys, Key, Marks, Place
from reftrack.transfer.state import ImportState
from reftrack.transfer.write import stored

Items = list[tables.Record | tables.BadRow]


class SecondaryIndexes:
    """The indexes of tables that start empty, dropped until ``restore``."""

    def __init__(self, connection: Connection, tables: list[str]) -> None:
        self.connection = connection
        self.dropped: list[tuple[str, str]] = []
        for table in tables:
            if connection.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first():
                continue  # records already there: keep their indexes
            found = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            ).all()
            for name, sql in found:
                connection.exec_driver_sql(f'DROP INDEX "{name}"')
                self.dropped.append((name, sql))

    def restore(self) -> None:
        for _, sql in self.dropped:
            self.connection.exec_driver_sql(sql)
        self.dropped = []


def _plain_sources(table: tables.Table) -> dict[str, int] | None:
    """field → cell, when every field is read from one column (no first + last name)."""
    found = table.plan
    if found.skip_nameless or any(len(cells) != 1 for cells in found.sources.values()):
        return None
    if set(found.sources) != found.fields:  # first and last name, joined
        return None
    return {name: cells[0] for name, cells in found.sources.items()}


class FastLane:
    """Chunks of new records, straight from cells to ``executemany``."""

    def __init__(self, importer: ImportState, table: tables.Table, row: RowFunction) -> None:
        self.importer, self.table, self.row = importer, table, row
        self.columns = importer.writer.columns
        at = {column: i for i, column in enumerate(self.columns)}
        self.id_at = at["id"]
        # the ids a row points at and their tables (referred_by: deferred or general path)
        self.links = [
            (at[column], table_of(linked).name)
            for column, linked in LINKS[importer.kind].items()
            if column != "referred_by"
        ]
        self.referred_at = at.get("referred_by")
        self.advocate_at = at.get("advocate_id")
        self.keys_at = (
            (at["email"], at["name"], at["company"]) if importer.kind == "advocates" else None
        )
        self.kind = importer.kind
        self.indexes = SecondaryIndexes(
            importer.connection,
            [importer.table.name, *(["nps_score"] if importer.kind == "advocates" else [])],
        )

    @classmethod
    def open(cls, importer: ImportState, table: tables.Table) -> FastLane | None:
        """The lane for this file, or None when the general path must take every row."""
        context = importer.context
        if not fast.usable(importer.connection) or context.new_ids or context.on_action is not None:
            return None
        sources = _plain_sources(table)
        if sources is None or (importer.history_keys is not None and "id" not in sources):
            return None  # (scores or events without ids: matched on what they say)
        row = compile_rows(
            importer.kind,
            sources,
            len(table.plan.header),
            importer.writer.columns,
            owner=None if "owner" in sources else context.owner,
            restoring=table.delimiter is not None,
            fallback=importer.defaults,
        )
        return None if row is None else cls(importer, table, row)

    def feed(self) -> Generator[Chunk, None, None]:
        """The file's chunks, compiled (by a helper process when there are several)."""
        keys = self.advocate_keys if self.keys_at is not None else None
        return feed(self.table, self.row, keys, CHUNK)

    def take(self, chunk: Chunk) -> Items | None:
        """Write the chunk and return None; or return its rows for the general path.

        Whole-chunk steps (comprehensions, sets, a sort) rather than a loop per row: at a
        million rows each step per row costs a second.
        """
        importer, context = self.importer, self.importer.context
        now, compiled, place = chunk.now, chunk.compiled, chunk.place
        if chunk.repeat:
            return self._fall_back(chunk, {})  # two rows of one advocate: matched there
        numbers = None  # the rows' lines, once blank rows are dropped (for deferred links)
        converted: dict[int, tables.Record | tables.BadRow | None] = {}  # by the general path
        if None in compiled:
            lines = chunk.lines
            for index, values in enumerate(compiled):
                if values is None:
                    line, cells = lines[index]
                    compiled[index] = self._general(index, line, cells, converted, now)
                    if compiled[index] is None and converted[index] is not None:
                        return self._fall_back(chunk, converted)
            numbers = [line for (line, _), values in zip(lines, compiled, strict=True) if values]
        rows = [values for values in compiled if values is not None]  # not the blank rows
        given = list(map(itemgetter(self.id_at), rows))
        ids = given if None not in given else self._number(rows, given)
        # new records only: ids rising, above every id so far (else the general path matches)
        if not ids:
            return None
        if ids[0] < importer.next_id or ids != sorted(set(ids)):
            return self._fall_back(chunk, converted)
        if context.remap and self.advocate_at is not None:
            rows = self._remapped(rows)
        deferred: list[tuple[str, int, int | None]] = []
        if self.referred_at is not None and any(map(itemgetter(self.referred_at), rows)):
            if not context.defer_referred_by:
                return self._fall_back(chunk, converted)  # its referral is checked there
            if numbers is None:
                numbers = [line for line, _ in chunk.lines]
            rows, deferred = self._defer(rows, numbers)
        marks = self._unseen(rows, place)
        if marks is None or not self._links_exist(rows):
            return self._fall_back(chunk, converted)
        self._write(rows, ids, now)
        importer.next_id = ids[-1] + 1
        importer.claimed.add_many(given if ids is given else [i for i in given if i is not None])
        importer.keys_seen(marks)
        context.deferred.extend(deferred)
        importer.report.inserted += len(rows)
        return None

    def _number(self, rows: list[tuple[Any, ...]], given: list[int | None]) -> list[int]:
        """Rows without an id get the next one, as the general path numbers them (in place)."""
        next_id, ids = self.importer.next_id, []
        for index, record_id in enumerate(given):
            if record_id is None:
                record_id = next_id
                rows[index] = self._replace(rows[index], self.id_at, record_id)
            next_id = max(next_id, record_id + 1)
            ids.append(record_id)
        return ids

    def _remapped(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """``import all`` gave some advocates other ids than the file's: links follow."""
        at, remap = self.advocate_at, self.importer.context.remap
        assert at is not None
        return [
            self._replace(values, at, remap[values[at]]) if values[at] in remap else values
            for values in rows
        ]

    def _defer(
        self, rows: list[tuple[Any, ...]], numbers: list[int]
    ) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, int | None]]]:
        """``import all``: advocates link to their referral once the referrals are in."""
        at, id_at = self.referred_at, self.id_at
        assert at is not None
        deferred = [
            (self.table.where(line), values[id_at], values[at])
            for values, line in zip(rows, numbers, strict=True)
            if values[at] is not None
        ]
        return [self._replace(values, at, None) for values in rows], deferred

    def advocate_keys(self, rows: list[tuple[Any, ...]]) -> list[Key]:
        """The keys of ``transfer.keys.email_key`` and ``name_key``, built inline."""
        assert self.keys_at is not None
        email_at, name_at, company_at = self.keys_at
        keys: list[Key] = [
            ("e", values[email_at].casefold()) for values in rows if values[email_at]
        ]
        keys += [
            ("n", values[name_at].casefold() + "\x00" + (values[company_at] or "").casefold())
            for values in rows
        ]
        return keys

    def _unseen(self, rows: list[tuple[Any, ...]], place: Place | None) -> Marks | None:
        """Where the rows' key fingerprints go when every advocate is certainly new; else
        None (and nowhere when the kind has no keys). ``place``: worked out already."""
        if self.keys_at is None:
            return [], []
        if place is None:
            place = AdvocateKeys.place(list(map(hash, self.advocate_keys(rows))))
            if place is None:
                return None
        return self.importer.keys_unseen(place)

    def finish(self) -> None:
        self.indexes.restore()

    @staticmethod
    def _replace(values: tuple[Any, ...], at: int, value: Any) -> tuple[Any, ...]:
        return (*values[:at], value, *values[at + 1 :])

    def _general(
        self,
        number: int,
        line: int,
        cells: list[str],
        converted: dict[int, tables.Record | tables.BadRow | None],
        now: str,
    ) -> tuple[Any, ...] | None:
        """A row the compiled function declined: converted the general way, as a tuple."""
        item = converted[number] = self.table.convert_row(line, cells)
        if not isinstance(item, tables.Record):
            return None  # blank or bad: the general path counts or reports it
        kind = self.importer.kind
        unnumbered = kind != "advocates" and item.values.get("advocate_id") is None
        if unnumbered and (item.advocate_name or kind != "followups"):
            return None  # an advocate by name: the general path looks it up
        new = {**self.importer.defaults, **item.blanks, **item.values}
        new["created_at"] = new["updated_at"] = now
        if not self.importer.has_owner_column:
            new["owner"] = self.importer.context.owner
        return tuple(stored(new.get(column)) for column in self.columns)

    def _fall_back(
        self, chunk: Chunk, converted: dict[int, tables.Record | tables.BadRow | None]
    ) -> Items:
        self.indexes.restore()  # the general path looks records up by them
        return list(self._items(chunk.lines, converted))

    def _items(
        self,
        lines: list[tuple[int, list[str]]],
        converted: dict[int, tables.Record | tables.BadRow | None],
    ) -> Iterator[tables.Record | tables.BadRow]:
        for number, (line, cells) in enumerate(lines):
            item = converted[number] if number in converted else self.table.convert_row(line, cells)
            if item is not None:
                yield item

    def _links_exist(self, rows: list[tuple[Any, ...]]) -> bool:
        connection = self.importer.connection
        for at, table in self.links:
            ids = set(map(itemgetter(at), rows))
            ids.discard(None)
            if not ids:
                continue
            marks = ", ".join("?" * len(ids))  # at most a chunk's: within SQLite's limit
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE id IN ({marks})", tuple(ids)
            ).scalar()
            if found != len(ids):
                return False
        return True

    def _write(self, rows: list[tuple[Any, ...]], ids: list[int], now: str) -> None:
        """The rows, and for advocates their scores' history, copied in SQL (the chunk's
        ids are a range no other record has: each is above every id before it)."""
        importer = self.importer
        importer.writer.insert_tuples(rows)
        if importer.context.journal is not None:
            importer.context.journal.inserted(importer.table.name, ids)
        if self.kind == "advocates" and not importer.canonical:  # an undated score: today
            importer.connection.exec_driver_sql(
                "UPDATE advocate SET nps_on = ? WHERE id BETWEEN ? AND ? "
                "AND nps IS NOT NULL AND nps_on IS NULL",
                (importer.context.today.isoformat(), ids[0], ids[-1]),
            )
        if self.kind == "advocates" and importer.context.derive_scores:
            importer.connection.exec_driver_sql(
                "INSERT INTO nps_score (advocate_id, score, scored_on, created_at) "
                "SELECT id, nps, coalesce(nps_on, ?), ? FROM advocate "
                "WHERE id BETWEEN ? AND ? AND nps IS NOT NULL ORDER BY id",
                (importer.context.today.isoformat(), now, ids[0], ids[-1]),
            )
