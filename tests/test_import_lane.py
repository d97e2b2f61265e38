"""The fast lane of an import (transfer/fast/lane.py, rowcode.py) on SQLite.

It may only ever do what the general path would: the compiled row function agrees with
``tables.convert`` on every cell it accepts (hypothesis), a book imported through the lane
is the same as one imported without it, and every case the lane cannot decide (a match, a
repeat, ids out of order, a bad row) falls back without losing a row, a line number or an
index.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reftrack.db import open_database
from reftrack.files import tables
from reftrack.files.fields import (
    FIELDS,
    Choice,
    defaults,
    parse_amount,
    parse_flag,
    parse_id,
    parse_nps,
)
from reftrack.models import utcnow
from reftrack.transfer import fast as fast_lane
from reftrack.transfer import keys as transfer_keys
from reftrack.transfer.common import table_of
from reftrack.transfer.fast import feed as transfer_feed
from reftrack.transfer.fast import lane as transfer_lane
from reftrack.transfer.fast.rowcode import compile_rows
from reftrack.transfer.imports import import_tables
from reftrack.transfer.write import stored
from tests.helpers import Invoke

CANONICAL = {
    "advocates": "id,name,company,email,phone,tags,nps,nps_on,customer_since,source,"
    "referred_by,last_milestone_on,last_complaint_on,archived,notes,owner",
    "asks": "id,advocate_id,advocate,asked_on,channel,target,outcome,alternative,forced,notes,"
    "owner",
    "referrals": "id,advocate_id,advocate,ask_id,prospect,company,email,phone,received_on,"
    "status,value,closed_on,lost_reason,thanked_on,notes,owner",
    "followups": "id,due_on,kind,advocate_id,advocate,ask_id,referral_id,prospect,note,done_on,"
    "outcome,owner",
}
# cells a file may hold: a valid row, then a few cells swapped for near misses that the
# compiled function must decline or read exactly as the general path does
_TRICKY = [
    "",
    " ",
    "'",
    "'=1+1",
    "'+31 6",
    " padded ",
    "x;y",
    "x; x ;",
    " ;",
    "\n",
    "Ann",
    "007",
    "0",
    "#5",
    " 3",
    "-1",
    "1.0",
    "²",
    "2023-02-29",
    "16-03-2026",
    "03/04/2026",
    "2026-3-16",
    "2026-03-16T10:00",
    " 2026-03-16",
    "16 Mar 2026",
    "20260316",
    "11",
    "7.0",
    " 9",
    "TRUE",
    "Yes",
    "n",
    "maybe",
    "12,500.00",
    "€ 1.250",
    "In person",
    "no-response",
    "SOCIAL_POST",
    "Won",
]


def _valid(kind: str, column: str) -> list[str]:
    spec = next((f for f in FIELDS[kind] if f.name == column), None)
    parse = spec.parse if spec else None
    blank = [] if spec is not None and spec.required else [""]
    if column == "advocate_id" and kind != "followups":
        blank = []
    if spec is not None and parse is None:
        return ["2026-03-16", "2024-02-29", "1999-12-31", *blank]
    if parse is parse_id:
        return ["1", "42", "12345", *blank]
    if parse is parse_nps:
        return ["0", "7", "10", *blank]
    if parse is parse_flag:
        return ["true", "false", *blank]
    if parse is parse_amount:
        return ["12500", "12500.50", "0", *blank]
    if isinstance(parse, Choice):
        return [*parse.allowed, *blank]
    return ["Ann", "Jan 't Hart", "a;b", 'said "hi"\nthen left', *(blank or ["x"])]


def _table(kind: str, header: list[str], cells: list[str]) -> tables.Table:
    text = io.StringIO()
    # every cell quoted: csv leaves a lone carriage return unquoted, which would split the
    # row in two when read back, and the two paths would then see different rows
    writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerow(cells)
    raw = io.BytesIO(text.getvalue().encode("utf-8", "surrogatepass"))
    return tables.open_table(raw, tables.Options(kind, delimiter=","), name="t.csv")


def _general(kind: str, table: tables.Table, owner: str | None, now: str) -> Any:
    """What the general path would insert for the table's one row (None: it would not)."""
    items = list(table)
    if len(items) != 1 or not isinstance(items[0], tables.Record):
        return None
    record = items[0]
    new = {**defaults(kind), **record.blanks, **record.values, "created_at": now, "updated_at": now}
    if "owner" not in table.plan.fields:
        new["owner"] = owner
    return tuple(stored(new.get(c.name)) for c in table_of(kind).c)


