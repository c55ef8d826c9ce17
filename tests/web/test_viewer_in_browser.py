"""The viewer as a person sees it: `povertydb browse` on the seeds, looked at in headless chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from app.settings import PROJECT_ROOT
from app.web.facts import figure_anchor, statement_anchor

# Every highlight of the page text, grouped by fact: its text in document order (a fact split to
# keep the markup nested is several pieces), kind, HTML id, and code-point offset of its first piece.
HIGHLIGHTS_JS = """() => {
  const root = document.getElementById('page-text');
  const out = {};
  for (const el of root.querySelectorAll('mark.fact')) {
    const anchor = el.dataset.fact;
    if (!(anchor in out)) {
      const before = document.createRange();
      before.setStart(root, 0);
      before.setEndBefore(el);
      out[anchor] = {text: '', pieces: 0, id: el.id, tabindex: el.getAttribute('tabindex'),
                     kind: [...el.classList].find(c => c.startsWith('fact-')).slice(5),
                     start: [...before.toString()].length};
    }
    out[anchor].text += el.textContent;
    out[anchor].pieces += 1;
  }
  return out;
}"""
BAC_KAN = "/conflicts"


def _facts(engine, slug: str) -> dict[str, dict]:
    """What analytics says the article's highlights must be, keyed by anchor."""
    with engine.connect() as conn:
        figures = conn.execute(
            text(
                "SELECT figure_id, figure_kind, evidence_text, char_start FROM analytics.figures"
                " WHERE report_slug = :s"
            ),
            {"s": slug},
        ).all()
        funding = set(
            conn.execute(text("SELECT funding_id FROM analytics.funding WHERE report_slug = :s"), {"s": slug})
            .scalars()
            .all()
        )
        statements = conn.execute(
            text("SELECT statement_id, text, char_start FROM analytics.statements WHERE report_slug = :s"),
            {"s": slug},
        ).all()
    expected = {
        figure_anchor(f.figure_id): {
            "text": f.evidence_text,
            "kind": "funding" if f.figure_id in funding else "figure",
            "start": f.char_start,
        }
        for f in figures
    }
    assert sum(e["kind"] == "funding" for e in expected.values()) == len(funding)
    expected |= {
        statement_anchor(s.statement_id): {"text": s.text, "kind": "statement", "start": s.char_start}
        for s in statements
    }
    return expected


def _seed_slugs() -> list[str]:
    return sorted(
        yaml.safe_load(path.read_text(encoding="utf-8"))["report"]["slug"]
        for path in (PROJECT_ROOT / "seeds" / "articles").glob("*.yaml")
    )


def test_there_are_five_seed_articles_and_the_reports_page_lists_each_with_its_counts(viewer, page):
    page.goto(viewer + "/")
    rows = page.locator("#reports tbody tr")
    assert sorted(rows.evaluate_all("(rs) => rs.map(r => r.dataset.slug)")) == _seed_slugs()
    assert len(_seed_slugs()) == 5
    tnmt = page.locator("#reports tr[data-slug='tnmt-bac-kan-2023-results']")
    assert tnmt.locator(".figure-count").text_content() == "17"
    assert tnmt.locator(".statement-count").text_content() == "2"
    assert tnmt.locator(".reviewed").text_content() == "19 / 0"


@pytest.mark.parametrize("slug", _seed_slugs())
def test_the_seed_article_highlights_exactly_the_spans_of_its_figures_funding_and_statements(
    viewer, page, loaded_engine, slug
):
    with loaded_engine.connect() as conn:
        report = conn.execute(
            text("SELECT text, body_start, body_end FROM analytics.reports WHERE report_slug = :s"),
            {"s": slug},
        ).one()
    page.goto(f"{viewer}/reports/{slug}")
    assert page.text_content("#page-text") == report.text
    shown = page.evaluate(HIGHLIGHTS_JS)
    expected = _facts(loaded_engine, slug)
    assert len(shown) == len(expected) > 0
    for anchor, want in expected.items():
        got = shown[anchor]
        assert got["text"] == want["text"], anchor
        assert got["start"] == want["start"], anchor
        assert got["kind"] == want["kind"], anchor
        assert (got["id"], got["tabindex"]) == (anchor, "0"), anchor
    body = "".join(page.locator('#page-text [data-zone="body"]').all_text_contents())
    assert body == report.text[report.body_start : report.body_end]
    chrome = page.locator('#page-text [data-zone^="chrome"]')
    assert chrome.count() == (report.body_start > 0) + (report.body_end < len(report.text))


