"""Stored text shows on a terminal, it never acts there (``render.safe``).

A name, note or phone can hold what a script or a hostile CSV put in it: ESC sequences
that retitle the window or clear the screen, a carriage return that writes over a line,
a bidi override that makes text read backwards, Rich markup. Every screen for people
shows them as escapes (``\\x1b``, ``\\r``, ``\\u202e``) and markup as its letters; JSON, CSV
and export give back the exact stored text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from reftrack.render.safe import terminal_line, terminal_text
from tests.helpers import Invoke, on_pty

TITLE = "\x1b]0;pwned\x07Anna"  # OSC: retitle the terminal window, ended by BEL
CLEAR = "call \x1b[2J back"  # CSI: clear the screen
PHONE = "06\r12345678"  # a carriage return: the rest overwrites the start of the line
C1 = "Acme \x9b2J\x08\x7f"  # C1 CSI (the 8-bit ESC [), a backspace, DEL
BIDI = "Bob \u202etxt.exe\u2069"  # a right-to-left override and a pop isolate
MARKUP = "[bold red]x[/]"  # Rich markup: must show as these letters
HIDDEN = "Piet \x1b[8mhidden"  # SGR 8: conceal what follows
TWIN = "Anna \x1b[1Atwin"  # cursor up; a second "Anna", so a lookup is ambiguous

# what must never reach a terminal raw: C0 but newline and tab, DEL, C1, bidi controls
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNSAFE_BYTES = [b"\x07", b"\x08", b"\x7f", b"\xc2\x9b", "\u202e".encode(), "\u2069".encode()]


def store(cli: Invoke, *args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)


def run(cli: Invoke, *args: str) -> str:
    """Run a command; what it shows (stdout and stderr) holds no raw control character."""
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)
    assert not UNSAFE.search(result.stdout + result.stderr), (args, result.output)
    return result.stdout + result.stderr


@pytest.fixture
def hostile(cli: Invoke) -> None:
    """Hostile text in every kind of field, stored through the real CLI."""
    since = ("--nps", "9", "--since", "2024-01-01")
    store(cli, "advocate", "add", TITLE, "--company", C1, "--phone", PHONE, "--note", CLEAR, *since)
    store(cli, "advocate", "add", BIDI, "--company", MARKUP, "--tag", HIDDEN, *since)
    store(cli, "advocate", "add", MARKUP, "--email", f"{BIDI}@example.test", *since)
    store(cli, "ask", "add", "#1", "--channel", "phone", "--target", CLEAR, "--note", PHONE)
    store(cli, "referral", "add", "#1", HIDDEN, "--phone", PHONE, "--company", C1, "--note", CLEAR)
    store(cli, "referral", "move", "#1", "won", "--value", "1200", "--make-advocate")
    store(cli, "referral", "add", "#2", BIDI, "--organic", "--note", TITLE)
    store(cli, "followup", "add", CLEAR, "--advocate", "#1", "--due", "today")
    store(cli, "advocate", "milestone", "#3", "--note", TITLE)


SCREENS = [
    ("advocate", "list"),
    ("advocate", "show", "#1"),
    ("advocate", "show", "#2"),
    ("advocate", "show", "#4"),
    ("ask", "list"),
    ("referral", "list"),
    ("referral", "show", "#1"),
    ("referral", "show", "#2"),
    ("followup", "list"),
    ("due",),
    ("due", "--within", "7d"),
    ("next", "--all"),
    ("today",),
    ("tree",),
    ("tree", "#4"),
    ("metrics", "--by", "advocate"),
]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("args", SCREENS, ids=" ".join)
def test_no_screen_sends_stored_control_characters(cli: Invoke, args: tuple[str, ...]) -> None:
    run(cli, *args)


@pytest.mark.usefixtures("hostile")
def test_the_escapes_show_what_is_stored(cli: Invoke) -> None:
    """Nothing is lost: each character is shown as its escape, markup as its letters."""
    listed = run(cli, "advocate", "list")
    for shown in ("\\x1b]0;pwned\\x07Anna", "06\\r12345678", "Bob \\u202etxt.exe\\u2069"):
        assert shown in listed
    assert "Acme \\x9b2J\\x08\\x7f" in listed and MARKUP in listed
    profile = run(cli, "advocate", "show", "#1")
    assert profile.startswith("#1 \\x1b]0;pwned\\x07Anna\n")
    # (the label column is as wide as the longest label)
    assert re.search(r"\nnotes +call \\x1b\[2J back\n", profile)
    due = run(cli, "due")
    assert "call \\x1b[2J back" in due and "\\x1b]0;pwned\\x07Anna" in due
    assert "Piet \\x1b[8mhidden" in run(cli, "tree")


@pytest.mark.usefixtures("hostile")
def test_messages_that_name_a_record_are_safe(cli: Invoke) -> None:
    said = run(cli, "advocate", "archive", "#1") + run(cli, "advocate", "archive", "#1", "--undo")
    assert said.count("\\x1b]0;pwned\\x07Anna") == 2
    assert "\\x1b]0;pwned\\x07Anna: milestone on" in run(cli, "advocate", "milestone", "#1")
    assert ": Bob \\u202etxt.exe\\u2069 on" in run(cli, "ask", "add", "#2", "--channel", "email")
    run(cli, "advocate", "add", TWIN)
    result = cli("advocate", "show", "Anna")  # two match: the error names both
    assert result.exit_code != 0
    assert "\\x1b]0;pwned\\x07Anna" in result.stderr and "Anna \\x1b[1Atwin" in result.stderr
    assert not UNSAFE.search(result.stdout + result.stderr)


@pytest.mark.usefixtures("hostile")
def test_json_and_export_keep_the_exact_stored_text(cli: Invoke, cli_json: Any) -> None:
    advocates = {a["id"]: a for a in cli_json("advocate", "list")}
    assert (advocates[1]["name"], advocates[1]["company"]) == (TITLE, C1)
    assert (advocates[1]["phone"], advocates[1]["notes"]) == (PHONE, CLEAR)
    assert (advocates[2]["name"], advocates[2]["company"]) == (BIDI, MARKUP)
    assert advocates[4]["name"] == HIDDEN
    profile = cli_json("advocate", "show", "#3")
    assert profile["advocate"]["email"] == f"{BIDI}@example.test"
    assert profile["events"][0]["note"] == TITLE
    first, second = sorted(cli_json("referral", "list"), key=lambda r: r["id"])
    assert (first["prospect"], first["phone"], first["notes"]) == (HIDDEN, PHONE, CLEAR)
    assert (second["prospect"], second["notes"]) == (BIDI, TITLE)
    assert CLEAR in [item["note"] for item in cli_json("due")]
    exported = cli("export", "advocates", "--format", "json")
    assert {a["id"]: a for a in json.loads(exported.stdout)} == advocates
    as_csv = cli("export", "advocates")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(as_csv.stdout, newline=""))}
    assert (rows[1]["name"], rows[1]["phone"], rows[1]["notes"]) == (TITLE, PHONE, CLEAR)
    assert [rows[i]["name"] for i in (1, 2, 3, 4)] == [TITLE, BIDI, MARKUP, HIDDEN]


def _hostile_csv(path: Path, *, bad: bool = False) -> Path:
    """Written as a hostile file would be: raw controls in the header and the cells."""
    nps = "11\x1b[2J" if bad else "9"
    rows = [
        ["name", "phone", "nps", "notes", "\x1b[31mextra\x1b[0m"],
        ["\x1b]0;csv\x07Eva", "1\r2", nps, "hi \x9b2J \u202eevil", "z"],
        [BIDI, PHONE, "7", MARKUP, ""],
    ]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def test_import_dry_run_and_its_messages_are_safe(cli: Invoke, tmp_path: Path) -> None:
    source = _hostile_csv(tmp_path / "people.csv")
    said = run(cli, "import", "advocates", str(source), "--dry-run")
    assert "advocate #1 \\x1b]0;csv\\x07Eva" in said
    assert "ignoring unknown columns \\x1b[31mextra\\x1b[0m" in said
    run(cli, "import", "advocates", str(source))
    advocates = json.loads(cli("export", "advocates", "--format", "json").stdout)
    assert [(a["name"], a["phone"], a["notes"]) for a in advocates] == [
        ("\x1b]0;csv\x07Eva", "1\r2", "hi \x9b2J \u202eevil"),
        (BIDI, PHONE, MARKUP),
    ]
    run(cli, "advocate", "list")


def test_import_row_errors_are_safe(cli: Invoke, tmp_path: Path) -> None:
    result = cli("import", "advocates", str(_hostile_csv(tmp_path / "bad.csv", bad=True)))
    assert result.exit_code != 0
    assert "'11\\x1b[2J' is not a score" in result.stderr
    assert not UNSAFE.search(result.stdout + result.stderr)


# --- on a real terminal: the Rich path ------------------------------------------------


def _assert_terminal_safe(output: bytes) -> None:
    assert b"\x1b[" in output  # Rich drew it, with its own colour codes
    assert b"]0;pwned" in output and b"\x1b]0;pwned" not in output
    assert b"\\x1b]0;pwned\\x07Anna" in output
    for raw in UNSAFE_BYTES:
        assert raw not in output, raw
    assert re.search(rb"\r(?!\n)", output) is None  # the terminal's own CR LF only


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize(
    "args",
    [("advocate", "list"), ("today",), ("tree",), ("metrics", "--by", "advocate"), ("due",)],
    ids=" ".join,
)
def test_rich_on_a_terminal_shows_no_stored_control(args: tuple[str, ...]) -> None:
    output = on_pty(*args)
    _assert_terminal_safe(output)
    if args == ("advocate", "list"):
        assert MARKUP.encode() in output  # shown as letters, not read as markup


@pytest.mark.usefixtures("hostile")
def test_the_question_after_a_win_is_safe(cli: Invoke) -> None:
    run(cli, "referral", "add", "#1", TITLE, "--organic")
    output = on_pty("referral", "move", "#3", "won", "--value", "10", answer=b"n\n")
    assert b"Add \\x1b]0;pwned\\x07Anna as an advocate?" in output
    assert b"\x1b]0;pwned" not in output and b"\x07" not in output


# --- the one function -------------------------------------------------------------------


def test_ordinary_text_passes_through_untouched() -> None:
    for text in ("Anna de Vries", "Jan Straße", "Dewi 🌺 Lestari 👩🏽‍💼", "C:\\data", ""):
        assert terminal_line(text) == text and terminal_text(text) == text
    plain = "Anna de Vries"
    assert terminal_line(plain) is plain  # the fast path: no copy


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("a\x07b\x08c\x00d\x7f", "a\\x07b\\x08c\\x00d\\x7f"),
        ("06\r1", "06\\r1"),
        ("\x85\x9b\x9f", "\\x85\\x9b\\x9f"),
        ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
        ("\xa0é\u200d", "\xa0é\u200d"),  # printable or harmless: kept
    ],
)
def test_each_unsafe_character_becomes_its_escape(raw: str, shown: str) -> None:
    assert terminal_line(raw) == terminal_text(raw) == shown


def test_newline_and_tab_stay_in_text_and_not_on_a_line() -> None:
    assert terminal_text("one\n\ttwo\x1b") == "one\n\ttwo\\x1b"
    assert terminal_line("one\n\ttwo\x1b") == "one\\n\\ttwo\\x1b"
