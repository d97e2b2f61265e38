"""The change journal: every command that writes leaves one entry (`reftrack log`), which
`reftrack undo` can reverse.

``record`` collects the rows a session inserts, updates and deletes (ORM events, plus what
an import writes in bulk) and writes the entry in the same transaction; ``undo`` reverses
entries; ``history`` reads them back for `log`. Rows are kept as JSON (``rows``).
"""