def test_overlapping_figures_are_both_highlighted_in_full(viewer, page):
    # "...vay" ends one figure and "vay hơn 270 tỷ đồng..." starts the next: one word, two facts.
    page.goto(f"{viewer}/reports/dong-hy-mobilises-resources")
    shown = page.evaluate(HIGHLIGHTS_JS)
    first = shown["fig-households-borrowing-policy-credit-2022-2024"]
    second = shown["fig-policy-credit-2022-2024"]
    assert first["text"].endswith(" vay") and second["text"].startswith("vay ")
    assert first["pieces"] + second["pieces"] == 3  # the shared word is nested, not lost


def test_focusing_a_highlight_shows_its_details_and_the_fact_table_links_to_it(viewer, page):
    page.goto(f"{viewer}/reports/tnmt-bac-kan-2023-results")
    mark = page.locator("#fig-poor-household-rate-2023")
    popover = "(el) => { const s = getComputedStyle(el, '::after'); return [s.display, s.content]; }"
    assert mark.evaluate(popover)[0] == "none"
    mark.focus()
    display, content = mark.evaluate(popover)
    assert display == "block"
    for detail in (
        "indicator: poor_household_rate",
        "value: 22.25",
        "unit: percent",
        "qualifier: exact",
        "region: Tỉnh Bắc Kạn (06)",
        "period: 2023",
        "status: preliminary",
        "reviewed: yes (hand-mapped)",
    ):
        assert detail in content
    page.keyboard.press("Tab")  # the next highlight takes the focus: every highlight is focusable
    assert page.evaluate("document.activeElement.classList.contains('fact')")

    links = page.locator("#fact-table a[href^='#']")
    assert links.count() == 19
    for href in links.evaluate_all("(as) => as.map(a => a.getAttribute('href'))"):
        assert page.locator(f"#page-text {href}").count() == 1, href
    page.click("#row-fig-poor-household-rate-2023 a")
    assert page.url.endswith("#fig-poor-household-rate-2023")
    assert page.evaluate("document.querySelector(':target').textContent") == "chiếm 22,25%"


def test_the_conflicts_page_shows_both_bac_kan_values_with_their_sentences(viewer, page):
    page.goto(viewer + BAC_KAN)
    section = page.locator("section.conflict", has_text="poor_household_rate ·").first
    assert section.locator(".conflict-value").all_text_contents() == ["21.95", "22.25"]
    assert section.locator("blockquote mark.fact").all_text_contents() == [
        "tỷ lệ hộ nghèo đa chiều của tỉnh còn 21,95%",
        "chiếm 22,25%",
    ]
    sentences = section.locator("blockquote").all_text_contents()
    assert sentences[1].startswith("(TN&MT) - Theo báo cáo rà soát sơ bộ") and sentences[1].endswith("2022.")
    section.locator("a.evidence").nth(1).click()
    assert page.url.endswith("/reports/tnmt-bac-kan-2023-results#fig-poor-household-rate-2023")


def test_the_series_chart_renders_points_that_lead_to_their_evidence(viewer, page):
    page.goto(f"{viewer}/series?indicator=poor_household_rate&region=06")
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    points = chart.locator("a.point")
    assert points.count() == 3
    assert chart.locator("polyline.series-line").count() == 1
    points.last.click()  # the 2024 target, off the line
    assert "/reports/ndo-bac-kan-2024-targets#fig-" in page.url
    assert "19,65%" in page.evaluate("document.querySelector(':target').textContent")


def test_the_series_line_follows_analytics_series_with_the_alternative_beside_it(viewer, page):
    page.goto(f"{viewer}/series?indicator=poor_household_rate&region=06")
    chart = page.locator("svg.chart")
    chosen = chart.locator("a.point.chosen")
    assert chosen.count() == 1
    assert chosen.get_attribute("data-rule") == "actual_over_preliminary"
    hover = chosen.locator("title").text_content()
    assert hover.startswith("2023: 21.95 (actual) — ndo-bac-kan-2024-targets")
    assert "chosen by rule actual_over_preliminary: An actual figure beats a preliminary one." in hover
    line = chart.locator("polyline.series-line").get_attribute("points").split()
    circle = chosen.locator("circle")
    assert line == [f"{circle.get_attribute('cx')},{circle.get_attribute('cy')}"]
    alternative = chart.locator("a.point.alternative")
    assert alternative.count() == 1
    # hollow, in its status's colour: not a white ring on white
    assert alternative.locator("circle").evaluate("(el) => getComputedStyle(el).stroke") == "rgb(224, 138, 0)"
    assert (
        alternative.locator("title")
        .text_content()
        .startswith("2023: 22.25 (preliminary) — tnmt-bac-kan-2023-results")
    )
    assert chart.locator("a.point.target title").text_content().startswith("2024: 19.65 (target)")
    row = page.locator("#series tr[data-rule]")
    assert row.count() == 1 and "22.25 (preliminary" in row.locator("td.alternatives").text_content()
    alternative.click()
    assert page.url.endswith("/reports/tnmt-bac-kan-2023-results#fig-poor-household-rate-2023")
    assert page.evaluate("document.querySelector(':target').textContent") == "chiếm 22,25%"


