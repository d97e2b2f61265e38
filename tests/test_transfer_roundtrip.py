"""Export → import gives back the same records, ids and links kept (docs/formats.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reftrack import records
from tests.helpers import Invoke, ok

pytestmark = pytest.mark.both_engines

KINDS = tuple(records.KINDS)  # in the order `export all` writes them


def seed(cli: Invoke) -> None:
    """A small database with every kind, every link and awkward text."""
    ok(
        cli(
            "advocate",
            "add",
            "Anna de Vries",
            "--company",
            "Beta, Inc.",
            "--email",
            "anna@beta.nl",
            "--phone",
            "0612345678",
            "--nps",
            "9",
            "--since",
            "2024-05-01",
            "--source",
            "inbound",
            "--tag",
            "vip",
            "--tag",
            "logistics",
            "--note",
            '=SUM(A1)\nsecond line; with "quotes"',
        )
    )
    ok(
        cli(
            "advocate",
            "add",
            "Jan 't Hart",
            "--company",
            "'t Hart & Zn",
            "--phone",
            "+31 6 1234 5678",
            "--nps",
            "7",
            "--since",
            "2023-01-10",
        )
    )
    ok(cli("advocate", "milestone", "Anna", "--on", "2026-03-01", "--note", "ROI review: 3x"))
    ok(cli("advocate", "complaint", "Jan", "--on", "2026-03-02", "--note", '=late, "again"'))
    ok(cli("advocate", "score", "Jan", "4", "--on", "2026-02-01"))
    ok(cli("advocate", "score", "Jan", "8", "--on", "2026-03-05"))
    ok(
        cli(
            "ask",
            "add",
            "Anna",
            "--channel",
            "phone",
            "--on",
            "2026-03-02",
            "--target",
            '-two peers; in "logistics"',
        )
    )
    ok(
        cli(
            "referral",
            "add",
            "Anna",
            "Piet Bakker",
            "--phone",
            "0687654321",
            "--email",
            "piet@bakker.nl",
            "--on",
            "2026-03-03",
        )
    )
    ok(
        cli(
            "referral",
            "move",
            "Piet",
            "won",
            "--value",
            "12500.50",
            "--on",
            "2026-03-10",
            "--make-advocate",
        )
    )
    ok(cli("referral", "add", "Jan", "@Sara Jansen", "--organic", "--on", "2026-03-04"))
    ok(
        cli(
            "referral",
            "move",
            "Sara",
            "lost",
            "--reason",
            "+budget, next year",
            "--on",
            "2026-03-12",
        )
    )
    ok(cli("followup", "add", "--advocate", "Jan", "--due", "2026-04-01", "+call back"))
    ok(cli("advocate", "archive", "Jan"))


def export_all(
    cli: Invoke, folder: Path, env: dict[str, str] | None = None, fmt: str = "csv"
) -> dict[str, str]:
    ok(cli("export", "all", str(folder), "--format", fmt, env=env))
    return {kind: (folder / f"{kind}.{fmt}").read_text(encoding="utf-8") for kind in KINDS}


def test_export_all_then_import_all_restores_every_record(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "out")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}

    result = ok(cli("import", "all", str(tmp_path / "out"), env=other))

    assert export_all(cli, tmp_path / "back", other) == before
    advocates = list(csv.DictReader(io.StringIO(before["advocates"])))
    assert [a["referred_by"] for a in advocates] == ["", "", "1"]  # Piet came from referral 1
    assert "3 inserted, 0 updated, 0 skipped (unchanged), 0 blank rows skipped" in result.stderr
    assert "Traceback" not in result.stderr


def show_all(cli: Invoke, ids: list[str], env: dict[str, str] | None = None) -> list[object]:
    return [
        json.loads(ok(cli("advocate", "show", id, "--format", "json", env=env)).stdout)
        for id in ids
    ]


def test_a_restore_keeps_every_score_and_event_and_every_profile(
    cli: Invoke, tmp_path: Path
) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "out")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}

    result = ok(cli("import", "all", str(tmp_path / "out"), env=other))

    assert export_all(cli, tmp_path / "back", other) == before
    scores = list(csv.DictReader(io.StringIO(before["scores"])))
    jan = [(s["score"], s["scored_on"]) for s in scores if s["advocate"] == "Jan 't Hart"]
    assert jan[-2:] == [("4", "2026-02-01"), ("8", "2026-03-05")]
    events = list(csv.DictReader(io.StringIO(before["events"])))
    assert [(e["kind"], e["note"]) for e in events] == [
        ("milestone", "ROI review: 3x"),
        ("complaint", '\'=late, "again"'),
    ]
    assert "imported scores from scores.csv" in result.stderr
    ids = [a["id"] for a in csv.DictReader(io.StringIO(before["advocates"]))]
    shown = show_all(cli, ids)
    assert show_all(cli, ids, other) == shown
    assert "ROI review: 3x" in json.dumps(shown) and '"score": 4' in json.dumps(shown)


def test_json_export_round_trips_too(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "out", fmt="json")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    ok(cli("import", "all", str(tmp_path / "out"), env=other))
    assert export_all(cli, tmp_path / "back", other, fmt="json") == before
    assert json.loads(before["referrals"])[0]["value"] == "12500.50"


def test_each_kind_exports_and_imports_on_its_own(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    files = {}
    for kind in KINDS:
        files[kind] = tmp_path / f"{kind}.csv"
        ok(cli("export", kind, str(files[kind])))
    result = cli("import", "advocates", str(files["advocates"]), env=other)
    assert result.exit_code == 1
    assert "advocates.csv line 5, column 'referred_by': there is no referral #1" in result.stderr
    advocates = files["advocates"].read_text()
    files["advocates"].write_text(advocates.replace(",referral,1,", ",referral,,"))
    for kind in KINDS:
        result = ok(cli("import", kind, str(files[kind]), env=other))
        assert f"imported {kind} from {kind}.csv" in result.stderr
    for kind in ("asks", "referrals", "followups"):
        assert ok(cli("export", kind, env=other)).stdout == files[kind].read_text()


def test_export_to_stdout_is_the_canonical_csv(cli: Invoke, me: str) -> None:
    seed(cli)
    text = ok(cli("export", "advocates")).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "id",
        "name",
        "company",
        "email",
        "phone",
        "tags",
        "nps",
        "nps_on",
        "customer_since",
        "source",
        "referred_by",
        "last_milestone_on",
        "last_complaint_on",
        "archived",
        "notes",
        "title",
        "url",
        "value_per_year",
        "churned_on",
        "owner",  # beyond §7: who logged it
    ]
    anna = dict(zip(rows[0], rows[1], strict=True))
    # who logged it: REFTRACK_USER on a file, the database role on PostgreSQL
    assert anna["owner"] == me
    assert anna["tags"] == "vip;logistics"
    assert anna["phone"] == "0612345678"
    assert anna["customer_since"] == "2024-05-01"
    assert anna["archived"] == "false"


def test_formula_cells_are_neutralised_but_stored_values_stay_exact(
    cli: Invoke, tmp_path: Path
) -> None:
    seed(cli)
    text = ok(cli("export", "advocates")).stdout
    assert '"\'=SUM(A1)\nsecond line; with ""quotes"""' in text
    assert "''t Hart & Zn" in text  # an apostrophe first gets one more
    assert ",Jan 't Hart," in text  # an apostrophe inside is left alone
    assert "'+31 6 1234 5678" in text
    referrals = ok(cli("export", "referrals")).stdout
    assert "'@Sara Jansen" in referrals and "'+budget, next year" in referrals
    stored = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)
    assert stored[0]["notes"] == '=SUM(A1)\nsecond line; with "quotes"'
    assert stored[1]["company"] == "'t Hart & Zn"
    assert stored[1]["phone"] == "+31 6 1234 5678"


