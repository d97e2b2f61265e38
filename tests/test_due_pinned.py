"""`due` reads with one raw SQL statement of its own (services/due.py, for start-up speed);
run by SQLAlchemy, and on a SQLite file by the standard library's sqlite3 (db_file);
`followup list` reads the same follow-ups through the ORM (services/followups.py, scoped to
an owner by db.py). Nothing in the code holds the two together, so this does.

Books are made through the real CLI: several owners on one database and unowned (older)
records, asks, referrals in every stage, follow-ups open, done and snoozed, an archived
advocate, due in the past, today and later; one book written out by hand, more generated
by hypothesis. For several ``as_of``/``until`` windows, scoped to one owner, another, an
owner with no records and to everyone, `due_items` must give exactly what the ORM listing
gives once cut at the window's last day: the same follow-ups in the same order, every
column of each, the names and contact details joined in, the action text, how late it is
and the row `due --format json` prints. The action text is `due.describe` on both sides:
what is pinned here is what the SQL reads, not the wording (tests/test_due.py pins that).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import col, select
from typer.testing import Result

from reftrack.cli import common
from reftrack.db import Database, open_database, resolve_url, sqlite_path
from reftrack.db_file import Reader, SessionReader, open_file
from reftrack.enums import WON_THANK_NOTE, Status
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.records import followup_row
from reftrack.services import followups
from reftrack.services.aggregates import mine
from reftrack.services.due import DueItem, DueView, describe, due_items
from tests.helpers import PG_TEMPLATE, TODAY, Invoke, People

pytestmark = pytest.mark.both_engines

DAY = date.fromisoformat(TODAY)
OWNERS = ("ann", "bob", "cy")
SCOPES = ("ann", "bob", "nobody", None)  # None: everyone; "nobody" sees the unowned only
COLUMNS = tuple(FollowUp.__table__.columns.keys())  # type: ignore[attr-defined]
STAMPS = ("created_at", "updated_at")
# what `describe` and the JSON row read of the records joined in
CONTACT = {
    "advocate": ("name", "email", "phone"),
    "referral": ("prospect", "company", "phone", "email", "status"),
    "ask": ("asked_on", "target"),
}
Window = tuple[date, date | None]  # as_of, until (None: as_of, as `due` without --within)


def days(n: int) -> date:
    return DAY + timedelta(days=n)


# --- the two paths, in one shape ---------------------------------------------------------


def _columns(follow_up: Any) -> dict[str, Any]:
    """Every column: the model's, and of due.py's object whatever its SQL brought (so a
    column missing there, or extra, shows in the difference)."""
    if isinstance(follow_up, SimpleNamespace):
        values = dict(vars(follow_up))
    else:
        values = {name: getattr(follow_up, name) for name in COLUMNS}
    # Known and harmless: due.py hands the timestamps back as stored (text on SQLite, a
    # naive UTC datetime on PostgreSQL) where the models give aware UTC; it turns only the
    # dates into dates, and nothing in `due` reads the timestamps. Compared as UTC here.
    for name in STAMPS:
        if name in values:
            values[name] = _utc(values[name])
    return values


def _utc(stamp: Any) -> Any:
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    if isinstance(stamp, datetime) and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp


def _shape(view: Any, action: str, days_late: int) -> dict[str, Any]:
    joined = {}
    for part, names in CONTACT.items():
        record = getattr(view, part)
        joined[part] = None if record is None else {name: getattr(record, name) for name in names}
    return {
        "follow_up": _columns(view.follow_up),
        **joined,
        "action": action,
        "days_late": days_late,
        "row": followup_row(view.follow_up, view.advocate_name, view.prospect),
    }


def due_shape(item: DueItem) -> dict[str, Any]:
    return _shape(item.view, item.action, item.days_late)


def orm_shape(view: followups.FollowUpView, as_of: date) -> dict[str, Any]:
    models = DueView(
        follow_up=view.follow_up, advocate=view.advocate, referral=view.referral, ask=view.ask
    )
    return _shape(view, describe(models), (as_of - view.follow_up.due_on).days)


def active(views: Iterable[followups.FollowUpView]) -> list[followups.FollowUpView]:
    """What `due` lists of the ORM listing: not an archived advocate's follow-ups."""
    return [v for v in views if not (v.advocate is not None and v.advocate.archived)]


