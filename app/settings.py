"""One settings object, read from the environment once per command."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting in the environment is unusable."""


class Settings(BaseModel):
    """Where the database is and where the seeds live.

    `database_url` None means: start the embedded PostgreSQL in `data_dir`.
    """

    database_url: str | None = None
    data_dir: Path = Field(default_factory=lambda: default_data_dir())
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = _checked(normalize_url(env["DATABASE_URL"]))
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


def _checked(url: str) -> str:
    """The URL if SQLAlchemy can parse it; else a SettingsError that names the bad part."""
    try:
        make_url(url)
    except (ValueError, ArgumentError) as exc:
        port = re.search(r"^[^/]*//[^/?#]*:([^/?#:@]*)(?:[/?#]|$)", url)
        if port and not port.group(1).isdigit():
            raise SettingsError(f"DATABASE_URL: the port {port.group(1)!r} is not a number") from None
        raise SettingsError(f"DATABASE_URL is not a valid URL: {exc}") from None
    return url


def default_data_dir() -> Path:
    """`.povertydb/pgdata` in the project; as root, a directory povertydb owns under /var/lib,
    because PostgreSQL then runs as a system user that may not enter the project (e.g. /root)."""
    if os.geteuid() == 0:
        digest = hashlib.sha256(os.fsencode(PROJECT_ROOT)).hexdigest()[:12]
        return Path("/var/lib/povertydb") / digest / "pgdata"
    return PROJECT_ROOT / ".povertydb" / "pgdata"