def test_reimporting_the_same_files_changes_nothing(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "out")
    result = ok(cli("import", "all", str(tmp_path / "out")))
    assert "imported advocates from advocates.csv: 0 inserted, 0 updated, 3 skipped" in (
        result.stderr
    )
    assert "imported followups from followups.csv: 0 inserted, 0 updated" in result.stderr
    assert export_all(cli, tmp_path / "again") == before


def test_dry_run_lists_what_would_happen_and_changes_nothing(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    export_all(cli, tmp_path / "out")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}

    result = ok(cli("import", "all", str(tmp_path / "out"), "--dry-run", env=other))

    lines = result.stdout.splitlines()
    assert lines[0] == "insert  advocates.csv line 2  advocate #1 Anna de Vries"
    assert sum(line.startswith("insert") for line in lines) == len(lines)
    assert "dry run: nothing was changed" in result.stderr
    empty = export_all(cli, tmp_path / "back", other)
    assert all(text.count("\n") == 1 for text in empty.values())  # header only


def test_dry_run_shows_updates_with_the_fields_that_change(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    path = tmp_path / "advocates.csv"
    ok(cli("export", "advocates", str(path)))
    path.write_text(path.read_text().replace("anna@beta.nl", "anna@beta.com"))

    result = ok(cli("import", "advocates", str(path), "--dry-run"))

    assert "update  advocates.csv line 2  advocate #1 Anna de Vries: email" in result.stdout
    assert "skip    advocates.csv line 4  advocate #2 Jan 't Hart" in result.stdout
    assert "0 inserted, 1 updated, 2 skipped" in result.stderr
    stored = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)
    assert stored[0]["email"] == "anna@beta.nl"


def test_an_edited_export_updates_in_place_and_clears_emptied_cells(
    cli: Invoke, tmp_path: Path
) -> None:
    seed(cli)
    path = tmp_path / "advocates.csv"
    ok(cli("export", "advocates", str(path)))
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["phone"], rows[0]["nps"] = "", "10"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    result = ok(cli("import", "advocates", str(path)))

    assert "0 inserted, 1 updated, 2 skipped" in result.stderr
    anna = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)[0]
    assert (anna["phone"], anna["nps"]) == (None, 10)