def owned(view: followups.FollowUpView, owner: str | None) -> bool:
    """The owner scope written out: that owner's follow-ups and the unowned, older ones."""
    return owner is None or view.follow_up.owner in (owner, None)


def readers(database: Database, session: Any, owner: str | None) -> Iterator[Reader]:
    """The two executors of `due`'s SQL: SQLAlchemy in the session, and on a SQLite file
    the standard library's sqlite3 (what `reftrack due` takes there)."""
    yield SessionReader(session)
    path = sqlite_path(database.url)
    if path is not None:
        reader = open_file(path, busy_timeout_ms=1000, scope_owner=owner)
        assert reader is not None, "an ordinary file at the head schema opens without SQLAlchemy"
        try:
            yield reader
        finally:
            reader.close()


def assert_paths_agree(database: Database, windows: Iterable[Window]) -> int:
    """`due_items` equals the ORM listing for every window and scope; how many items."""
    windows = list(windows)
    with database.session() as session:
        everyone = active(followups.views(session))
    archived = select(col(Advocate.id)).where(col(Advocate.archived))
    compared = 0
    for owner in SCOPES:
        with database.session(scope_owner=owner) as session:
            listed = active(followups.views(session))  # the ORM path, scoped by db.py
            assert [v.follow_up.id for v in listed] == [
                v.follow_up.id for v in everyone if owned(v, owner)
            ], owner
            for as_of, until in windows:
                last = until or as_of
                expected = [orm_shape(v, as_of) for v in listed if v.follow_up.due_on <= last]
                for reader in readers(database, session, owner):
                    items = due_items(reader, as_of=as_of, until=until)
                    got = [due_shape(item) for item in items]
                    where = f"{type(reader).__name__} owner={owner} as_of={as_of} until={until}"
                    assert got == expected, where
                # and the scope metrics and `next` read with (aggregates.mine), by ids;
                # on the connection, so db.py's ORM scope stays out of it
                by_mine = (
                    select(col(FollowUp.id))
                    .where(col(FollowUp.done_on).is_(None), col(FollowUp.due_on) <= last)
                    .where(mine(session, FollowUp))
                    .where(col(FollowUp.advocate_id).not_in(archived))
                    .order_by(col(FollowUp.due_on), col(FollowUp.id))
                )
                assert session.connection().execute(by_mine).scalars().all() == [
                    shape["follow_up"]["id"] for shape in expected
                ], f"mine: owner={owner} until={last}"
                compared += len(got)
    return compared


# --- books, made through the CLI ----------------------------------------------------------


