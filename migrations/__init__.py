"""Alembic migrations of the monitor database (installed as the package `monitor.migrations`)."""