@pytest.mark.parametrize("kind", list(CANONICAL))
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_compiled_row_agrees_with_the_general_path(kind: str, data: st.DataObject) -> None:
    header = CANONICAL[kind].split(",")
    if data.draw(st.booleans(), label="without owner column"):
        header = header[:-1]
    cells = [data.draw(st.sampled_from(_valid(kind, column)), label=column) for column in header]
    for _ in range(data.draw(st.integers(0, 2), label="cells swapped")):
        at = data.draw(st.integers(0, len(header) - 1), label="swapped")
        cells[at] = data.draw(st.one_of(st.sampled_from(_TRICKY), st.text(max_size=4)))
    try:
        table = _table(kind, header, cells)
    except Exception:
        return
    sources = {name: indexes[0] for name, indexes in table.plan.sources.items()}
    columns = [c.name for c in table_of(kind).c]
    row = compile_rows(kind, sources, len(header), columns, owner="me", restoring=True)
    assert row is not None
    now = stored(utcnow())
    read = next(_table(kind, header, cells).lines())[1]  # the cells as the reader gives them
    fast = row(read, now)
    if fast is None:
        return  # declined: the general path decides, so nothing to compare
    if kind != "advocates" and fast[columns.index("advocate_id")] is None and kind != "followups":
        pytest.fail("a row without advocate_id must be declined")
    assert fast == _general(kind, table, "me", now)


def test_a_canonical_export_row_takes_the_fast_path() -> None:
    """Else every import would quietly run the slow way: the test above cannot see that."""
    header = CANONICAL["advocates"].split(",")
    cells = [
        "12",
        "Jan 't Hart",
        "Company 1, Ltd",
        "jan@example.com",
        "'+31 6 1234",
        "vip;logistics",
        "9",
        "2026-03-01",
        "2021-05-02",
        "event",
        "",
        "",
        "",
        "false",
        'said "call me"\nnext week',
        "ann",
    ]
    columns = [c.name for c in table_of("advocates").c]
    sources = {name: i for i, name in enumerate(header)}
    row = compile_rows("advocates", sources, len(header), columns, owner=None, restoring=True)
    assert row is not None
    values = row(cells, "2026-03-16 10:00:00.000000")
    assert values is not None
    named = dict(zip(columns, values, strict=True))
    assert named["phone"] == "+31 6 1234"  # the export's formula guard undone
    assert named["nps"] == 9 and named["archived"] is False and named["owner"] == "ann"


# --- whole imports: lane against general path ----------------------------------------


def _book(rows: int) -> list[list[str]]:
    """Rows of a canonical advocates file: multi-line notes, tags, scores, guarded cells."""
    book = [CANONICAL["advocates"].split(",")[:-1]]
    for n in range(1, rows + 1):
        note = f'said "call me"\nin {n % 9} weeks' if n % 3 == 0 else ""
        book.append(
            [
                str(n),
                f"Person {n}",
                f"Company {n % 50}",
                f"p{n}@example.com",
                f"'+31 6 {n:08d}" if n % 5 == 0 else f"06{n:08d}",
                "vip;north" if n % 7 == 0 else "",
                str(n % 11) if n % 4 else "",
                f"2025-01-{n % 28 + 1:02d}" if n % 4 else "",
                "2021-06-01",
                ("referral", "event", "")[n % 3],
                "",
                "",
                "",
                "true" if n % 40 == 0 else "false",
                note,
            ]
        )
    return book


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def _first_line(rows: list[list[str]], index: int) -> int:
    """The file line a record starts on (notes hold newlines)."""
    return 1 + sum(1 + "".join(row).count("\n") for row in rows[:index])


def _dump(path: Path) -> dict[str, Any]:
    db = sqlite3.connect(path)
    try:
        found: dict[str, Any] = {}
        for table in ("advocate", "nps_score", "ask", "referral", "follow_up"):
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in ("created_at", "updated_at")]
            found[table] = db.execute(
                f"SELECT {', '.join(keep)} FROM {table} ORDER BY id"
            ).fetchall()
        found["indexes"] = sorted(
            db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
        )
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return found
    finally:
        db.close()


