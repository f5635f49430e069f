"""Alembic's environment: the database comes from the caller (store.database.upgrade), never
from an alembic.ini, so the URL with its password is written nowhere."""

from alembic import context

from store.database import engine_for

url = context.config.attributes["url"]
with engine_for(url).connect() as connection:
    # render_as_batch: SQLite alters a table by copying it, which Alembic's batch mode does.
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Workers that upgrade at once go one at a time (PostgreSQL's DDL is transactional,
            # so the later ones find the work done); the lock ends with the transaction.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(18181818)")
        context.run_migrations()
    connection.commit()
