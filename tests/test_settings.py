import os
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT, Settings, SettingsError, normalize_url


@pytest.mark.parametrize(
    "given",
    ["postgresql://u:p@h:5432/d", "postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"],
)
def test_database_urls_are_pinned_to_psycopg(given):
    assert normalize_url(given) == "postgresql+psycopg://u:p@h:5432/d"


def test_a_non_postgres_url_is_refused_with_its_scheme():
    with pytest.raises(SettingsError, match="mysql"):
        Settings.from_env({"DATABASE_URL": "mysql://u@h/d"})


def test_without_database_url_the_embedded_server_is_used_in_the_data_dir(tmp_path):
    settings = Settings.from_env({"POVERTYDB_DATA_DIR": str(tmp_path / "pg")})
    assert settings.database_url is None
    assert settings.data_dir == Path(tmp_path / "pg")


def test_the_default_data_dir_is_one_the_server_user_can_reach():
    data_dir = Settings.from_env({}).data_dir
    if os.geteuid() == 0:  # PostgreSQL then runs as a system user that may not enter the project
        assert data_dir.parent.parent == Path("/var/lib/povertydb")
    else:
        assert data_dir == PROJECT_ROOT / ".povertydb" / "pgdata"
