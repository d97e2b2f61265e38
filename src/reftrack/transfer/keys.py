"""Which advocate an e-mail, or a name + company, already names: without holding every key.

An import matches advocates case-insensitively (``casefold``) by e-mail, then by name +
company, against the database and the rows imported so far. Keeping every key in a dict
costs hundreds of MiB at a million rows, so this keeps a 40-bit fingerprint of each key's
hash instead, in one of 65,536 byte strings chosen by 16 more bits of it (about 15 MiB at
two million keys): a key whose fingerprint is not there is new for certain, with no query
at all (a fresh import of unique rows asks the database nothing). Finding a fingerprint is
a substring search in C; a false positive (about one in 10^9 at two million keys) costs a
query. Unlike a Bloom filter it costs one memory write a key. A key it may have seen is
looked up chunk by chunk: first by its exact value (indexed), then, if that finds no
casefold match, by ``LIKE`` (which folds ASCII in C; other characters match any one
character), and every candidate is compared by ``casefold`` in Python. The database holds
the truth, so a false positive costs a query, never a wrong match.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from operator import contains
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.engine import Connection

_BUCKETS = 1 << 15
_BUCKET = _BUCKETS - 1
_PRINT = (1 << 32) - 1
_SIZE = 4  # bytes of a fingerprint
Marks = tuple[list[bytearray], list[bytes]]  # the strings fingerprints go in, and them
Place = tuple[list[int], list[bytes]]  # which strings (by index), and the fingerprints
Key = tuple[str, str]  # ("e", email) or ("n", name + "\x00" + company), casefolded


def email_key(email: str | None) -> Key | None:
    return ("e", email.casefold()) if email else None


def name_key(name: Any, company: str | None) -> Key:
    return ("n", str(name or "").casefold() + "\x00" + (company or "").casefold())


def _pattern(text: str) -> str:
    """A LIKE pattern matching every ASCII case variant (other characters: any one)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "".join(c if c.isascii() else "_" for c in escaped)


class AdvocateKeys:
    """Casefolded e-mail and name + company keys of advocates, as a filter over the table."""

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection, self.table = connection, table
        self.prints = [bytearray() for _ in range(_BUCKETS)]
        self.found: dict[Key, int] = {}  # keys of this chunk the database has
        self.pending: dict[Key, int] = {}  # keys remembered in this chunk, not yet written
        self.like = "like" if connection.dialect.name == "sqlite" else "ilike"
        query = select_keys(table).order_by(table.c.id)
        result = connection.execute(query, execution_options={"yield_per": 5000})
        for row in result:
            self._add(name_key(row.name, row.company))
            if row.email:
                self._add(("e", row.email.casefold()))

    def _add(self, key: Key) -> None:
        index, mark = _mark(hash(key))
        self.prints[index] += mark

    def _maybe(self, key: Key) -> bool:
        index, mark = _mark(hash(key))
        return mark in self.prints[index]

    @staticmethod
    def place(hashes: list[int]) -> Place | None:
        """Where the fingerprints of keys (given by their hashes) go: (strings, prints); None
        when a key repeats (or, rarely, two keys share a hash). Needs no filter: a helper
        process can do it (transfer.fast.feed)."""
        if len(set(hashes)) != len(hashes):
            return None
        # _mark, inline: a chunk's worth of calls would cost more than the work
        indexes = [value & _BUCKET for value in hashes]
        marks = [(value >> 15 & _PRINT).to_bytes(_SIZE, "little") for value in hashes]
        return indexes, marks

    def unseen(self, place: Place) -> Marks | None:
        """The strings the fingerprints go in, when every key is certainly new; else None.
        ``_maybe`` for a chunk, in C loops (``map``): a million rows make every step count."""
        indexes, marks = place
        buckets = list(map(self.prints.__getitem__, indexes))
        if any(map(contains, buckets, marks)):
            return None
        return buckets, marks

    @staticmethod
    def add_marks(marks: Marks) -> None:
        """Remember the keys ``unseen`` vouched for."""
        deque(map(bytearray.extend, *marks), maxlen=0)  # each bucket += its mark, in C

    def remember(self, record_id: int, email: str | None, name: Any, company: str | None) -> None:
        for key in (email_key(email), name_key(name, company)):
            if key is not None:
                self.pending.setdefault(key, record_id)
                self._add(key)

    def get(self, key: Key | None) -> int | None:
        if key is None:
            return None
        found = self.found.get(key)
        return found if found is not None else self.pending.get(key)

    def prepare(self, keys: Iterable[tuple[Key | None, str | None]]) -> None:
        """Before a chunk: look up the keys (with their raw text) the filter may have seen."""
        self.found, self.pending = {}, {}
        wanted: dict[Key, str] = {}
        for key, raw in keys:
            if key is not None and raw is not None and key not in wanted and self._maybe(key):
                wanted[key] = raw
        if wanted:
            self._look_up(wanted)

    def _look_up(self, wanted: dict[Key, str]) -> None:
        table = self.table
        for kind, column in (("e", table.c.email), ("n", table.c.name)):
            raws = {raw for key, raw in wanted.items() if key[0] == kind}
            if raws:
                self._collect(select_keys(table).where(column.in_(raws)), wanted)
            missing = {
                raw for key, raw in wanted.items() if key[0] == kind and key not in self.found
            }
            if missing:
                likes = [getattr(column, self.like)(_pattern(r), escape="\\") for r in missing]
                likes += [  # "Straße" is "STRASSE" casefolded
                    getattr(column, self.like)(
                        _pattern(r.casefold().replace("ss", "ß")), escape="\\"
                    )
                    for r in missing
                    if "ss" in r.casefold()
                ]
                self._collect(select_keys(table).where(or_(*likes)), wanted)

    def _collect(self, query: Any, wanted: dict[Key, str]) -> None:
        for row in self.connection.execute(query.order_by(self.table.c.id)):
            for key in (email_key(row.email), name_key(row.name, row.company)):
                if key is not None and key in wanted:
                    self.found.setdefault(key, row.id)


def _mark(value: int) -> tuple[int, bytes]:
    """Which byte string a key's hash goes in (its low 15 bits), and its fingerprint."""
    return value & _BUCKET, (value >> 15 & _PRINT).to_bytes(_SIZE, "little")


def select_keys(table: Table) -> Any:
    return select(table.c.id, table.c.email, table.c.name, table.c.company)


_CLAIMED_MAX = 1 << 26  # ids below: a bitmap of at most 8 MiB


class Claimed:
    """Ids of the records a row with an id was matched to or became: a bitmap, not a set."""

    def __init__(self) -> None:
        self.bits = bytearray()
        self.large: set[int] = set()

    def add(self, record_id: int) -> None:
        if record_id >= _CLAIMED_MAX:
            self.large.add(record_id)
            return
        index = record_id >> 3
        if index >= len(self.bits):
            self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
        self.bits[index] |= 1 << (record_id & 7)

    def add_many(self, record_ids: list[int]) -> None:
        """``add`` for ids in rising order (a chunk of the fast lane)."""
        if not record_ids or record_ids[-1] >= _CLAIMED_MAX:
            for record_id in record_ids:
                self.add(record_id)
            return
        self.add(record_ids[-1])  # makes room for them all
        bits = self.bits
        for record_id in record_ids:
            bits[record_id >> 3] |= 1 << (record_id & 7)

    def __contains__(self, record_id: object) -> bool:
        if not isinstance(record_id, int):
            return False
        if record_id >= _CLAIMED_MAX:
            return record_id in self.large
        index = record_id >> 3
        return index < len(self.bits) and bool(self.bits[index] & (1 << (record_id & 7)))
