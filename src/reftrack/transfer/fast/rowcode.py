"""From a CSV row's cells straight to the tuple SQLite stores: one generated function a file.

The general path (``tables.convert`` → ``Record`` → dicts → ``TableWriter``) spends most of
an import's time on per-field calls and dicts. For a file whose columns map one-to-one to
fields, this compiles one function with each field's common case inline: ids of ASCII
digits, ISO dates (each distinct text checked once), the exact spellings of enum values,
scores and flags, trimmed text, money through the general parser. It returns the values
in the table's column order, already in the form ``transfer.write`` stores on SQLite
(dates as ISO text, the timestamp given), or None for anything it does not recognise: an
empty required field, an unusual cell, a follow-up without a link. A None row takes the
general path, which gives the value or the precise error; so the compiled function can
only ever agree with it (tests/test_rowcode.py compares the two on random cells).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from reftrack.dates import EARLIEST, LATEST
from reftrack.files.fields import (
    ADVOCATE_NAME,
    FALSE_WORDS,
    FIELDS,
    TRUE_WORDS,
    Choice,
    defaults,
    parse_amount,
    parse_flag,
    parse_id,
    parse_line,
    parse_nps,
    parse_tags,
    parse_text,
)
from reftrack.files.writing import restore

# each row needs its advocate
HISTORY_OR_LINKED = ("asks", "referrals", "scores", "events", "intros", "gifts")
RowFunction = Callable[[Sequence[str], str], tuple[Any, ...] | None]
LINKS = ("advocate_id", "ask_id", "referral_id")
_SCORES = {str(n): n for n in range(11)}
_FLAGS = {
    spelling: value
    for words, value in ((TRUE_WORDS, True), (FALSE_WORDS, False))
    for word in words
    for spelling in (word, word.upper(), word.title())
}
_DATES_KEPT = 100_000  # distinct date texts remembered as valid (a career has ~20,000 days)


class DateTexts:
    """ISO date texts already checked: ``2026-03-16`` → itself; anything else → None."""

    def __init__(self) -> None:
        self.valid: dict[str, str] = {}

    def check(self, text: str) -> str | None:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            return None
        try:
            day = date.fromisoformat(text)
            ok = day.isoformat() == text and EARLIEST <= day <= LATEST
        except ValueError:
            return None
        if not ok:
            return None
        if len(self.valid) >= _DATES_KEPT:
            self.valid.clear()
        self.valid[text] = text
        return text


def _cell(index: int, restoring: bool) -> list[str]:
    lines = [f"t = cells[{index}]"]
    if restoring:  # an exported cell "'=SUM(...)" is the text "=SUM(...)"
        lines.append('if t[:1] == "\'": t = restore(t)')
    return lines


def _field_code(name: str, parse: Any, index: int, required: bool, restoring: bool) -> list[str]:
    """Lines that set ``v_<name>`` from ``cells[index]``, or ``return None``."""
    var, blank = f"v_{name}", f"d_{name}"
    if parse is parse_line or parse is parse_tags:
        lines = _cell(index, restoring)
        if parse is parse_tags:
            lines.append(f"{var} = tags(t) if ';' in t else (t.strip() or {blank})")
        else:
            lines.append(f"{var} = t.strip() or {blank}")
        if required:
            lines.append(f"if {var} is None: return None")
        return lines
    if parse is parse_text:
        return [*_cell(index, restoring), f"{var} = t or {blank}"]
    if parse is parse_id:
        parsed = [
            "if not (t.isdigit() and t.isascii()) or t[0] == '0': return None",
            f"{var} = int(t)",
        ]
    elif parse is None:  # a date
        parsed = [f"{var} = dates.get(t) or check_date(t)", f"if {var} is None: return None"]
    elif parse is parse_nps or parse is parse_flag or isinstance(parse, Choice):
        parsed = [f"{var} = table_{name}.get(t)", f"if {var} is None: return None"]
    elif parse is parse_amount:
        parsed = ["try:", f"    {var} = money(t)", "except ValueError:", "    return None"]
    else:  # a parser this module does not know: the general path handles the file
        raise LookupError(name)
    lines = [f"t = cells[{index}]", "if t:"]
    lines += ["    " + line for line in parsed]
    lines += ["else:", "    return None" if required else f"    {var} = {blank}"]
    return lines


def compile_rows(
    kind: str,
    sources: Mapping[str, int],
    width: int,
    columns: Sequence[str],
    *,
    owner: str | None,
    restoring: bool,
    fallback: Mapping[str, Any] | None = None,
) -> RowFunction | None:
    """The row function of a file whose fields are read from ``sources`` (field → cell).

    ``columns`` is the table's column order; ``owner`` the owner of new records when the
    file has no owner column; ``restoring``: undo the export's formula guard (CSV only);
    ``fallback`` the values of columns the file does not have (else the fields' defaults).
    None when a field's parser has no inline form (the general path then does every row).
    """
    fields = {f.name: f for f in FIELDS[kind]}
    namespace: dict[str, Any] = {
        "restore": restore,
        "tags": parse_tags,
        "money": parse_amount,
        "owner": owner,
    }
    dates = DateTexts()
    namespace["dates"], namespace["check_date"] = dates.valid, dates.check
    body = [f"if len(cells) != {width}: return None"]
    if "id" not in sources:  # not an export of records: the cells of real exports
        # (in C: one join, two searches; a rare false match only costs the general path)
        body.append('joined = "\\x1f".join(cells)')
        body.append('if ":::" in joined or "null" in joined: return None')
    stored: dict[str, str] = {}  # database column → expression
    try:
        for name, index in sources.items():
            spec = fields[name]
            if spec.target == "" and name != ADVOCATE_NAME:
                continue  # read for people, not stored (a follow-up's prospect)
            if name == ADVOCATE_NAME:
                continue  # used only when advocate_id is empty: the general path then
            namespace[f"d_{name}"] = spec.default
            if spec.parse is parse_nps:
                namespace[f"table_{name}"] = _SCORES
            elif spec.parse is parse_flag:
                namespace[f"table_{name}"] = _FLAGS
            elif isinstance(spec.parse, Choice):
                namespace[f"table_{name}"] = {value: value for value in spec.parse.allowed}
            required = spec.required or (name == "advocate_id" and kind in HISTORY_OR_LINKED)
            body += _field_code(name, spec.parse, index, required, restoring)
            stored[spec.target] = f"v_{name}"
    except LookupError:
        return None
    if kind != "advocates" and "advocate_id" not in sources:
        return None  # advocates named, not numbered: the general path looks them up
    if kind == "notes":
        return None  # exactly one subject: the general path checks it
    if kind == "followups":
        present = [f"v_{link}" for link in LINKS if link in sources]
        body.append(f"if {' is None and '.join(present)} is None: return None")
        if ADVOCATE_NAME in sources:  # an advocate named instead of numbered
            name_at = sources[ADVOCATE_NAME]
            body.append(f"if v_advocate_id is None and cells[{name_at}].strip(): return None")
    absent = defaults(kind) if fallback is None else fallback
    values = []
    for column in columns:
        if column in stored:
            values.append(stored[column])
        elif column in ("created_at", "updated_at"):
            values.append("now")
        elif column == "owner":
            values.append("owner")
        else:
            namespace[f"c_{column}"] = absent.get(column)
            values.append(f"c_{column}")
    body.append(f"return ({', '.join(values)},)")
    source = "def row(cells, now):\n" + "\n".join("    " + line for line in body) + "\n"
    exec(compile(source, f"<reftrack {kind} row>", "exec"), namespace)
    function: RowFunction = namespace["row"]
    return function
