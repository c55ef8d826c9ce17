"""One settings object, read from the environment once per command."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting in the environment is unusable."""


class Settings(BaseModel):
    """Where the database is and where the seeds live.

    `database_url` None means: start the embedded PostgreSQL in `data_dir`.
    """

    database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".povertydb" / "pgdata"
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = normalize_url(env["DATABASE_URL"])
        if env.get("POVERTYDB_DATA_DIR"):
            values["data_dir"] = Path(env["POVERTYDB_DATA_DIR"]).expanduser()
        if env.get("POVERTYDB_SEEDS_DIR"):
            values["seeds_dir"] = Path(env["POVERTYDB_SEEDS_DIR"]).expanduser()
        return cls(**values)


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and pin SQLAlchemy to psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    scheme = url.split("://", 1)[0] if "://" in url else url[:20]
    raise SettingsError(
        f"DATABASE_URL must start with postgresql:// or postgresql+psycopg://, got {scheme!r}"
    )
