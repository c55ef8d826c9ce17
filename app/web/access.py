"""How the viewer touches the database: as the reader group, read-only, one snapshot per request.

The viewer opens the project's engine (embedded server or DATABASE_URL) like every command, but
runs each request in a READ ONLY transaction under `SET LOCAL ROLE povertydb_readers`: the group
that `add-reader` grants USAGE on analytics and SELECT on its views. Privileges, not the viewer's
good manners, keep it to the analytics views; no password is needed because the operator's own
connection steps down to the group for the length of one transaction.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator

import psycopg
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from app.readers import READER_GROUP, ReaderError, ensure_group, group_ready

STATEMENT_TIMEOUT = "15s"
LOCAL_HOSTS = {"localhost"}


class AccessError(RuntimeError):
    """The viewer cannot read as the reader group; the message says what to do."""


def is_local(host: str) -> bool:
    """True for a loopback address or localhost: nothing outside this machine can connect."""
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ensure_reader_group(engine: Engine) -> None:
    """Make sure povertydb_readers exists and may read this database's analytics views.

    Roles are per server, grants per database: on a fresh database (or server) the group is made
    and granted by app.readers.ensure_group, as for add-reader and `povertydb sql`, so the viewer
    and BI readers get exactly the same rights. No login role is created.
    """
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            if not group_ready(cur):
                ensure_group(cur)
        raw.commit()
    except (DBAPIError, psycopg.Error, ReaderError) as exc:
        raw.rollback()
        raise AccessError(
            f"cannot create the {READER_GROUP} group role ({getattr(exc, 'orig', None) or exc}); "
            f"run `povertydb add-reader NAME` as a role that may create roles, then retry"
        ) from None
    finally:
        raw.close()
    try:
        with read_only(engine) as conn:
            conn.execute(text("SELECT count(*) FROM analytics.reports")).scalar_one()
    except DBAPIError as exc:
        raise AccessError(
            f"cannot read as {READER_GROUP} ({exc.orig}); the connecting role needs "
            f"`GRANT {READER_GROUP} TO <role>`"
        ) from None


@contextlib.contextmanager
def read_only(engine: Engine) -> Iterator[Connection]:
    """A connection in a READ ONLY transaction acting as the reader group; always rolled back."""
    with engine.connect() as conn:
        try:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            conn.exec_driver_sql(f"SET LOCAL ROLE {READER_GROUP}")
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")
            yield conn
        finally:
            conn.rollback()
