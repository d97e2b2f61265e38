"""The import engine behind ``transfer.imports``: one kind into an open transaction.

Rows come in chunks. A chunk of clean new records takes the fast lane (``fast.lane``).
Any other chunk takes the general path here: it resolves advocate names and checks that
every link points at a record (``links``), loads the records it may match (by id;
advocates also by e-mail and by name + company, from the key filter kept for the whole
import), then writes its inserts and updates with ``executemany``. Nothing here commits
or rolls back: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from typing import Any

from sqlalchemy import select

from reftrack import records
from reftrack.db_security import ADMIN_ROLE, check
from reftrack.errors import NotYoursError
from reftrack.files import tables
from reftrack.models import utcnow
from reftrack.records import CHUNK, DEFERRED
from reftrack.transfer import links
from reftrack.transfer.common import Action
from reftrack.transfer.fast.lane import FastLane
from reftrack.transfer.keys import Key, email_key, name_key
from reftrack.transfer.state import ImportState


def _label(kind: str, state: Mapping[str, Any]) -> str:
    if kind == "advocates":
        return str(state.get("name"))
    if kind == "asks":
        return f"advocate #{state.get('advocate_id')} on {state.get('asked_on')}"
    if kind == "referrals":
        return str(state.get("prospect"))
    if kind == "scores":
        return (
            f"advocate #{state.get('advocate_id')}: {state.get('score')} on "
            f"{state.get('scored_on')}"
        )
    if kind == "targets":
        return str(state.get("name"))
    if kind == "target_links":
        return f"advocate #{state.get('advocate_id')} knows target #{state.get('target_id')}"
    if kind == "notes":
        return f"note of {state.get('noted_on')}"
    if kind == "events":
        return (
            f"advocate #{state.get('advocate_id')}: {state.get('kind')} on "
            f"{state.get('happened_on')}"
        )
    if kind in ("intros", "gifts"):
        what = state.get("to_whom") or state.get("what")
        return f"advocate #{state.get('advocate_id')}: {what} on {state.get('given_on')}"
    return f"{state.get('kind')} due {state.get('due_on')}"


class Importer(ImportState):
    """One kind into one open transaction, chunk by chunk: the fast lane where it can, the
    general path for every other chunk."""

    def run(self, table: tables.Table, progress: Callable[[], None] | None) -> None:
        lane = FastLane.open(self, table)
        if lane is None:
            for lines in table.chunks(CHUNK):
                converted = (table.convert_row(line, cells) for line, cells in lines)
                self._general([item for item in converted if item is not None])
                if progress is not None:
                    progress()
            return
        with closing(lane.feed()) as chunks:
            for chunk in chunks:
                items = lane.take(chunk)
                if items is not None:
                    self._general(items)
                if progress is not None:
                    progress()
        lane.finish()

    def _general(self, items: list[tables.Record | tables.BadRow]) -> None:
        """One chunk, row by row: matched, compared, then inserted or updated."""
        good: list[tables.Record] = []
        for item in items:
            if isinstance(item, tables.BadRow):
                self.report.fail(item.errors)
            else:
                good.append(item)
        connection, kind, context, report = self.connection, self.kind, self.context, self.report
        good = links.resolve_advocates(connection, kind, context, report, good)
        good = links.follow_moved_links(kind, context, report, good)
        good = links.check_links(connection, kind, context, report, good)
        self._apply(good)

    def _match(self, record: tables.Record, state: dict[int, dict[str, Any]]) -> int | None:
        given = record.values.get("id")
        if given is not None and given in state and not self.context.new_ids:
            return int(given)
        if self.history_keys is not None and (given is None or self.context.new_ids):
            return self.history_keys.get(_history_key(self.kind, record.values))
        if self.keys is None:
            return None
        values = record.values
        found = self.keys.get(email_key(values.get("email")))
        if found is None:
            found = self.keys.get(name_key(values.get("name"), values.get("company")))
        if found is not None and given is not None and found in self.claimed:
            return None  # another row of this file is that record: two namesakes, both kept
        return found

    def _load(self, rows: list[tables.Record]) -> dict[int, dict[str, Any]]:
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
        if self.history_keys is not None:
            ids |= self._load_history(rows)
        if not ids:
            return {}
        query = select(self.table).where(self.table.c.id.in_(ids))
        return {row.id: dict(row._mapping) for row in self.connection.execute(query)}

    def _load_history(self, rows: list[tables.Record]) -> set[int]:
        """The ids of the scores or events that rows without an id say again."""
        assert self.history_keys is not None
        unnumbered = [r for r in rows if r.values.get("id") is None or self.context.new_ids]
        by = "name" if "advocate_id" not in self.table.c else "advocate_id"  # targets: by name
        advocates = {r.values.get(by) for r in unnumbered} - {None}
        if advocates:
            column = self.table.c[by]
            query = select(self.table).where(column.in_(advocates)).order_by(self.table.c.id)
            for row in self.connection.execute(query):
                self.history_keys.setdefault(_history_key(self.kind, row._mapping), row.id)
        found = (self._match(record, {}) for record in unnumbered)
        return {target for target in found if target is not None}

    def _apply(self, rows: list[tables.Record]) -> None:
        state = self._load(rows)
        inserts: dict[int, dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        scores: list[dict[str, Any]] = []
        befores: dict[int, dict[str, Any]] = {}  # for the journal: changed columns as they were
        now = utcnow()
        for record in rows:
            target = self._match(record, state)
            incoming = dict(record.values)
            if self.canonical:
                incoming = {**record.blanks, **incoming}
            file_id = incoming.pop("id", None)
            referred = self._defer(incoming)
            wants = self._defer_target(incoming)
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
                if self.kind == "advocates" and new.get("nps") is not None and not self.canonical:
                    new["nps_on"] = new.get("nps_on") or self.context.today
                if self.history:  # no owner: an advocate's history is the advocate's
                    new = {k: v for k, v in new.items() if k in self.writer.columns}
                else:
                    self._set_owner(record, new)
                state[target] = inserts[target] = new
                if self.history_keys is not None:
                    self.history_keys.setdefault(_history_key(self.kind, new), target)
                if file_id is not None:
                    self.claimed.add(target)
                if wants is not None:
                    self.context.deferred_targets.append((record.where, target, wants))
                self._done(record, "insert", new, list(incoming), referred, scores)
                continue
            if file_id is not None and file_id != target and self.kind == "advocates":
                self.context.remap[file_id] = target
            elif file_id is not None and self.context.new_ids and self.kind == "targets":
                self.context.moved[self.kind][file_id] = target  # matched on name + company
            current = state[target]
            changed = [k for k, v in incoming.items() if current.get(k) != v]
            if self.kind == "advocates" and "nps" in changed and not self.canonical:
                self._date_new_score(incoming, current, changed)
            if changed and target not in inserts:
                # for the journal: each changed column as it was before this import
                was = befores.setdefault(
                    target, {} if self.history else {"updated_at": current.get("updated_at")}
                )
                for key in changed:
                    was.setdefault(key, current.get(key))
            if changed and self.context.identity is not None and not self.history:
                check(self.context.identity, self.table.name, target, current.get("owner"))
                if "owner" in changed:
                    self._check_new_owner(record, incoming)
            current.update({k: incoming[k] for k in changed})
            if changed and not self.history:
                current["updated_at"] = now
            if changed and target not in inserts:
                updates[target] = current
            if wants is not None and wants != current.get("target_id"):
                self.context.deferred_targets.append((record.where, target, wants))
            self._done(record, "update" if changed else "skip", current, changed, referred, scores)
        self._write(inserts, updates, scores)
        journal = self.context.journal
        if journal is not None:
            journal.inserted(self.table.name, inserts)
            for row_id, before in befores.items():  # only the changed columns: undo puts
                after = updates[row_id]  # back what the before names
                journal.updated(self.table.name, row_id, before, {k: after[k] for k in before})
            journal.spill(self.connection)

    def _set_owner(self, record: tables.Record, new: dict[str, Any]) -> None:
        if not self.has_owner_column or (self.context.new_ids and new.get("owner") is None):
            new["owner"] = self.context.owner
        self._check_new_owner(record, new)

    def _date_new_score(
        self, incoming: dict[str, Any], current: dict[str, Any], changed: list[str]
    ) -> None:
        """A new score without its date is dated today, as `advocate score` dates it: the
        old date would make it look older than it is. (Not in a file with ids, a restore:
        that is taken as it is.)"""
        if incoming.get("nps") is None or incoming.get("nps_on") is not None:
            return
        incoming["nps_on"] = self.context.today
        if current.get("nps_on") != self.context.today and "nps_on" not in changed:
            changed.append("nps_on")

    def _check_new_owner(self, record: tables.Record, row: dict[str, Any]) -> None:
        """On PostgreSQL a record is written as its owner: a blank owner becomes you, and
        only a reftrack_admin may restore another salesperson's records."""
        identity = self.context.identity
        if identity is None or identity.may_change(row.get("owner")):
            return
        if row.get("owner") is None:
            row["owner"] = identity.role
            return
        raise NotYoursError(
            f"{record.where}: owner {row['owner']} is not you ({identity.role}); only a "
            f"{ADMIN_ROLE} can import another salesperson's records (leave out the owner "
            "column to import them as yours); nothing was imported"
        )

    def _defer(self, incoming: dict[str, Any]) -> int | bool | None:
        """``import all`` links advocates to referrals after the referrals are in."""
        if not self.context.defer_referred_by or "referred_by" not in incoming:
            return None
        value: int | None = incoming.pop("referred_by")
        return value if value is not None else False

    def _defer_target(self, incoming: dict[str, Any]) -> int | None:
        """``import all``: an ask's target is linked once the targets are in."""
        column = DEFERRED.get(self.kind)
        if column is None or not self.context.defer_referred_by or column not in incoming:
            return None
        value: int | None = incoming.pop(column)
        return value

    def _done(
        self,
        record: tables.Record,
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
            and self.context.derive_scores
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


HISTORY_KEY = {
    "scores": ("advocate_id", "score", "scored_on"),
    "events": ("advocate_id", "kind", "happened_on", "note"),
    "target_links": ("target_id", "advocate_id"),
}


def _history_key(kind: str, values: Mapping[Any, Any]) -> tuple[Any, ...]:
    columns = HISTORY_KEY.get(kind) or records.KINDS[kind].match_on
    return tuple(values.get(column) for column in columns)


def _keys_of(rows: list[tables.Record]) -> Iterator[tuple[Key | None, str | None]]:
    for record in rows:
        values = record.values
        email, name = values.get("email"), values.get("name")
        yield email_key(email), email
        yield name_key(name, values.get("company")), None if name is None else str(name)