def _without_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented switch: every chunk takes the general path."""
    monkeypatch.setattr(fast_lane, "ENABLED", False)


def _import(cli: Invoke, db: Path, path: Path, kind: str = "advocates") -> Any:
    return cli("--db", str(db), "import", kind, str(path))


def test_a_book_through_the_lane_is_the_book_without_it(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(tmp_path / "book.csv", _book(4500))
    fast, slow = tmp_path / "fast.db", tmp_path / "slow.db"
    assert _import(cli, fast, source).exit_code == 0
    calls: list[int] = []
    real_take = transfer_lane.FastLane.take
    monkeypatch.setattr(
        transfer_lane.FastLane,
        "take",
        lambda self, lines: calls.append(1) or real_take(self, lines),
    )
    with monkeypatch.context() as patched:
        _without_lane(patched)
        assert _import(cli, slow, source).exit_code == 0
    assert not calls  # the second import really went the general way
    assert _dump(fast) == _dump(slow)
    assert len(_dump(fast)["advocate"]) == 4500


@pytest.mark.parametrize("lane", [True, False], ids=["lane", "general"])
def test_what_the_lane_cannot_decide_falls_back_row_for_row(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lane: bool
) -> None:
    """A repeat in another case, a row without id, ids going back, a blank row: in chunks
    after rows the lane already wrote. Both paths must end with the same book."""
    if not lane:
        _without_lane(monkeypatch)
    rows = _book(4200)
    blank = [""] * 15
    rows[3100] = ["", "Person 10 again", "Company 0", "P10@EXAMPLE.COM", *blank[4:]]
    rows[3200] = ["", "Nobody Numbered", "", "nobody@example.com", *blank[4:]]
    rows[3300] = ["5", "Person 5 renamed", "Company 5", "p5@example.com", *blank[4:]]
    rows.insert(3400, blank)
    db = tmp_path / "book.db"
    result = _import(cli, db, _write(tmp_path / "book.csv", rows))
    assert result.exit_code == 0, result.stderr
    book = sqlite3.connect(db)
    names = dict(book.execute("SELECT id, name FROM advocate WHERE id IN (5, 10, 3100)"))
    assert names == {5: "Person 5 renamed", 10: "Person 10 again"}  # by id; by e-mail
    assert book.execute("SELECT id FROM advocate WHERE email = 'nobody@example.com'").fetchone()
    assert book.execute("SELECT count(*) FROM advocate").fetchone() == (4198,)
    assert "1 blank row" in result.stdout + result.stderr
    indexes = {r[0] for r in book.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_advocate_email", "ix_advocate_name", "ix_nps_score_advocate_id"} <= indexes


def test_a_bad_row_after_the_lane_wrote_leaves_nothing_and_names_its_line(
    cli: Invoke, tmp_path: Path
) -> None:
    rows = _book(4500)
    bad = 3700
    rows[bad][8] = "2021-02-30"
    source = _write(tmp_path / "book.csv", rows)
    physical = _first_line(rows, bad)
    db = tmp_path / "book.db"
    assert cli("--db", str(db), "advocate", "add", "Before").exit_code == 0
    before = _dump(db)
    result = _import(cli, db, source)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"book.csv line {physical}, column 'customer_since': '2021-02-30' does not exist on "
        "the calendar",
        "error: 1 bad row (1 in book.csv); nothing was imported: fix them and run again",
    ]
    assert _dump(db) == before  # nothing written, every index still there


def test_an_empty_table_gets_its_indexes_back_after_a_failed_import(
    cli: Invoke, tmp_path: Path
) -> None:
    rows = _book(2500)
    rows[2400][8] = "someday"
    source = _write(tmp_path / "book.csv", rows)
    db = tmp_path / "fresh.db"
    assert _import(cli, db, source).exit_code == 1
    dumped = _dump(db)
    assert dumped["advocate"] == [] and dumped["nps_score"] == []
    assert "ix_advocate_email" in {name for name, _ in dumped["indexes"]}


def test_import_all_through_the_lane_keeps_every_link(cli: Invoke, tmp_path: Path) -> None:
    """referred_by waits for the referrals; asks, referrals and follow-ups check links."""
    assert cli("demo", "--folder", str(tmp_path)).exit_code == 0
    out = tmp_path / "out"
    assert cli("--db", str(tmp_path / "demo.db"), "export", "all", str(out)).exit_code == 0
    result = cli("--db", str(tmp_path / "copy.db"), "import", "all", str(out))
    assert result.exit_code == 0, result.stderr
    original, copy = _dump(tmp_path / "demo.db"), _dump(tmp_path / "copy.db")
    for table in ("advocate", "ask", "referral", "follow_up"):
        assert copy[table] == original[table], table
    referred = (
        sqlite3.connect(tmp_path / "copy.db")
        .execute("SELECT count(*) FROM advocate WHERE referred_by IS NOT NULL")
        .fetchone()
    )
    assert referred[0] > 0


def test_a_link_to_nothing_sends_the_chunk_to_the_general_path_and_its_error(
    cli: Invoke, tmp_path: Path
) -> None:
    source = tmp_path / "asks.csv"
    source.write_text("id,advocate_id,asked_on\n1,1,2026-03-01\n2,99,2026-03-02\n")
    db = tmp_path / "asks.db"
    assert cli("--db", str(db), "advocate", "add", "Anna").exit_code == 0
    result = cli("--db", str(db), "import", "asks", str(source))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "asks.csv line 3, column 'advocate_id': there is no advocate #99"
    )
    assert cli("--db", str(db), "ask", "list").stdout.count("2026-03") == 0


# --- the helper process that reads large files (transfer/fast/feed.py) --------------


def _children() -> list[int]:
    """Processes whose parent is this one (a helper left behind would be one)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(os.getpid()):
            found.append(int(status.parent.name))
    return found