@dataclass
class Book:
    """One database filled through the real CLI, by several users."""

    cli: Invoke
    url: str
    folder: Path
    people: People
    database: Database = field(init=False)

    def __post_init__(self) -> None:
        self.database = open_database(self.url)

    def run(self, user: str | None, *args: str, ok: tuple[int, ...] = (0,)) -> Result:
        """As ``user`` (a login role on PostgreSQL); None: as the test's own connection, on
        PostgreSQL the superuser, who may change anyone's records."""
        env = {"REFTRACK_USER": "ann", "REFTRACK_DB": self.url}
        if user is not None:
            env = {"REFTRACK_DB": self.url, **self.people.env(user)}
        result = self.cli(*args, env=env)
        assert result.exit_code in ok, (user, args, result.stdout, result.stderr)
        return result

    def script(self, text: str) -> None:
        """Run ``user command…`` lines; ``{kind about}`` is the id of the one open
        follow-up of that kind about that person (its advocate or prospect) or with that
        note; ``user unown {…} {…}`` clears those follow-ups' owner."""
        for line in filter(None, (line.strip() for line in text.splitlines())):
            line = re.sub(r"\{(\w+) ([^}]+)\}", lambda m: str(self.find(*m.groups())), line)
            user, *args = shlex.split(line, comments=True)
            if args[0] == "unown":
                self.unown({int(i) for i in args[1:]})
            else:
                self.run(user, *args)

    def ids(self, model: Any) -> list[int]:
        with self.database.session() as session:
            return list(session.exec(select(col(model.id)).order_by(col(model.id))).all())

    def follow_ups(self) -> list[followups.FollowUpView]:
        """All of them, done ones too."""
        with self.database.session() as session:
            return followups.views(session, include_done=True)

    def find(self, kind: str, about: str) -> int:
        [found] = [
            v.follow_up.id
            for v in self.follow_ups()
            if v.follow_up.kind == kind
            and v.follow_up.done_on is None
            and about in (v.prospect or v.advocate_name, v.follow_up.note)
        ]
        assert found is not None
        return found

    def unown(self, ids: set[int]) -> None:
        """Clear the owner of some follow-ups, as records from before owners have it:
        export, blank their owner cells, import (a file with ids restores records as is)."""
        exported = self.run(None, "export", "followups").stdout
        rows = list(csv.DictReader(io.StringIO(exported)))
        for row in rows:
            if int(row["id"]) in ids:
                row["owner"] = ""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path = self.folder / f"unowned-{uuid.uuid4().hex[:8]}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        self.run(None, "import", "followups", str(path))


@pytest.fixture
def book(cli: Invoke, tmp_path: Path, people: People) -> Iterator[Book]:
    made = Book(cli, resolve_url(None), tmp_path, people)  # the test's own database (conftest)
    yield made
    made.database.engine.dispose()


@pytest.fixture
def fresh_url(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], AbstractContextManager[str]]]:
    """A new, migrated, empty database each time (hypothesis: one per example)."""
    if engine == "postgresql":
        server = request.getfixturevalue("pg_server")
        admin = create_engine(server, isolation_level="AUTOCOMMIT")

        @contextmanager
        def new() -> Iterator[str]:
            name = f"t_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
            try:
                yield make_url(server).set(database=name).render_as_string(hide_password=False)
            finally:
                common.reset(None)  # the CLI's last connection
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

        yield new
        admin.dispose()
        return
    template = tmp_path / "template.db"
    open_database(f"sqlite:///{template}").engine.dispose()

    @contextmanager
    def copy() -> Iterator[str]:
        path = tmp_path / f"{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            common.reset(None)

    yield copy


# --- one book, written out ---------------------------------------------------------------

