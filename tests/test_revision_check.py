"""A database already at head is recognised with one SELECT, without importing alembic."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.db import _head_revision, upgrade_schema
from app.settings import PROJECT_ROOT

AT_HEAD = """
import sys
from app.db import make_engine, upgrade_schema
head = upgrade_schema(make_engine(sys.argv[1]))
print(head, "alembic" in sys.modules)
"""


def test_the_head_read_from_the_migration_files_is_alembics_head():
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    assert _head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_database_at_head_is_left_alone_without_importing_alembic(engine, db_url):
    head = upgrade_schema(engine)  # a new database: alembic migrates it
    done = subprocess.run(
        [sys.executable, "-c", AT_HEAD, db_url], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [head, "False"]


def test_a_database_behind_head_is_still_migrated(engine):
    head = upgrade_schema(engine)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    down = ScriptDirectory.from_config(config).get_revision(head).down_revision
    with engine.begin() as conn:  # one revision back
        config.attributes["connection"] = conn
        command.downgrade(config, down)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == down
    assert upgrade_schema(engine) == head
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
