"""A machine-drafted, unreviewed article shows as such: counts on the reports page, popovers, tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import yaml

from app.db import make_engine
from app.load.seeds import load_seeds
from tests.conftest import SEEDS
from tests.web.conftest import running_viewer

ARTICLE = "002_8bb7c323e6b1daaf"
SLUG = "baodantoc-binh-gia-interview"
NOTE = "region guessed from the article's district"


@pytest.fixture(scope="module")
def drafted_viewer(new_database, tmp_path_factory) -> Iterator[tuple[str, object]]:
    """The viewer over the seeds with article 002's mapping marked drafted and not yet reviewed."""
    seeds = tmp_path_factory.mktemp("drafted") / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / "articles" / f"{ARTICLE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["report"]["drafted_by"] = "povertydb draft 0.1.0"
    data["report"]["reviewed"] = False
    figure = next(f for f in data["figures"] if f["key"] == "poor-households-2023")
    figure["confidence"] = "low"
    figure["review_note"] = NOTE
    data["statements"][0]["confidence"] = "high"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    engine = make_engine(new_database())
    load_seeds(engine, seeds)
    with running_viewer(engine) as base:
        yield base, engine
    engine.dispose()


def _fact_count(engine, slug: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM analytics.figures WHERE report_slug = %(s)s)"
            " + (SELECT count(*) FROM analytics.statements WHERE report_slug = %(s)s)",
            {"s": slug},
        ).scalar_one()


def test_the_reports_page_counts_the_drafted_articles_facts_as_machine_drafted(drafted_viewer, page):
    base, engine = drafted_viewer
    page.goto(base + "/")
    n = _fact_count(engine, SLUG)
    assert n > 0
    drafted = page.locator(f"#reports tr[data-slug='{SLUG}'] .reviewed")
    assert drafted.text_content() == f"0 / {n}{n} not reviewed"
    hand = page.locator("#reports tr[data-slug='tnmt-bac-kan-2023-results'] .reviewed")
    assert hand.text_content() == "19 / 0"


def test_a_drafted_figures_popover_and_row_show_it_unreviewed_with_confidence_and_note(drafted_viewer, page):
    base, _ = drafted_viewer
    page.goto(f"{base}/reports/{SLUG}")
    mark = page.locator("#fig-poor-households-2023")
    mark.focus()
    content = mark.evaluate("(el) => getComputedStyle(el, '::after').content")
    for detail in ("reviewed: no, machine-drafted", "confidence: low", f"review note: {NOTE}"):
        assert detail in content
    row = page.locator("#row-fig-poor-households-2023 td.trust")
    assert row.locator(".confidence").text_content() == "confidence: low"
    assert row.locator(".review-note").text_content() == NOTE
    assert row.text_content().startswith("no, machine-drafted")
    statement_rows = page.locator("tr.row-statement td.trust")
    assert statement_rows.first.locator(".confidence").text_content() == "confidence: high"
    assert "review note" not in page.locator("#page-text .fact-statement").first.evaluate(
        "(el) => el.getAttribute('data-tip') || el.getAttribute('title') || ''"
    )


def test_the_figures_page_marks_drafted_figures(drafted_viewer, page):
    base, _ = drafted_viewer
    page.goto(f"{base}/figures?indicator=poor_household_rate")
    cells = page.locator("#figures tbody td.trust").all_text_contents()
    assert any(c.startswith("no, machine-drafted") for c in cells)
    assert any(c == "yes (hand-mapped)" for c in cells)
