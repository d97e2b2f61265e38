"""Input a careful user would not type but a script or a bad day will: odd names, a
read-only database, a full disk. One line, the documented exit code, no traceback, and
the database unchanged where nothing should have been written."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import Invoke, assert_one_line_error, dump


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_a_name_beginning_with_a_dash_after_double_dash(cli: Invoke, cli_json) -> None:  # type: ignore[no-untyped-def]
    assert cli("advocate", "add", "--", "-Anna-").exit_code == 0
    assert [a["name"] for a in cli_json("advocate", "list")] == ["-Anna-"]
    assert cli("advocate", "show", "--", "-anna-").exit_code == 0


def test_a_name_beginning_with_a_dash_without_it_is_a_usage_error(cli: Invoke) -> None:
    assert_one_line_error(cli("advocate", "add", "-Anna"), "No such option", code=2)


def test_very_long_and_emoji_names_survive_exactly(cli: Invoke, cli_json) -> None:  # type: ignore[no-untyped-def]
    long_name = "Ä" * 10_000
    emoji = "Dewi 🌺 Lestari 👩🏽‍💼"
    assert cli("advocate", "add", long_name).exit_code == 0
    assert cli("advocate", "add", emoji, "--company", "Batik & Co 🧵").exit_code == 0
    names = sorted(a["name"] for a in cli_json("advocate", "list"))
    assert names == sorted([long_name, emoji])
    assert cli("ask", "add", "🌺").exit_code == 0  # a partial match on the emoji works
    exported = cli("advocate", "list", "--format", "csv").stdout
    assert emoji in exported and long_name in exported


def _without_root_powers() -> list[str]:
    """Root writes through chmod 444; drop the capability that lets it (if we can)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only file cannot be simulated")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


def test_a_read_only_database_refuses_writes_and_still_reads(cli: Invoke, db_path: Path) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    db_path.chmod(0o444)
    before = file_bytes(db_path)
    base = [*_without_root_powers(), sys.executable, "-m", "reftrack"]
    write = subprocess.run(
        [*base, "advocate", "add", "Bob"], capture_output=True, text=True, check=False
    )
    assert write.returncode == 1
    assert write.stderr.strip().splitlines() == [
        f"error: {db_path} is read-only; make it writable (chmod u+w) or use a copy"
    ]
    read = subprocess.run(
        [*base, "advocate", "list", "--format", "json"], capture_output=True, text=True, check=False
    )
    assert read.returncode == 0, read.stderr
    assert [a["name"] for a in json.loads(read.stdout)] == ["Anna"]
    assert file_bytes(db_path) == before


def test_a_full_disk_fails_cleanly_and_keeps_the_database(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    source = tmp_path / "many.csv"
    source.write_text(
        "name,email,notes\n"
        + "".join(f"Person {i},p{i}@example.test,{'x' * 200}\n" for i in range(20_000)),
        encoding="utf-8",
    )
    limit = db_path.stat().st_size + 64 * 1024  # the files may grow by 64 KiB, no more

    def cap_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "reftrack", "import", "advocates", str(source)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=cap_file_size,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "is the disk full?" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT name FROM advocate").fetchall() == [("Anna",)]


def test_a_config_value_of_the_wrong_type(cli: Invoke, db_path: Path, tmp_path: Path) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    before = dump(db_path)
    (tmp_path / "config.toml").write_text("[money]\ncurrency = 978\n", encoding="utf-8")
    assert_one_line_error(cli("advocate", "add", "Bob"), "money.currency must be a text")
    assert dump(db_path) == before