# Today is Monday 2026-03-16; Ann, Bob and Cy log into one database.
WRITTEN = """
ann advocate add "Anna de Vries" --company Beta --email anna@beta.example --phone 020111
bob advocate add "Bert Smit" --phone 0302222222 --nps 10
cy  advocate add "Cees Bos" --nps 8  # no way to reach him on file
ann ask add anna --on 2026-03-01 --target "the CFO of Delta"  # check back 03-08, circle 05-15
bob ask add bert --on 2026-03-09  # check back today
cy  ask add cees --on 2026-01-10  # check back 01-17, circle back 03-26
ann referral add anna "Piet Bakker" --company Gamma --phone 0612345678 --on 2026-03-10
ann referral move piet contacted --on 2026-03-13  # call today
bob referral add bert "Kees Visser" --email kees@example.com --organic --on 2026-03-15
bob referral move kees meeting --on 2026-03-16  # contact 03-19
ann referral add anna "Lotte Mol" --organic --on 2026-02-01
ann referral move lotte won --value 500 --on 2026-03-12  # "became a customer" thank-you
cy  referral add cees "Joop Kok" --organic --on 2026-02-20
cy  referral move joop lost --reason "went elsewhere" --on 2026-03-01
ann followup done {thank Piet Bakker} --on 2026-03-11
bob followup snooze {check_ask Bert Smit} +2w
cy  followup add --advocate cees --due 2026-04-01 "send the case study"
cy  followup add --advocate cees --due 2026-03-02 "ring about renewal"
cy  followup done {custom ring about renewal} --on 2026-03-03 --note rang
bob followup add --advocate anna --due 2026-03-14 "ask for a quote"  # about Ann's records
bob followup add --referral piet --due today "check the deck"
ann followup add --ask anna --due 2026-03-20 "chase the CFO intro"
cy  advocate archive cees  # cancels his open follow-ups
cy  followup add --advocate cees --due 2026-03-10 "return the demo kit"  # stays out of due
ann unown {custom check the deck} {custom ask for a quote}
"""
WINDOWS: list[Window] = [
    (as_of, until)
    for as_of in (days(-80), days(-8), DAY, days(3), days(77))
    for until in (None, *(as_of + timedelta(days=n) for n in (1, 7, 90)))
]


def test_a_written_book(book: Book, engine: str) -> None:
    book.script(WRITTEN)
    views = book.follow_ups()
    every = [v.follow_up for v in views]
    open_ = [f for f in every if f.done_on is None]
    assert {f.kind for f in open_} == {
        *("thank", "contact", "check_ask", "circle_back", "custom", "details")
    }
    assert any(f.note == WON_THANK_NOTE for f in open_)
    assert any(f.done_on is not None and f.kind == "custom" for f in every)  # done by hand
    assert any(f.done_on is not None and f.outcome == "ask referred" for f in every)  # by a rule
    o = book.people.owner
    assert {f.owner for f in open_} == {o("ann"), o("bob"), o("cy"), None}
    assert {(f.due_on > DAY) - (f.due_on < DAY) for f in open_} == {-1, 0, 1}  # past, today, on
    assert days(14) in {f.due_on for f in open_ if f.kind == "check_ask"}  # snoozed
    assert any(v.advocate and v.advocate.archived and v.follow_up.done_on is None for v in views)

    assert assert_paths_agree(book.database, WINDOWS) > 100

    # end to end: what `due --format json` prints under its scope options
    def orm_rows(owner: str | None, until: date, as_of: date = DAY) -> list[dict[str, Any]]:
        with book.database.session(scope_owner=owner) as session:
            listed = active(followups.views(session))
        return [
            {**shape["row"], "action": shape["action"], "days_late": shape["days_late"]}
            for shape in (orm_shape(v, as_of) for v in listed)
            if shape["follow_up"]["due_on"] <= until
        ]

    def printed(user: str, *args: str) -> list[dict[str, Any]]:
        return list(json.loads(book.run(user, "due", *args, "--format", "json").stdout))

    yours = o("ann") if engine == "postgresql" else None  # a SQLite file is one person's
    assert printed("ann") == orm_rows(yours, DAY)
    assert printed("ann", "--within", "7d") == orm_rows(yours, days(7))
    assert printed("ann", "--owner", o("bob"), "--within", "2w") == orm_rows(o("bob"), days(14))
    assert printed("cy", "--everyone", "--within", "1y") == orm_rows(None, date(2027, 3, 16))
    assert printed("cy", "--everyone", "--as-of", "2026-03-01") == orm_rows(
        None, days(-15), days(-15)
    )


# --- books generated by hypothesis --------------------------------------------------------

