"""The import of one kind into an open transaction: what the general path
(``transfer.importer``) and the fast lane (``transfer.fast.lane``) both read and advance —
the next free id, the ids claimed, the advocates' keys, the writers and the report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from reftrack import records
from reftrack.files.fields import defaults
from reftrack.transfer.common import ImportContext, ImportReport, table_of, table_of_scores
from reftrack.transfer.keys import AdvocateKeys, Claimed, Marks, Place
from reftrack.transfer.write import TableWriter, column_defaults


class ImportState:
    """One kind into one open transaction."""

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
        self.history = records.KINDS[kind].history  # no owner, no updated_at
        # an advocate's history matches on what it says when the row has no id of its own
        matched = self.history or bool(records.KINDS[kind].match_on)
        self.history_keys: dict[tuple[Any, ...], int] | None = {} if matched else None
        self.canonical = canonical
        self.has_owner_column = has_owner_column  # then a blank owner is restored as blank
        # a column no file field covers (a newer schema's flag) gets its table default
        self.defaults = {**column_defaults(self.table), **defaults(kind)}
        self.next_id = (connection.execute(select(func.max(self.table.c.id))).scalar() or 0) + 1
        self.claimed = Claimed()  # records a row with an id was matched to or became
        self.writer = TableWriter(connection, self.table)
        self.scores = TableWriter(connection, table_of_scores())
        self.keys = AdvocateKeys(connection, self.table) if kind == "advocates" else None

    def _remember(self, record_id: int, state: Mapping[Any, Any]) -> None:
        if self.keys is not None:
            name, company = state.get("name"), state.get("company")
            self.keys.remember(record_id, state.get("email"), name, company)

    def keys_unseen(self, place: Place) -> Marks | None:
        """Where the keys' fingerprints go if no key is in the database or this import so
        far; else None."""
        assert self.keys is not None
        return self.keys.unseen(place)

    def keys_seen(self, marks: Marks) -> None:
        if self.keys is not None:
            self.keys.add_marks(marks)
