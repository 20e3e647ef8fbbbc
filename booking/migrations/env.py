"""Alembic environment. booking.db runs it programmatically with an open connection
(config.attributes["connection"]); there is no alembic.ini to keep in sync."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through booking.db.migrate(), which passes a connection")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
