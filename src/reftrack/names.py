"""How names are compared: case and accents ignored (`Zoe` is Zoë, `anna` is Anna), and
which of several matches a person meant: an exact name, then a whole word, then a part."""

from __future__ import annotations

import re
import unicodedata

# The accented letters PostgreSQL's translate() folds (its database has no unaccent by
# default); SQLite calls fold() itself. Both give the same answer for these letters.
ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöōőřśšşťùúûüūůűųýÿžźż"
PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiinnnooooooorssstuuuuuuuuyyzzz"


def fold(text: str | None) -> str | None:
    """Lower case without accents: 'Zoë Müller' → 'zoe muller'."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())  # lower, as PostgreSQL: ß stays
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def rank(name: str, wanted: str) -> int | None:
    """0 an exact name, 1 a whole word (or words), 2 a part of one; None no match."""
    have, want = fold(name) or "", fold(wanted.strip()) or ""
    if not want or want not in have:
        return None
    if have == want:
        return 0
    if re.search(rf"(?<!\w){re.escape(want)}(?!\w)", have):
        return 1
    return 2


def digits(text: str | None) -> str | None:
    """Only the digits of a phone number: '+31 6 1234-5678' → '31612345678'."""
    if text is None:
        return None
    return "".join(c for c in text if c.isdigit())


def escape_like(text: str) -> str:
    """Text for a LIKE pattern, taken literally (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