# What a generated book is made of. {advocate}, {referral}, {ask} and {follow_up} are ids of
# earlier records (hypothesis picks which), {on} a day up to today, {due} any day around
# it, {n} the step's number (names stay unique). Steps marked "?" may be refused by the
# state of the book (a one-line error, exit 1): moving a referral to the stage it is in or
# to a day before it came, doing or snoozing a done follow-up.
COMMANDS = (
    "ask add {advocate} --force --on {on}",
    'referral add {advocate} "Prospect {n}" --on {on}',
    'followup add --advocate {advocate} --due {due} "note {n}"',
    'advocate add "Person {n}"',
    'advocate add "Person {n}" --company "Co {n}" --email p{n}@example.com --phone 06{n}',
    'ask add {advocate} --force --on {on} --target "the boss of Co {n}"',
    'referral add {advocate} "Prospect {n}" --organic --phone 07{n} --on {on}',
    'referral add {advocate} "Prospect {n}" --company "Firm {n}" --email r{n}@x.example',
    "? referral move {referral} {stage} --on {on}",
    "? referral move {referral} won --value 100 --on {on}",
    "? referral move {referral} lost --reason price --on {on}",
    'followup add --referral {referral} --due {due} "note {n}"',
    'followup add --ask {ask} --due {due} "note {n}"',
    "? followup done {follow_up} --on {on}",
    "? followup snooze {follow_up} +{n}d",
    "? advocate archive {advocate}",
)


@dataclass(frozen=True)
class Step:
    command: str
    user: str
    pick: int  # which earlier record (modulo how many there are)
    day: int  # from today
    stage: Status

    def args(self, n: int, records: dict[str, list[int]]) -> list[str] | None:
        """The command line, or None when it needs a record the book has none of yet."""
        values: dict[str, Any] = {
            "n": n,
            "on": days(min(self.day, 0)),
            "due": days(self.day),
            "stage": self.stage.value,
        }
        for name, ids in records.items():
            if "{" + name + "}" in self.command:
                if not ids:
                    return None
                values[name] = ids[self.pick % len(ids)]
        return shlex.split(self.command.removeprefix("? ").format(**values))


steps = st.builds(
    Step,
    command=st.sampled_from(COMMANDS),
    user=st.sampled_from(OWNERS),
    pick=st.integers(0, 30),
    day=st.integers(-40, 40),
    stage=st.sampled_from(list(Status)),
)
windows = st.lists(
    st.tuples(st.integers(-30, 45), st.one_of(st.none(), st.integers(0, 90))).map(
        lambda w: (days(w[0]), None if w[1] is None else days(w[0] + w[1]))
    ),
    min_size=2,
    max_size=4,
)


def play(book: Book, first: str, plan: list[Step], unowned: list[int]) -> None:
    book.run(first, "advocate", "add", "Person 0")
    for n, step in enumerate(plan, 1):
        records = {
            "advocate": book.ids(Advocate),
            "referral": book.ids(Referral),
            "ask": book.ids(Ask),
            "follow_up": book.ids(FollowUp),
        }
        args = step.args(n, records)
        if args is not None:
            book.run(step.user, *args, ok=(0, 1) if step.command.startswith("?") else (0,))
    ids = book.ids(FollowUp)
    if unowned and ids:
        book.unown({ids[pick % len(ids)] for pick in unowned})


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.sampled_from(OWNERS),
    plan=st.lists(steps, min_size=4, max_size=8),
    unowned=st.lists(st.integers(0, 30), max_size=2),
    windows=windows,
)
def test_generated_books(
    cli: Invoke,
    tmp_path: Path,
    fresh_url: Callable[[], AbstractContextManager[str]],
    first: str,
    plan: list[Step],
    unowned: list[int],
    windows: list[Window],
) -> None:
    with fresh_url() as url:
        # one connection for every user: on PostgreSQL all its records are the superuser's
        # (roles per example would cost more than the example); test_a_written_book and
        # test_owners play real roles
        book = Book(cli, url, tmp_path, People(None))
        try:
            play(book, first, plan, unowned)
            assert_paths_agree(book.database, [(DAY, None), (DAY, days(90)), *windows])
        finally:
            book.database.engine.dispose()
