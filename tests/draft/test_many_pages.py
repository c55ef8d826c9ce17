"""add-article and draft over many pages: progress lines off a terminal, and a summary that names
the pages added, changed, skipped and failed up to a limit, then counts them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.draft.batch import SUMMARY_NAMES, add_many
from app.progress import LogProgress
from tests.conftest import SEEDS

PAGES = Path(__file__).parent / "pages"
MANY = 14  # more than SUMMARY_NAMES, so that the summary counts the rest


@pytest.fixture
def many_pages(tmp_path) -> list[Path]:
    """MANY distinct pages: Lào Cai's article, each with its own closing line (so its own hash)."""
    base = (PAGES / "lao_cai.txt").read_text(encoding="utf-8")
    out = tmp_path / "pages"
    out.mkdir()
    pages = []
    for n in range(MANY):
        page = out / f"lao-cai-{n:02d}.txt"
        page.write_text(base + f"\nBản tin số {n + 1}\n", encoding="utf-8")
        pages.append(page)
    return pages


def _run(seeds: Path, *args: str):
    return CliRunner().invoke(cli, list(args), env={"POVERTYDB_SEEDS_DIR": str(seeds)})


def test_off_a_terminal_adding_many_pages_prints_count_and_rate_lines(seeds_copy, many_pages, reference):
    log = io.StringIO()
    report = add_many(many_pages, seeds_copy / "articles", reference, LogProgress(log, every=0))
    lines = log.getvalue().splitlines()
    assert lines and all(re.fullmatch(r"add \d+/14 \(\d+/s\)", line) for line in lines), lines
    assert lines[-1].startswith(f"add {MANY}/{MANY} ")
    assert len(report.added) == MANY and not report.failed


def test_adding_many_pages_names_the_first_added_counts_the_rest_and_reports_skipped_and_failed(
    seeds_copy, many_pages, tmp_path
):
    empty = tmp_path / "pages" / "empty.txt"
    empty.write_bytes(b"")
    result = _run(seeds_copy, "add-article", *map(str, many_pages), str(many_pages[0]), str(empty))
    assert result.exit_code == 1, result.output  # a page failed: not a clean run
    out = result.output
    assert f"{MANY + 2} page(s): {MANY} added, 0 changed, 1 skipped, 1 failed." in out
    added = re.search(r"^Added 14: (.*) and (\d+) more$", out, re.M)
    assert added and len(added[1].split(", ")) == SUMMARY_NAMES and int(added[2]) == MANY - SUMMARY_NAMES
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name) for name in added[1].split(", "))
    assert re.search(rf"^Skipped 1: .*{many_pages[0].name}: page already added as ", out, re.M)
    assert re.search(r"^Failed 1: .*empty\.txt: ", out, re.M)
    stored = {p.name for p in (seeds_copy / "articles").glob("*.yaml")}
    assert len(stored) == len(list((SEEDS / "articles").glob("*.yaml"))) + MANY


def test_drafting_many_pages_into_a_directory_reports_added_then_skipped_then_changed(
    seeds_copy, many_pages, tmp_path
):
    out = tmp_path / "drafts"
    first = _run(seeds_copy, "draft", "--out", str(out), *map(str, many_pages))
    assert first.exit_code == 0, first.output
    assert f"{MANY} page(s): {MANY} added, 0 changed, 0 skipped, 0 failed." in first.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.yaml" for p in many_pages)
    again = _run(seeds_copy, "draft", "--out", str(out), *map(str, many_pages[:3]))
    assert "3 page(s): 0 added, 0 changed, 3 skipped, 0 failed." in again.output
    # Another publication date: another draft of the same page.
    changed = _run(seeds_copy, "draft", "--out", str(out), "--published", "2024-01-05", str(many_pages[1]))
    assert changed.exit_code == 0, changed.output
    assert f"Changed 1: {many_pages[1].stem}.yaml" in changed.output


def test_drafting_many_pages_without_an_output_directory_is_a_usage_error(seeds_copy, many_pages):
    result = _run(seeds_copy, "draft", *map(str, many_pages[:2]))
    assert result.exit_code == 2
    assert "give --out DIR" in result.output
