"""The command line: help for every command, clear messages and exit codes for user mistakes."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from app.cli import cli


def _commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_that_ends_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help
    assert "Example: " in cli.commands[name].help.strip().splitlines()[-1]


def test_load_seeds_twice_reports_changes_then_none(db_url):
    runner = CliRunner()
    env = {"DATABASE_URL": db_url}
    first = runner.invoke(cli, ["load-seeds"], env=env)
    assert first.exit_code == 0, first.output
    assert "Changes applied." in first.output
    assert "observations" in first.output
    second = runner.invoke(cli, ["load-seeds"], env=env)
    assert second.exit_code == 0, second.output
    assert "No changes" in second.output


def test_a_bad_mapping_is_a_message_and_a_non_zero_exit_without_traceback(seeds_copy, db_url):
    path = seeds_copy / "articles" / "004_1809158b010efb0f.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["figures"][2]["quote"] = "không có trong bài"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["load-seeds", "--seeds-dir", str(seeds_copy)], env={"DATABASE_URL": db_url}
    )
    assert result.exit_code == 1
    assert f"{path}: figures[2] (poor-households-2024-target): quote 'không có trong bài'" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_invalid_yaml_is_reported_with_the_file(seeds_copy):
    path = seeds_copy / "articles" / "004_1809158b010efb0f.yaml"
    path.write_text("report: [unclosed", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    assert f"{path}: not valid YAML" in result.output


def test_an_unusable_database_url_is_a_usage_error():
    result = CliRunner().invoke(cli, ["migrate"], env={"DATABASE_URL": "mysql://x@y/z"})
    assert result.exit_code == 2
    assert "DATABASE_URL must start with postgresql://" in result.output


def test_an_unreachable_server_is_a_message_not_a_traceback():
    result = CliRunner().invoke(
        cli, ["migrate"], env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    )
    assert result.exit_code == 1
    assert "cannot connect to postgresql+psycopg://nobody@127.0.0.1:1/none" in result.output


def test_check_verifies_the_shipped_seeds_without_a_database():
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "OK: 5 report(s)" in result.output
    assert "every span, value and number accounted for" in result.output
    assert "Not loaded" not in result.output


def test_sql_prints_a_table_or_csv_and_reads_a_file(loaded_engine, tmp_path):
    env = {"DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False)}
    query = "SELECT report_slug, figure_count FROM analytics.reports ORDER BY 1"
    table = CliRunner().invoke(cli, ["sql", query], env=env)
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["report_slug", "figure_count"]
    assert "(5 rows)" in table.output
    csv_out = CliRunner().invoke(cli, ["sql", query, "--csv"], env=env)
    assert csv_out.output.splitlines()[0] == "report_slug,figure_count"
    assert "ndo-bac-kan-2024-targets,21" in csv_out.output
    path = tmp_path / "q.sql"
    path.write_text(
        "-- a comment first\nSELECT count(*) AS n FROM analytics.conflicts WHERE indicator_code LIKE 'poor%'"
    )
    from_file = CliRunner().invoke(cli, ["sql", "--file", str(path), "--csv"], env=env)
    assert from_file.output == "n\n3\n"


def test_sql_runs_read_only_and_reports_errors_without_traceback(loaded_engine):
    env = {"DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False)}
    result = CliRunner().invoke(cli, ["sql", "DELETE FROM reports"], env=env)
    assert result.exit_code == 1
    assert "DELETE is refused" in result.output
    assert "Traceback" not in result.output
    hidden = "WITH d AS (DELETE FROM analytics.indicators RETURNING 1) SELECT count(*) FROM d"
    result = CliRunner().invoke(cli, ["sql", hidden], env=env)
    assert result.exit_code == 1
    assert "permission denied for view indicators" in result.output  # a reader's rights, not the owner's
    assert "Traceback" not in result.output


def test_serve_explains_that_an_external_server_is_managed_elsewhere():
    result = CliRunner().invoke(cli, ["serve"], env={"DATABASE_URL": "postgresql://u@db.example.org/x"})
    assert result.exit_code == 1
    assert "managed elsewhere" in result.output


def test_add_reader_takes_the_password_from_the_environment(loaded_engine):
    env = {
        "DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False),
        "POVERTYDB_READER_PASSWORD": "from-the-environment",
    }
    result = CliRunner().invoke(cli, ["add-reader", "cli_reader"], env=env)
    assert result.exit_code == 0, result.output
    assert "Reader cli_reader created" in result.output
    with loaded_engine.begin() as conn:
        conn.exec_driver_sql('DROP ROLE "cli_reader"')


def test_add_reader_refuses_a_name_that_is_no_role_name(loaded_engine):
    env = {
        "DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False),
        "POVERTYDB_READER_PASSWORD": "long-enough-password",
    }
    result = CliRunner().invoke(cli, ["add-reader", "Robert'); DROP"], env=env)
    assert result.exit_code == 2
    assert "must be lowercase" in result.output
