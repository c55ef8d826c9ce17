"""The series page's rendering helpers, made cheap for thousands of points, give the same output."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise
from urllib.parse import quote

from jinja2 import Environment

from app.web import facts
from app.web.chart import series_svg
from app.web.pages import _alternatives

# The template's loop before the alternatives were built in Python.
TEMPLATE_LOOP = (
    "{% for i in range(p.alternative_figure_ids|length) %}"
    '<a class="alternative" href="{{ evidence_href('
    'p.alternative_report_slugs[i], p.alternative_figure_ids[i]) }}">'
    "{{ value_text(p.alternative_values[i], p.alternative_values_high[i]) }}"
    " ({{ p.alternative_statuses[i] }}, <code>{{ p.alternative_report_slugs[i] }}</code>)</a>"
    "{% if not loop.last %}<br>{% endif %}{% endfor %}"
)


def test_links_are_quoted_as_quote_did_for_safe_and_unsafe_slugs_and_keys():
    for slug, figure_id in [
        ("ndo-bac-kan-2024-targets", "ndo-bac-kan-2024-targets:poor-household-rate-2023"),
        ("x-1", "x-1:key~2"),
        ("a b", "a b:tỷ lệ/hộ#nghèo&1"),
        ("", ""),
    ]:
        expected = f"/reports/{quote(slug, safe='')}#{quote(facts.figure_anchor(figure_id), safe='')}"
        assert facts.evidence_href(slug, figure_id) == expected


def test_alternatives_are_the_html_the_template_wrote():
    row = {
        "alternative_figure_ids": ["r-1:a", "r<2>:b&c", "r-3:d"],
        "alternative_values": [Decimal("22.25"), Decimal("1000000"), Decimal("0.5")],
        "alternative_values_high": [None, Decimal("2000000"), None],
        "alternative_statuses": ["preliminary", "actual", "expected"],
        "alternative_report_slugs": ["r-1", "r<2>", "r-3"],
    }
    env = Environment(autoescape=True)
    env.globals.update(evidence_href=facts.evidence_href, value_text=facts.value_text)
    assert str(_alternatives(row)) == env.from_string(TEMPLATE_LOOP).render(p=row)
    assert str(_alternatives({**row, **{k: [] for k in row}})) == ""


def test_points_of_one_period_sit_side_by_side_16_px_apart():
    day = date(2023, 12, 31)
    points = [
        {
            "figure_id": f"r-{n}:k",
            "report_slug": f"r-{n}",
            "value": Decimal(n),
            "status": "actual",
            "period_end": day,
            "role": "alternative",
            "hover": "",
        }
        for n in range(1, 6)
    ] + [
        {
            "figure_id": "r-9:k",
            "report_slug": "r-9",
            "value": Decimal(3),
            "status": "actual",
            "period_end": date(2020, 12, 31),
            "role": "chosen",
            "hover": "",
            "rule": "only",
        }
    ]
    svg = str(series_svg(points, lambda p: facts.evidence_href(p["report_slug"], p["figure_id"]), "t"))
    xs = {
        fid: float(x) for fid, x in re.findall(r'data-figure-id="([^"]+)"[^>]*><circle cx="([0-9.]+)"', svg)
    }
    same = sorted(xs[f"r-{n}:k"] for n in range(1, 6))
    assert [round(b - a, 1) for a, b in pairwise(same)] == [16.0] * 4
    assert xs["r-9:k"] < same[0]
