"""Read-only login roles for analysts and BI tools: the analytics schema and nothing else.

A group role carries the grants (and default privileges, so views added by later migrations
are readable without granting again); each reader is a login that belongs to it. Privileges,
not settings, do the protecting: default_transaction_read_only is a courtesy a reader could
turn off, but a reader has no right to write, create or read an internal table anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata

from psycopg import sql
from sqlalchemy import Engine

READER_GROUP = "povertydb_readers"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ReaderError(ValueError):
    """The reader cannot be created as asked; the message says why."""


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores, computed here so the password itself never
    travels in a SQL statement (or lands in a server log)."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    salt_b64, stored_b64, server_b64 = (base64.b64encode(x).decode() for x in (salt, stored_key, server_key))
    return f"SCRAM-SHA-256${iterations}:{salt_b64}${stored_b64}:{server_b64}"


def ensure_reader(
    engine: Engine, name: str, password: str, *, statement_timeout: str = "60s", connection_limit: int = 10
) -> bool:
    """Create or update reader `name`; return True when it was created."""
    if not ROLE_NAME.fullmatch(name):
        raise ReaderError(
            f"reader name {name!r} must be lowercase letters, digits and _, starting with a letter"
        )
    if name == READER_GROUP:
        raise ReaderError(f"{READER_GROUP} is the group role; choose another name")
    if len(password) < 8:
        raise ReaderError("the password must have at least 8 characters")
    role, group = sql.Identifier(name), sql.Identifier(READER_GROUP)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            database = sql.Identifier(cur.execute("SELECT current_database()").fetchone()[0])
            existing = cur.execute(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls,"
                " rolname = current_user FROM pg_roles WHERE rolname = %s",
                (name,),
            ).fetchone()
            if existing and any(existing):
                raise ReaderError(f"role {name!r} exists with more rights than a reader; choose another name")
            if cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READER_GROUP,)).fetchone() is None:
                cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(group))
            statements = [
                # Nobody but the owner creates anything here, temporary tables included.
                sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
                sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(database),
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, group),
                sql.SQL("GRANT USAGE ON SCHEMA analytics TO {}").format(group),
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO {}").format(group),
                sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO {}").format(
                    group
                ),
                sql.SQL(
                    "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT {}"
                ).format(sql.SQL("ALTER" if existing else "CREATE"), role, sql.Literal(connection_limit)),
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(scram_verifier(password))),
                sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(role),
                sql.SQL("ALTER ROLE {} SET statement_timeout = {}").format(
                    role, sql.Literal(statement_timeout)
                ),
                sql.SQL("ALTER ROLE {} SET idle_in_transaction_session_timeout = '5min'").format(role),
                sql.SQL("GRANT {} TO {}").format(group, role),
            ]
            for statement in statements:
                cur.execute(statement)
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    return existing is None


def list_readers(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid"
                " JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = %s ORDER BY 1",
                (READER_GROUP,),
            ).scalars()
        )
