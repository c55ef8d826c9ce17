"""Nothing can be written through the viewer, and it stays on this machine unless told otherwise."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.cli import cli
from app.readers import READER_GROUP
from app.web.access import ensure_reader_group, is_local, read_only
from tests.web.conftest import free_port

PATHS = ["/", "/reports/tnmt-bac-kan-2023-results", "/figures", "/conflicts", "/series", "/static/viewer.css"]


def _request(url: str, method: str = "GET", headers: dict | None = None, data: bytes | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_method_but_get_and_head_is_refused_with_405(viewer, loaded_engine, method):
    for path in [*PATHS, "/no-such-page", "/reports"]:
        status, headers, body = _request(viewer + path, method, data=b"slug=x&text=hacked")
        assert (status, headers["allow"]) == (405, "GET, HEAD"), (method, path)
        assert b"read-only" in body
    with loaded_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reports WHERE slug = 'x'")).scalar_one() == 0


def test_get_and_head_answer_with_headers_that_forbid_scripts(viewer):
    for path in PATHS:
        assert _request(viewer + path, "HEAD")[0] == 200, path
    status, headers, _ = _request(viewer + "/")
    assert status == 200
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]


def test_a_request_for_another_host_name_is_refused(viewer):
    # A page on another site that rebinds its DNS name to 127.0.0.1 sends its own Host header.
    assert _request(viewer + "/", headers={"Host": "attacker.example:80"})[0] == 400
    assert _request(viewer + "/", headers={"Host": "localhost"})[0] == 200


def test_the_role_the_viewer_reads_as_cannot_write_even_outside_a_read_only_transaction(
    viewer, loaded_engine
):
    ensure_reader_group(loaded_engine)
    with read_only(loaded_engine) as conn:
        assert conn.execute(text("SELECT current_user")).scalar_one() == READER_GROUP
        assert conn.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM analytics.indicators"))
    for statement in (
        "DELETE FROM analytics.indicators",
        "INSERT INTO public.reports (slug) VALUES ('x')",
        "SELECT count(*) FROM public.observations",
        "CREATE TABLE analytics.mine (x int)",
        "CREATE TEMPORARY TABLE mine (x int)",
    ):
        with loaded_engine.connect() as conn:
            conn.exec_driver_sql(f"SET LOCAL ROLE {READER_GROUP}")
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text(statement))
            conn.rollback()


def test_browse_grants_the_reader_group_without_creating_a_login_role(viewer, loaded_engine):
    with loaded_engine.connect() as conn:
        logins = (
            conn.execute(
                text(
                    "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid"
                    " JOIN pg_roles g ON g.oid = m.roleid"
                    " WHERE g.rolname = :g AND r.rolcanlogin AND r.rolname <> current_user"
                ),
                {"g": READER_GROUP},
            )
            .scalars()
            .all()
        )
        browse_role = conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = 'povertydb_browse'"))
        assert browse_role.scalar_one() == 0
        assert logins == []
        assert conn.execute(
            text("SELECT has_table_privilege(:g, 'analytics.figures', 'SELECT')"), {"g": READER_GROUP}
        ).scalar_one()


def test_a_loopback_address_is_local_and_nothing_else_is():
    assert all(is_local(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"))
    assert not any(is_local(h) for h in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "viewer.example"))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "viewer.example"])
def test_browse_refuses_a_non_local_host_unless_allow_remote_is_given(host):
    result = CliRunner().invoke(cli, ["browse", "--host", host])
    assert result.exit_code == 2
    assert f"refusing to listen on {host}" in result.output
    assert "--allow-remote" in result.output
    assert "Traceback" not in result.output


def test_with_allow_remote_browse_gets_past_the_host_check(tmp_path):
    # No server listens on the port, so the command stops at connecting: after the host check.
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/povertydb"
    result = CliRunner().invoke(
        cli, ["browse", "--host", "0.0.0.0", "--allow-remote"], env={"DATABASE_URL": url}
    )
    assert result.exit_code == 1
    assert "cannot connect" in result.output
    assert "refusing" not in result.output


def test_a_busy_port_is_a_message(loaded_engine):
    url = loaded_engine.url.render_as_string(hide_password=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["browse", "--port", str(port)], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
