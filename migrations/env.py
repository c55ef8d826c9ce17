"""Alembic environment: the URL comes from app.settings, never from alembic.ini.

Callers that already hold a connection (the loader, the tests) pass it in
`config.attributes["connection"]`; the alembic CLI gets one from the settings.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from app.db import open_engine
from app.models import Base
from app.settings import Settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    settings = Settings.from_env()
    if not settings.database_url:
        raise SystemExit("offline (--sql) mode needs DATABASE_URL to pick the dialect and name")
    context.configure(url=settings.database_url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    with open_engine(Settings.from_env()) as engine, engine.begin() as conn:
        run_migrations(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
