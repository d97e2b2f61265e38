"""Stored text shows on a terminal, it never acts there (``render.safe``).

A name, note or phone can hold what a script or a hostile CSV put in it: ESC sequences
that retitle the window or clear the screen, a carriage return that writes over a line,
a bidi override that makes text read backwards, Rich markup. Every screen for people
shows them as escapes (``\\x1b``, ``\\r``, ``\\u202e``) and markup as its letters; JSON, CSV
and export give back the exact stored text.
"""

from __future__ import annotations

import pytest

from reftrack.render.safe import terminal_line, terminal_text

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
