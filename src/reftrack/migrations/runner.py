"""Run Alembic programmatically against an engine, with the scripts shipped in this package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = str(Path(__file__).parent)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def run_upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction. On SQLite, foreign keys are off meanwhile: a migration
    that rebuilds a table (copy, drop, rename) must not fire the ON DELETE actions of the
    rows that point at it. The pragma cannot change inside a transaction, so it is set on
    the raw connection first; ``foreign_key_check`` proves every link before the commit."""
    config = alembic_config()
    with engine.execution_options(reftrack_write=True).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(
            f"the upgrade would leave {len(broken)} broken link(s), e.g. {table} row {rowid} "
            f"pointing at a missing {parent}; nothing was changed"
        )


def script_heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def script_revisions() -> list[str]:
    """All revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