def test_export_all_needs_a_folder_and_ics_is_for_followups(cli: Invoke) -> None:
    result = cli("export", "all")
    assert result.exit_code == 1 and "give a folder" in result.stderr
    result = cli("export", "advocates", "--format", "ics")
    assert result.exit_code == 1 and "--format ics is for `export followups`" in result.stderr


def test_followups_export_as_a_calendar(cli: Invoke) -> None:
    seed(cli)
    text = ok(cli("export", "followups", "--format", "ics")).stdout
    assert text.startswith("BEGIN:VCALENDAR")
    assert text.count("BEGIN:VEVENT") >= 1


def test_importing_scores_and_events_leaves_the_advocates_fields_alone(
    cli: Invoke, tmp_path: Path
) -> None:
    ok(cli("advocate", "add", "Anna", "--nps", "9", "--since", "2024-01-01"))
    ok(cli("advocate", "milestone", "Anna", "--on", "2026-03-01"))
    before = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)
    scores = tmp_path / "scores.csv"
    scores.write_text("advocate,score,scored_on\nAnna,3,2026-03-10\n")
    events = tmp_path / "events.csv"
    events.write_text("advocate_id,kind,happened_on,note\n1,milestone,2026-03-12,renewal\n")

    assert "1 inserted" in ok(cli("import", "scores", str(scores))).stderr
    assert "1 inserted" in ok(cli("import", "events", str(events))).stderr

    assert json.loads(ok(cli("export", "advocates", "--format", "json")).stdout) == before
    history = list(csv.DictReader(io.StringIO(ok(cli("export", "scores")).stdout)))
    assert [(s["score"], s["scored_on"]) for s in history][-1] == ("3", "2026-03-10")
    shown = json.loads(ok(cli("advocate", "show", "Anna", "--format", "json")).stdout)
    assert "renewal" in json.dumps(shown)


def test_a_score_for_an_unknown_advocate_is_a_bad_row(cli: Invoke, tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("advocate_id,score,scored_on\n7,3,2026-03-10\n1,11,2026-03-10\n")
    ok(cli("advocate", "add", "Anna"))
    result = cli("import", "scores", str(scores))
    assert result.exit_code == 1
    assert "scores.csv line 2, column 'advocate_id': there is no advocate #7" in result.stderr
    assert "scores.csv line 3, column 'score': '11' is not a score" in result.stderr
    assert ok(cli("export", "scores")).stdout == "id,advocate_id,advocate,score,scored_on\n"


def test_reimporting_scores_and_events_without_ids_adds_nothing(
    cli: Invoke, tmp_path: Path
) -> None:
    ok(cli("advocate", "add", "Anna"))
    ok(cli("advocate", "score", "Anna", "8", "--on", "2026-03-01"))
    scores = tmp_path / "scores.csv"
    scores.write_text("advocate,score,scored_on\nAnna,8,2026-03-01\nAnna,3,2026-03-10\n")
    events = tmp_path / "events.csv"
    events.write_text("advocate,kind,happened_on,note\nAnna,complaint,2026-03-12,late\n")
    assert "1 inserted, 0 updated, 1 skipped" in ok(cli("import", "scores", str(scores))).stderr
    assert "0 inserted, 0 updated, 2 skipped" in ok(cli("import", "scores", str(scores))).stderr
    ok(cli("import", "events", str(events)))
    assert "0 inserted, 0 updated, 1 skipped" in ok(cli("import", "events", str(events))).stderr
    rows = list(csv.DictReader(io.StringIO(ok(cli("export", "scores")).stdout)))
    assert [(r["score"], r["scored_on"]) for r in rows] == [
        ("8", "2026-03-01"),
        ("3", "2026-03-10"),
    ]


def test_undo_of_a_restore_takes_back_its_scores_and_events_too(
    cli: Invoke, tmp_path: Path
) -> None:
    seed(cli)
    export_all(cli, tmp_path / "out")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    ok(cli("import", "all", str(tmp_path / "out"), env=other))
    ok(cli("undo", "--last", "1", "--yes", env=other))
    for kind in KINDS:
        assert ok(cli("export", kind, env=other)).stdout.count("\n") == 1, kind


def test_undo_of_an_import_that_changed_a_score_puts_it_back(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("advocate", "add", "Anna"))
    ok(cli("advocate", "score", "Anna", "8", "--on", "2026-03-01"))
    before = ok(cli("export", "scores")).stdout
    edited = tmp_path / "scores.csv"
    edited.write_text(before.replace(",8,2026-03-01", ",6,2026-03-02"))
    assert "1 updated" in ok(cli("import", "scores", str(edited))).stderr
    ok(cli("undo", "--last", "1", "--yes"))
    assert ok(cli("export", "scores")).stdout == before
