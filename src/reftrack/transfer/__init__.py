"""Import and export: records to and from files, against the database.

``imports.import_tables`` and ``export.export_table`` are the entry points; the general
path of an import is ``importer`` (with ``links``, ``keys``, ``write`` and the per-kind
``state``), and ``fast/`` holds what SQLite alone can do faster, pinned to the general
path by tests.
"""