def test_the_figures_filter_finds_bac_kan_from_its_successor_province_and_links_to_evidence(
    viewer, page, loaded_engine
):
    with loaded_engine.connect() as conn:
        rate_2023 = conn.execute(
            text(
                "SELECT count(*) FROM analytics.figures WHERE indicator_code = 'poor_household_rate'"
                " AND period_start <= '2023-12-31' AND period_end >= '2023-01-01'"
            )
        ).scalar_one()
    page.goto(f"{viewer}/figures")
    page.select_option("select[name=indicator]", "poor_household_rate")
    page.fill("input[name=year]", "2023")
    page.click("button[type=submit]")
    assert page.locator("#figures tbody tr").count() == rate_2023 > 2
    # Tỉnh Thái Nguyên (19) took in Tỉnh Bắc Kạn (06) on 1 July 2025: its predecessors' figures count.
    page.goto(f"{viewer}/figures?indicator=poor_household_rate&region=19&year=2023")
    rows = page.locator("#figures tbody tr").evaluate_all("(rs) => rs.map(r => r.dataset.figureId)")
    assert sorted(rows) == [
        "ndo-bac-kan-2024-targets:poor-household-rate-2023",
        "tnmt-bac-kan-2023-results:poor-household-rate-2023",
    ]
    page.goto(f"{viewer}/figures?indicator=poor_household_rate&region=19&year=2023&exact=1")
    assert page.locator("#figures tbody tr").count() == 0
    page.goto(f"{viewer}/figures?indicator=poor_household_rate&region=06&status=preliminary")
    page.click("#figures a.evidence")
    assert page.evaluate("document.querySelector(':target').textContent") == "chiếm 22,25%"


def test_sql_typed_into_the_filters_is_only_data(viewer, page, loaded_engine):
    page.goto(f"{viewer}/figures")
    page.fill("input[name=year]", "2023; DROP TABLE reports")
    page.click("button[type=submit]")
    assert "year must be a whole number" in page.text_content("p.error")
    page.goto(
        f"{viewer}/figures?indicator=x%27%20OR%20%271%27%3D%271&status=%27%3B%20DELETE%20FROM%20funding%3B--"
    )
    assert page.locator("#figures tbody tr").count() == 0
    page.goto(f"{viewer}/reports/x%27%20OR%201%3D1--")
    assert "no report with slug" in page.text_content("p.error")
    with loaded_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reports")).scalar_one() == 5
        assert conn.execute(text("SELECT count(*) FROM funding")).scalar_one() == 6


def test_screenshots_of_every_page_type(viewer, page, tmp_path):
    """Set POVERTYDB_SCREENSHOTS=docs/screenshots to refresh the README's pictures."""
    target = Path(os.environ.get("POVERTYDB_SCREENSHOTS") or tmp_path)
    target = target if target.is_absolute() else PROJECT_ROOT / target
    target.mkdir(parents=True, exist_ok=True)
    shots = {
        "reports": "/",
        "article": "/reports/tnmt-bac-kan-2023-results",
        "figures": "/figures?region=06&year=2023",
        "conflicts": "/conflicts",
        "series": "/series?indicator=poor_household_rate&region=06",
    }
    for name, path in shots.items():
        page.goto(viewer + path)
        if name == "article":
            page.focus("#fig-poor-household-rate-2023")
        page.screenshot(path=str(target / f"{name}.png"))
        assert (target / f"{name}.png").stat().st_size > 20_000, name


PAGES = ["/", "/reports/tnmt-bac-kan-2023-results", "/figures", "/conflicts", "/series"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_runs_a_script(viewer, page, path):
    page.goto(viewer + path)
    assert page.locator("script").count() == 0
