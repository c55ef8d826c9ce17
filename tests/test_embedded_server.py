"""The embedded server under faults: killed commands, a crashed server, concurrent first uses,
a busy port, a data directory out of reach; and its own psql. Commands run as real processes."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import tempfile
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from app.cli import cli
from app.db import EMBEDDED_DATABASE, LOAD_LOCK_KEY
from app.embedded import embedded_postgres
from tests.conftest import embedded_data_dir
from tests.faults import DEADLINE, command_env, povertydb, run, wait_for

embedded_only = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="tests the embedded server, not TEST_DATABASE_URL's"
)


@pytest.fixture(scope="module")
def data_dir():
    """One data directory, initialized once, for the tests that do not need a fresh one."""
    with embedded_data_dir() as path:
        yield path


@pytest.fixture
def fresh_data_dir():
    with embedded_data_dir() as path:
        yield path


def _server_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ProcessLookupError, ValueError):
        return False
    return True


def _connect(data_dir: Path) -> psycopg.Connection:
    pid_lines = (data_dir / "postmaster.pid").read_text().splitlines()
    dsn = f"host={pid_lines[4]} port={pid_lines[3]} user=postgres dbname={EMBEDDED_DATABASE}"
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


def _active(data_dir: Path, app: str, where: str = "true") -> bool:
    with _connect(data_dir) as conn:
        query = f"SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND {where}"
        return bool(conn.execute(query, (app,)).fetchone())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _kill_while_querying(data_dir: Path) -> None:
    """SIGKILL a command while its query runs on the embedded server: an orphaned server."""
    env = command_env(POVERTYDB_DATA_DIR=str(data_dir))
    assert run("migrate", env=env).returncode == 0  # sql needs the analytics schema
    sleeper = povertydb("sql", "SELECT pg_sleep(60)", env=env)
    wait_for(lambda: _active(data_dir, env["PGAPPNAME"], "query LIKE '%%pg_sleep%%'"), "the query to run")
    sleeper.send_signal(signal.SIGKILL)
    sleeper.communicate(timeout=DEADLINE)
    assert _server_running(data_dir)


@embedded_only
def test_a_killed_command_leaves_no_server_that_blocks_later_commands(data_dir):
    _kill_while_querying(data_dir)
    after = run("sql", "SELECT 1 AS one", env=command_env(POVERTYDB_DATA_DIR=str(data_dir)))
    assert after.returncode == 0, after.stderr
    assert not _server_running(data_dir)  # the next command adopted the orphan and stopped it

    _kill_while_querying(data_dir)
    port = _free_port()
    serve = povertydb("serve", "--port", str(port), env=command_env(POVERTYDB_DATA_DIR=str(data_dir)))
    first_line = serve.stdout.readline()
    assert first_line.startswith("Serving povertydb (schema"), first_line + serve.stderr.read()
    assert f"127.0.0.1:{port}" in first_line
    serve.send_signal(signal.SIGTERM)
    out, err = serve.communicate(timeout=DEADLINE)
    assert serve.returncode == 0, err
    assert "Stopped." in out
    assert not _server_running(data_dir)


@embedded_only
def test_a_server_crash_mid_load_is_one_line_and_the_dead_run_is_marked_abandoned(data_dir):
    env = command_env(POVERTYDB_DATA_DIR=str(data_dir))
    assert run("migrate", env=env).returncode == 0
    with embedded_postgres(data_dir, EMBEDDED_DATABASE) as server, _connect(data_dir) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOAD_LOCK_KEY,))
        loader = povertydb("load-seeds", env=env)
        wait_for(lambda: _active(data_dir, env["PGAPPNAME"], "wait_event = 'advisory'"), "the loader to wait")
        os.kill(server.pid, signal.SIGKILL)
        _out, err = loader.communicate(timeout=DEADLINE)
    assert loader.returncode == 1
    assert "Traceback" not in err
    # On a slow machine the run prints a progress line ("verify 5/5 (1/s)") before it fails.
    (message,) = [
        line for line in err.strip().splitlines() if not re.fullmatch(r"\w+ \d+/\d+ \(\d+/s\)", line)
    ]
    assert message.startswith("Error: the database server went away (")
    assert message.endswith("the load was rolled back, run load-seeds again")
    again = run("load-seeds", env=env)
    assert again.returncode == 0, again.stderr
    runs = run("psql", "-XtA", "-c", "SELECT status FROM load_runs ORDER BY id", env=env)
    assert runs.stdout.splitlines()[-2:] == ["abandoned", "succeeded"], runs.stderr
    assert not _server_running(data_dir)


@embedded_only
@pytest.mark.parametrize(("processes", "command"), [(2, ["load-seeds"]), (5, ["migrate"])])
def test_concurrent_first_uses_of_a_fresh_data_directory_all_succeed(fresh_data_dir, processes, command):
    env = command_env(POVERTYDB_DATA_DIR=str(fresh_data_dir))
    procs = [povertydb(*command, env=env) for _ in range(processes)]
    results = [(proc.communicate(timeout=DEADLINE * 2), proc.returncode) for proc in procs]
    assert [code for _, code in results] == [0] * processes, [err for (_, err), _ in results]
    assert not _server_running(fresh_data_dir)


@embedded_only
def test_serve_on_a_busy_port_says_the_port_is_taken(data_dir):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run("serve", "--port", str(port), env=command_env(POVERTYDB_DATA_DIR=str(data_dir)))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is taken by another program" in result.stderr
    assert "Traceback" not in result.stderr
    assert not _server_running(data_dir)


@embedded_only
def test_psql_runs_the_client_bundled_with_the_embedded_server(data_dir):
    env = command_env(POVERTYDB_DATA_DIR=str(data_dir))
    result = run("psql", "-XtA", "-c", r"\echo :VERSION_NUM :SERVER_VERSION_NUM", env=env)
    assert result.returncode == 0, result.stderr
    client, server = result.stdout.split()
    assert client[:2] == server[:2]
    assert "WARNING" not in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only: the server then runs as a system user")
def test_a_data_directory_the_server_user_cannot_reach_is_refused_and_left_closed():
    with tempfile.TemporaryDirectory() as closed:  # 0700, like /root
        mode = stat.S_IMODE(os.stat(closed).st_mode)
        result = CliRunner().invoke(
            cli, ["migrate"], env={"POVERTYDB_DATA_DIR": f"{closed}/x/pgdata", "DATABASE_URL": None}
        )
        assert result.exit_code == 1
        assert f"{closed} is closed to other users" in result.output
        assert "does not change permissions of directories it did not create" in result.output
        assert stat.S_IMODE(os.stat(closed).st_mode) == mode
        assert os.listdir(closed) == []


def test_a_data_directory_under_a_file_is_a_message():
    result = CliRunner().invoke(
        cli, ["migrate"], env={"POVERTYDB_DATA_DIR": "/dev/null/pgdata", "DATABASE_URL": None}
    )
    assert result.exit_code == 1
    assert "cannot use /dev/null/pgdata as the data directory: /dev/null is not a directory" in result.output


def test_a_database_url_with_a_bad_port_is_a_message():
    result = CliRunner().invoke(cli, ["migrate"], env={"DATABASE_URL": "postgresql://u@127.0.0.1:notaport/x"})
    assert result.exit_code == 2
    assert "DATABASE_URL: the port 'notaport' is not a number" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
