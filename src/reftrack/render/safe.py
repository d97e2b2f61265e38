"""Text made safe for a terminal: stored data shows, it never acts.

A name, note or phone can hold anything a CSV or a script put there: ESC sequences that
clear the screen or retitle the window, a carriage return or backspaces that write over
what came before, a right-to-left override that makes text read backwards. Every path
that writes stored text for people (tables, messages, charts, the profile views, the
import's dry-run lines) passes it through here first; JSON, CSV and export write the
data as it is and do not.

Each unsafe character becomes the escape Python would write for it, so nothing is lost
and nothing acts: C0 controls and DEL as ``\\x1b``, ``\\x07``, ``\\x00`` … (with ``\\r``,
``\\n`` and ``\\t`` by their names), C1 controls ``\\x80``–``\\x9f`` likewise, and the
Unicode bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) as
``\\u202e`` and so on. Newline and tab are kept where the layout can hold them
(:func:`terminal_text`) and escaped where a value must stay on its line
(:func:`terminal_line`: a table cell, a label, a one-line message). A backslash already
in the data is left as it is.

Cheap on purpose: ``str.isprintable`` (C speed) passes ordinary text through untouched,
and only text that fails it goes through one precomputed ``str.translate`` table.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def _escape(code: int) -> str:
    char = chr(code)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# one line: every control and bidi character escaped; text: newline and tab kept
_LINE_TABLE = {code: _escape(code) for code in (*_CONTROLS, *_BIDI)}
_TEXT_TABLE = {code: text for code, text in _LINE_TABLE.items() if chr(code) not in "\n\t"}


def terminal_line(value: str) -> str:
    """``value`` with every control and bidi character shown as its escape; one line."""
    if value.isprintable():  # the usual case: nothing to do (controls and bidi are not)
        return value
    return value.translate(_LINE_TABLE)


def terminal_text(value: str) -> str:
    """``value`` safe for a terminal, keeping its newlines and tabs (text of many lines)."""
    if value.isprintable():
        return value
    return value.translate(_TEXT_TABLE)
