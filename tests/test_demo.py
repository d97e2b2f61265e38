"""`reftrack demo`: a realistic sample in its own folder, never the user's database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import Invoke, assert_one_line_error


def test_demo_builds_a_realistic_history_elsewhere(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    result = cli("demo", "--folder", str(folder))
    assert result.exit_code == 0, result.stderr
    demo_db = folder / "demo.db"
    assert f"Demo database: {demo_db}" in result.stdout
    assert f"export REFTRACK_DB={demo_db}" in result.stdout
    assert "Ask next" in result.stdout  # shown with `today`
    assert not db_path.exists()  # the user's own database was never touched

    def listed(*args: str) -> list[dict[str, object]]:
        done = cli("--db", str(demo_db), *args, "--format", "json")
        assert done.exit_code == 0, done.stderr
        return list(json.loads(done.stdout))

    advocates = listed("advocate", "list")
    assert len(advocates) >= 30
    assert {a["source"] for a in advocates} >= {"referral", "inbound", "network"}
    statuses = {r["status"] for r in listed("referral", "list")}
    assert {"won", "lost"} <= statuses and statuses & {"new", "contacted", "meeting", "proposal"}
    asks = listed("ask", "list")
    assert len({a["asked_on"][:7] for a in asks}) >= 6  # spread over months
    assert listed("due", "--within", "7d")  # something to do, dated relative to today


def test_demo_will_not_overwrite(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "demo.db").write_text("mine", encoding="utf-8")
    assert_one_line_error(cli("demo", "--folder", str(tmp_path)), "exists already")
    assert (tmp_path / "demo.db").read_text(encoding="utf-8") == "mine"
