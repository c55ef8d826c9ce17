"""The readers' group is judged ready by one check, shared by `povertydb sql` and the viewer."""

from __future__ import annotations

from app.db import upgrade_schema
from app.readers import READER_GROUP, ensure_group, group_ready


def test_the_group_is_ready_only_once_granted_in_this_database(engine):
    upgrade_schema(engine)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            # Roles are per server, grants per database: the group may exist, but a new
            # database has not granted it the analytics views yet.
            assert not group_ready(cur)
            ensure_group(cur)
            assert group_ready(cur)
            cur.execute(f"REVOKE SELECT ON ALL TABLES IN SCHEMA analytics FROM {READER_GROUP}")
            assert not group_ready(cur)
        raw.rollback()
    finally:
        raw.close()


def test_a_database_without_the_analytics_schema_is_not_ready(engine):
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            assert not group_ready(cur)
    finally:
        raw.close()
