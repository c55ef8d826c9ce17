"""Helpers of the fault tests: povertydb commands as real processes, and bounded polling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

DEADLINE = 90.0  # seconds: generous, for a loaded 2-core machine; polling ends as soon as it can


def povertydb(*args: str, env: dict[str, str], **popen) -> subprocess.Popen:
    """Start `povertydb ARGS` as its own process (so that it can be killed), text output."""
    argv = [sys.executable, "-c", "from app.cli import cli; cli(prog_name='povertydb')", *args]
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path.cwd(), **popen
    )


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = povertydb(*args, env=env)
    out, err = proc.communicate(timeout=DEADLINE)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def command_env(**extra: str) -> dict[str, str]:
    """This environment without DATABASE_URL, plus `extra`, plus a unique application name so
    that the command's sessions can be found in pg_stat_activity."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POVERTYDB_DATA_DIR")}
    env["PGAPPNAME"] = f"povertydb-fault-{uuid.uuid4().hex[:8]}"
    return env | extra


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> object:
    """Poll `condition` until it returns something true; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    error = None
    while True:
        try:
            result = condition()
        except Exception as exc:  # the observed server may not be up yet
            result, error = None, exc
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {error})")
        time.sleep(0.1)
