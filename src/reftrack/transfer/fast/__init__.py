"""The SQLite-only fast lane of import and export.

An import's chunks of clean new records are converted by a compiled row function
(``rowcode``), read ahead by a helper process on Linux (``feed``) and written whole
(``lane``); a CSV export is made in SQL (``export_sql``). Each only ever produces what the
general path would — tests/test_import_lane.py and tests/test_export_sql.py compare the two.

``ENABLED`` is the one switch: set it to False and every import chunk takes the general
path (``transfer.importer``) and every export goes row by row through ``records``. The
tests use it to run the general path on SQLite; nothing else should need it.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

ENABLED = True


def usable(connection: Connection) -> bool:
    """Whether the fast lane may run on this connection: SQLite, and switched on."""
    return ENABLED and connection.dialect.name == "sqlite"
