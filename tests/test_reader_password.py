"""Reader passwords: verified as PostgreSQL verifies them (SASLprep), length stated up front,
and never handed to a server process."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import unicodedata
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from app.cli import cli
from app.readers import ensure_reader
from app.scram import MIN_PASSWORD_LENGTH, saslprep, scram_verifier
from tests.conftest import embedded_data_dir

CASES = {
    "ascii": "plain-ascii-password",
    "soft hyphen (mapped to nothing)": "pass\u00adword-with-soft-hyphen",
    "no-break space (mapped to a space)": "pass\u00a0word with no-break space",
    "NFKC (fullwidth letters, ligature)": "ｆｕｌｌｗｉｄｔｈ-\ufb01-password",
    "Vietnamese typed in NFD": unicodedata.normalize("NFD", "mật khẩu rất dài"),
    "prohibited control character: raw bytes": unicodedata.normalize("NFD", "café\u0007-password"),
    "only mapped-to-nothing characters: raw bytes": "\u00ad" * 9,
    "right-to-left mixed with Latin: raw bytes": "\u05d0\u05d1\u05d2abcdefgh",
    "right-to-left only": "\u05d0\u05d1\u05d2\u05d3\u05d4\u05d5\u05d6\u05d7",
}


@pytest.fixture(scope="module")
def admin(server_url):
    with psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        yield conn


@pytest.mark.parametrize("password", CASES.values(), ids=CASES.keys())
def test_the_verifier_equals_the_one_libpq_computes_with_the_same_salt(admin, password):
    theirs = admin.pgconn.encrypt_password(password.encode(), b"reader", b"scram-sha-256").decode()
    iterations, rest = theirs.removeprefix("SCRAM-SHA-256$").split(":", 1)
    salt = base64.b64decode(rest.split("$", 1)[0])
    assert scram_verifier(password, int(iterations), salt) == theirs


def test_saslprep_maps_normalizes_and_gives_up_as_postgres_does():
    assert saslprep("pass\u00adword") == "password"
    assert saslprep("a\u00a0b\u2003c") == "a b c"
    assert saslprep("ｆｉ\ufb01") == "fifi"
    assert saslprep("\u00ad\u200b") is None  # empty after mapping
    assert saslprep("é\u0007") is None  # a control character
    assert saslprep("\u05d0a\u05d1") is None  # right-to-left with a left-to-right character
    assert saslprep("tab\there") == "tab\there"  # pure ASCII is left alone


@pytest.mark.parametrize(
    "password",
    [
        CASES["soft hyphen (mapped to nothing)"],
        CASES["no-break space (mapped to a space)"],
        CASES["NFKC (fullwidth letters, ligature)"],
        CASES["prohibited control character: raw bytes"],
    ],
    ids=["soft hyphen", "no-break space", "NFKC", "prohibited"],
)
def test_a_reader_logs_in_over_tcp_with_the_password_as_typed(reader_engine, test_server, password):
    name = f"typed_{uuid.uuid4().hex[:8]}"
    ensure_reader(reader_engine, name, password)
    _, host, port = test_server
    try:
        with psycopg.connect(
            host=host,
            port=port,
            dbname=reader_engine.url.database,
            user=name,
            password=password,
            connect_timeout=5,
        ) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (name,)
    finally:
        with reader_engine.begin() as conn:
            conn.exec_driver_sql(f'DROP ROLE "{name}"')


def test_the_minimum_length_is_stated_in_the_help_and_the_prompt_before_any_server_starts():
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in " ".join(cli.commands["add-reader"].help.split())
    # An unreachable server: the password is refused before any connection is tried.
    result = CliRunner().invoke(
        cli,
        ["add-reader", "someone"],
        input="short\nshort\n",
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "POVERTYDB_READER_PASSWORD": ""},
    )
    assert f"Password for someone (at least {MIN_PASSWORD_LENGTH} characters)" in result.output
    assert result.exit_code == 2
    assert f"the password must have at least {MIN_PASSWORD_LENGTH} characters" in result.output
    assert "cannot connect" not in result.output


def _postmaster_pid(data_dir: Path, process: subprocess.Popen) -> int:
    pid_file = data_dir / "postmaster.pid"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            pid = 0
        if pid > 0:  # initdb's bootstrap backend writes a negative pid
            return pid
        time.sleep(0.02)
    pytest.fail(f"no server started: {process.communicate()}")


def test_the_password_never_reaches_the_embedded_servers_environment_or_files():
    with embedded_data_dir() as data_dir:  # one the server's system user can enter, as root too
        _password_never_reaches_the_server(data_dir)


def _password_never_reaches_the_server(data_dir: Path) -> None:
    """add-reader starts the embedded server itself; the server inherits nothing secret; and,
    the server being povertydb's own, no reader may connect to another database on it."""
    secret = f"secret-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env |= {"POVERTYDB_DATA_DIR": str(data_dir), "POVERTYDB_READER_PASSWORD": secret}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "povertydb"), "add-reader", "envtest"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        pid = _postmaster_pid(data_dir, process)
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    finally:
        output, _ = process.communicate(timeout=120)
    assert str(data_dir).encode() in cmdline  # the environment was read from the right process
    assert secret.encode() not in environ
    assert b"POVERTYDB_READER_PASSWORD" not in environ
    assert process.returncode == 0, output
    assert "Reader envtest created" in output
    leaks = [p for p in data_dir.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert (data_dir / "log").stat().st_size > 0  # the server log is among the files read
    assert leaks == []  # the server log and every other file of the data directory

    # The embedded server is povertydb's own: add-reader also closed the other databases.
    reach = subprocess.run(
        [
            str(Path(sys.executable).parent / "povertydb"),
            "sql",
            "--csv",
            "SELECT datname FROM pg_database WHERE datallowconn"
            " AND (has_database_privilege('povertydb_readers', oid, 'CONNECT')"
            " OR has_database_privilege('povertydb_readers', oid, 'TEMPORARY')) ORDER BY 1",
        ],
        env={k: v for k, v in env.items() if k != "POVERTYDB_READER_PASSWORD"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert reach.stdout == "datname\npovertydb\n", reach.stderr
