"""TAB completion in a real bash on a pseudo-terminal: record names come from the book
(the start-up budget of that path is pinned in tests/test_startup.py)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import Invoke, ok

BASH = shutil.which("bash")


def _read(controller: int, seconds: float) -> bytes:
    output, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                output += os.read(controller, 65536)
            except OSError:
                break
    return output


def tab(line: str, db: Path) -> str:
    """What bash makes of ``line`` + TAB with reftrack's completion loaded."""
    assert BASH is not None
    controller, terminal = pty.openpty()
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "REFTRACK_DB": str(db), "TERM": "dumb", "PS1": "$ "}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    shell = subprocess.Popen(
        [BASH, "--norc", "--noprofile", "-i"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    try:
        os.write(controller, b'eval "$(_REFTRACK_COMPLETE=source_bash reftrack)"\n')
        _read(controller, 3)
        os.write(controller, line.encode() + b"\t")
        return _read(controller, 4).decode(errors="replace")
    finally:
        os.write(controller, b"\x03exit\n")
        _read(controller, 0.5)
        os.close(controller)
        shell.kill()
        shell.wait(timeout=10)


@pytest.mark.skipif(BASH is None, reason="no bash")
def test_tab_completes_an_advocate_name(cli: Invoke, db_path: Path) -> None:
    if shutil.which("reftrack", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the reftrack console script is not installed beside this python")
    ok(cli("advocate", "add", "Greta Groen"))
    ok(cli("advocate", "add", "Anna de Vries"))
    shown = tab("reftrack advocate show Gr", db_path)
    assert "reftrack advocate show Greta\\ Groen " in shown
    shown = tab("reftrack referral add An", db_path)
    assert "reftrack referral add Anna\\ de\\ Vries " in shown


@pytest.mark.skipif(BASH is None, reason="no bash")
def test_tab_completes_a_prospect_not_a_file_name(cli: Invoke, db_path: Path) -> None:
    if shutil.which("reftrack", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the reftrack console script is not installed beside this python")
    ok(cli("advocate", "add", "Anna de Vries"))
    ok(cli("referral", "add", "anna", "Piet Bakker", "--organic", "--phone", "0612"))
    shown = tab("reftrack referral move Pi", db_path)
    assert "reftrack referral move Piet\\ Bakker " in shown
