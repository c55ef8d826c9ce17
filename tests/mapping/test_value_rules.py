"""Value rules live in verification: what the database's CHECKs would refuse, `check` names first."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.mapping.schema import Mapping
from app.mapping.verify import verify
from app.reference.catalog import read_reference
from app.reference.errors import MappingError
from tests.conftest import SEEDS

TEXT = (
    "Tiêu đề\n\nNDO - Năm 2023, tỉnh đạt 120% chỉ tiêu giảm nghèo; tỷ lệ hộ nghèo giảm 4-5%,"
    " còn 18.067 hộ nghèo. Tổng vốn từ 200-300 tỷ đồng.\nBình luận"
)
REF = read_reference(SEEDS)


def _verify(figures=(), funding=()):
    mapping = Mapping.model_validate(
        {
            "report": {
                "slug": "test",
                "title": "Tiêu đề",
                "regions_valid_on": "2024-01-01",
                "body": {"starts_with": "NDO -", "ends_with": "tỷ đồng."},
            },
            "defaults": {"region": "06", "period": "2023", "status": "actual"},
            "figures": list(figures),
            "funding": list(funding),
        }
    )
    return verify(
        mapping, TEXT, REF, path=Path("x.yaml"), source_file="x.txt", mapping_bytes=b"", check_coverage=False
    )


def _problems(**kw) -> list[str]:
    with pytest.raises(MappingError) as caught:
        _verify(**kw)
    assert str(caught.value).startswith("x.yaml: ")
    return caught.value.problems


ATTAINMENT = {"key": "attained", "quote": "đạt 120% chỉ tiêu", "value": 120}


def test_attainment_of_a_plan_over_100_percent_is_a_percent_ratio_and_passes():
    rows = _verify(figures=[ATTAINMENT | {"indicator": "plan_attainment"}]).observations
    assert (rows[0]["indicator_code"], rows[0]["value"]) == ("plan_attainment", 120)
    assert REF.indicators["plan_attainment"].unit == "percent_ratio"


def test_a_share_over_100_is_refused_naming_the_fact_and_the_kind_it_needs():
    problems = _problems(figures=[ATTAINMENT | {"indicator": "poor_household_rate"}])
    assert problems == [
        "figures[0] (attained): value 120 is outside 0-100: poor_household_rate is a share (unit percent);"
        " a percentage that may exceed 100 (attainment of a plan, growth) needs an indicator with unit"
        " percent_ratio, such as plan_attainment"
    ]


def test_a_range_whose_high_end_is_not_higher_is_refused():
    fall = {
        "key": "fall",
        "indicator": "poor_household_rate_change",
        "quote": "giảm 4-5%",
        "baseline": "2022",
    }
    assert _verify(figures=[fall | {"value": -5, "value_high": -4}]).observations
    problems = _problems(figures=[fall | {"value": -4, "value_high": -5}])
    assert problems == [
        "figures[0] (fall): value_high -5 must be greater than value -4 (the low end of a range comes"
        ' first; a falling range "giảm 4-5%" is value: -5, value_high: -4)'
    ]
    money = {"key": "m", "quote": "từ 200-300 tỷ đồng", "status": "planned", "source": "unspecified"}
    assert _verify(funding=[money | {"amount_vnd": 200e9, "amount_high_vnd": 300e9}]).funding
    problems = _problems(funding=[money | {"amount_vnd": 300e9, "amount_high_vnd": 300e9}])
    assert any(
        p.startswith("funding[0] (m): amount_high_vnd 300") and "must be greater" in p for p in problems
    )


def test_a_negative_count_as_a_level_is_refused():
    problems = _problems(
        figures=[
            {"key": "n", "indicator": "poor_households", "quote": "còn 18.067 hộ nghèo", "value": -18067}
        ]
    )
    assert "figures[0] (n): value -18067 is negative: poor_households counts households;" in " ".join(
        problems
    )
