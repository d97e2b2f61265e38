"""The Typer front end: one module per noun, plus reports and transfer. Thin: parse → call a
service → render. Modules here import SQLAlchemy only inside command bodies, so that
``--help``, ``--version`` and shell completion stay fast."""
