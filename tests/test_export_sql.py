"""Export on SQLite makes every cell in SQL (transfer/fast/export_sql.py): it must write
byte for byte what the engine-agnostic path writes (``records.*_row`` through
``writing.write_csv``, the path PostgreSQL takes), for any text a record may hold."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reftrack import records
from reftrack.db import open_database
from reftrack.files import writing
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.records import KINDS
from reftrack.transfer.export import export_rows
from reftrack.transfer.fast import export_sql

_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["=1+1", "+31 6", "-5", "@x", "\tx", "\rx", "\nx", "'t Hart", "a\rb", "é", ""]),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=5),
)


def _both(path: Path, kind: str) -> tuple[str, str]:
    database = open_database(f"sqlite:///{path}")
    try:
        with database.session() as session:
            connection = session.connection()
            fast, general = io.StringIO(), io.StringIO()
            written = export_sql.write_csv(connection, kind, fast)
            expected = writing.write_csv(
                general, records.COLUMNS[kind], export_rows(connection, kind=kind)
            )
            assert written == expected
            return fast.getvalue(), general.getvalue()
    finally:
        database.engine.dispose()


def _seed(path: Path, texts: list[str | None], value: int | None, archived: bool) -> None:
    database = open_database(f"sqlite:///{path}")
    try:
        with database.session(write=True) as session:
            people = [
                Advocate(
                    name=text or "x",
                    company=text,
                    email=text,
                    phone=text,
                    tags=text,
                    notes=text,
                    owner=text,
                    archived=archived,
                    nps=7,
                )
                for text in texts
            ]
            session.add_all(people)
            session.flush()
            for person, text in zip(people, texts, strict=True):
                ask = Ask(
                    advocate_id=person.id,
                    asked_on=date(2026, 3, 1),
                    target=text,
                    notes=text,
                    forced=not archived,
                )
                session.add(ask)
                session.flush()
                referral = Referral(
                    advocate_id=person.id,
                    ask_id=ask.id,
                    prospect=text or "p",
                    received_on=date(2026, 3, 2),
                    lost_reason=text,
                    value_cents=value,
                    notes=text,
                )
                session.add(referral)
                session.flush()
                session.add(
                    FollowUp(
                        kind="custom",
                        due_on=date(2026, 3, 3),
                        referral_id=referral.id,
                        note=text,
                        outcome=text,
                    )
                )
    finally:
        database.engine.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(_TEXT, min_size=1, max_size=4),
    value=st.one_of(st.none(), st.integers(0, 10**12)),
    archived=st.booleans(),
)
def test_sql_cells_are_the_cells_of_the_general_path(
    tmp_path_factory: pytest.TempPathFactory,
    texts: list[str | None],
    value: int | None,
    archived: bool,
) -> None:
    path = tmp_path_factory.mktemp("export") / "book.db"
    _seed(path, texts, value, archived)
    for kind in KINDS:
        fast, general = _both(path, kind)
        assert fast == general, kind


@pytest.mark.parametrize("carriage", [False, True], ids=["in SQL", "carriage return"])
def test_guarded_cells_and_both_ways_of_writing(tmp_path: Path, carriage: bool) -> None:
    """Without a CR the rows go straight from the cursor; with one, through files.writing."""
    path = tmp_path / "book.db"
    texts = ["=SUM(A1)", "+31 6 1234", "-x", "@me", "'t Hart", "plain", None]
    _seed(path, [*texts, "line\rbreak" if carriage else "line\nbreak"], 5, False)
    fast, general = _both(path, "advocates")
    assert fast == general
    assert "'=SUM(A1)" in fast and "''t Hart" in fast and "'+31 6 1234" in fast
    referrals = _both(path, "referrals")[0]
    assert ",0.05," in referrals  # money made in SQL
    assert ('"line\rbreak"' in fast) == carriage
