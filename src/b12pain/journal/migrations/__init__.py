"""Alembic migrations of the journal, shipped in the package and run by `journal.migrate`."""
