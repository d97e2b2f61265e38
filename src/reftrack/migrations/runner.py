"""Run Alembic programmatically against an engine, with the scripts shipped in this package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = str(Path(__file__).parent)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def run_upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.execution_options(reftrack_write=True).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def script_heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def script_revisions() -> list[str]:
    """All revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