def test_an_error_the_helper_meets_is_reported_as_if_read_here(cli: Invoke, tmp_path: Path) -> None:
    rows = _book(5000)
    source = _write(tmp_path / "book.csv", rows)
    bad = 4500
    data = source.read_bytes().replace(b"Person 4500,", b"Person 45\xff00,")
    source.write_bytes(data)
    before = _children()
    db = tmp_path / "book.db"
    result = cli("--db", str(db), "import", "advocates", str(source), "--encoding", "utf-8")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: book.csv line {_first_line(rows, bad)} is not utf-8 (byte b'\\xff'); give the "
        "file's --encoding (e.g. cp1252 or latin-1)"
    )
    assert _dump(db)["advocate"] == []
    assert _children() == before  # the helper is gone


def test_a_helper_that_dies_is_an_error_not_a_hang(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer_feed, "_produce", lambda *args: os._exit(3))
    source = _write(tmp_path / "book.csv", _book(4500))
    db = tmp_path / "book.db"
    result = _import(cli, db, source)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: reading book.csv stopped unexpectedly"
    assert _dump(db)["advocate"] == []


def test_many_chunks_from_stdin_through_the_helper(tmp_path: Path) -> None:
    """The helper is forked, not spawned by multiprocessing (which would close stdin)."""
    source = _write(tmp_path / "book.csv", _book(4500))
    db = tmp_path / "book.db"
    with source.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "reftrack", "--db", str(db), "import", "advocates", "-"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "4500 inserted" in done.stdout + done.stderr
    assert len(_dump(db)["advocate"]) == 4500


def test_the_progress_bar_sees_what_the_helper_has_read(tmp_path: Path) -> None:
    """The bar (on a terminal) shows bytes read; with a helper, it reads them elsewhere."""
    source = _write(tmp_path / "book.csv", _book(9000))
    database = open_database(f"sqlite:///{tmp_path / 'book.db'}")
    seen: list[int] = []
    try:
        with source.open("rb") as binary, database.session(write=True) as session:
            table = tables.open_table(binary, tables.Options("advocates"), name="book.csv")
            import_tables(
                session,
                tables={"advocates": table},
                today=date(2026, 3, 16),
                progress=lambda: seen.append(table.bytes_read),
            )
    finally:
        database.engine.dispose()
    assert table.read_elsewhere is not None  # the helper read it
    assert len(seen) == 5 and seen == sorted(seen) and seen[0] < seen[-1]
    assert seen[-1] == source.stat().st_size


def test_without_a_helper_the_same_book(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One CPU, or not Linux: every chunk is read in the importer itself."""
    source = _write(tmp_path / "book.csv", _book(4500))
    helped, alone = tmp_path / "helped.db", tmp_path / "alone.db"
    assert _import(cli, helped, source).exit_code == 0
    monkeypatch.setattr(transfer_feed, "_can_fork", lambda: False)
    monkeypatch.setattr(transfer_feed, "_produce", lambda *args: os._exit(3))  # never used
    assert _import(cli, alone, source).exit_code == 0
    assert _dump(alone) == _dump(helped)


def _journal(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_new_files_first_import_ends_in_wal(cli: Invoke, tmp_path: Path) -> None:
    """Written in rollback-journal mode (each page once), then WAL as every reftrack file."""
    source = _write(tmp_path / "book.csv", _book(2500))
    db = tmp_path / "book.db"
    assert _import(cli, db, source).exit_code == 0
    assert _journal(db) == "wal"
    assert len(_dump(db)["advocate"]) == 2500
    # a failed first import leaves the schema; the next command turns WAL on
    bad = _write(tmp_path / "bad.csv", [_book(1)[0], ["1", ""] + [""] * 13])
    other = tmp_path / "other.db"
    assert _import(cli, other, bad).exit_code == 1
    assert cli("--db", str(other), "advocate", "list").exit_code == 0
    assert _journal(other) == "wal"


@given(hashes=st.lists(st.integers(-(2**63), 2**63 - 1), unique=True, max_size=50))
def test_a_chunks_fingerprints_are_the_ones_a_key_gets_alone(hashes: list[int]) -> None:
    """AdvocateKeys.place spells _mark out inline for speed: the two must agree."""
    place = transfer_keys.AdvocateKeys.place(hashes)
    assert place is not None
    assert list(zip(*place, strict=True)) == [transfer_keys._mark(h) for h in hashes]
