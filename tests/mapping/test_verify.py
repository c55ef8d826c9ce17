"""Verification of a mapping against its article: spans, values, qualifiers, signs, references."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.mapping.evidence import check_value, find_all
from app.mapping.schema import Mapping
from app.mapping.verify import verify
from app.reference.catalog import read_reference
from app.reference.errors import MappingError
from tests.conftest import SEEDS

TEXT = (
    "Tiêu đề\n\nNDO - Năm 2023, tỉnh\u00a0còn 18.067 hộ nghèo, giảm 2,76% so với năm 2022;"
    " 18.067 hộ.\nBình luận"
)
REF = read_reference(SEEDS)


def _mapping(**figure) -> Mapping:
    base = {
        "key": "f1",
        "indicator": "poor_households",
        "quote": "còn 18.067 hộ nghèo",
        "value": 18067,
        "period": "2023",
        "status": "actual",
    }
    return Mapping.model_validate(
        {
            "report": {
                "slug": "test",
                "title": "Tiêu đề",
                "regions_valid_on": "2024-01-01",
                "body": {"starts_with": "NDO -", "ends_with": "18.067 hộ."},
            },
            "defaults": {"region": "06"},
            "figures": [base | figure],
        }
    )


def _verify(mapping: Mapping, check_coverage: bool = False):
    return verify(
        mapping,
        TEXT,
        REF,
        path=Path("x.yaml"),
        source_file="x.txt",
        mapping_bytes=b"",
        check_coverage=check_coverage,
    )


def test_a_quote_typed_with_plain_spaces_matches_a_non_breaking_space_and_keeps_it():
    rows = _verify(_mapping(quote="tỉnh còn 18.067 hộ nghèo")).observations
    assert rows[0]["evidence_text"] == "tỉnh\u00a0còn 18.067 hộ nghèo"
    assert TEXT[rows[0]["char_start"] : rows[0]["char_end"]] == rows[0]["evidence_text"]


def test_a_quote_missing_from_the_body_is_an_error_naming_the_figure():
    with pytest.raises(
        MappingError, match=r"figures\[0\] \(f1\): quote 'còn 18.000 hộ' is not in the article body"
    ):
        _verify(_mapping(quote="còn 18.000 hộ", value=18000))


def test_an_ambiguous_quote_is_an_error_and_within_resolves_it():
    with pytest.raises(MappingError, match="occurs 2 times"):
        _verify(_mapping(quote="18.067 hộ"))
    rows = _verify(_mapping(quote="18.067 hộ", within="còn 18.067 hộ nghèo")).observations
    assert TEXT[rows[0]["char_start"] : rows[0]["char_end"]] == "18.067 hộ"
    assert rows[0]["char_start"] == TEXT.index("còn 18.067") + len("còn ")


def test_text_outside_the_body_cannot_be_quoted():
    with pytest.raises(MappingError, match="not in the article body"):
        _verify(_mapping(quote="Bình luận"))


def test_a_change_needs_a_baseline_and_the_sign_of_its_wording():
    with pytest.raises(MappingError, match="needs a `baseline`"):
        _verify(_mapping(indicator="poor_household_rate_change", quote="giảm 2,76%", value=-2.76))
    with pytest.raises(MappingError, match="a rise needs one of"):
        _verify(
            _mapping(indicator="poor_household_rate_change", quote="giảm 2,76%", value=2.76, baseline="2022")
        )
    row = _verify(
        _mapping(indicator="poor_household_rate_change", quote="giảm 2,76%", value=-2.76, baseline="2022")
    )
    assert row.observations[0]["baseline_period_start"].isoformat() == "2022-01-01"


def test_every_problem_of_a_file_is_reported_at_once():
    with pytest.raises(MappingError) as caught:
        _verify(_mapping(indicator="no_such_indicator", region="99", quote="không có"))
    text = str(caught.value)
    assert "unknown indicator 'no_such_indicator'" in text
    assert "region '99' is not a unit valid on 2024-01-01" in text
    assert "'không có' is not in the article body" in text


@pytest.mark.parametrize(
    ("quote", "value", "high", "qualifier", "unit", "ok"),
    [
        ("hơn 272 tỷ đồng", "272000000000", None, "more_than", "vnd", True),
        ("hơn 272 tỷ đồng", "272000000000", None, None, "vnd", False),  # qualifier dropped
        ("272 tỷ đồng", "272", None, None, "vnd", False),  # magnitude ignored
        ("từ 2-2,5%/năm", "2", "2.5", None, "percent", True),
        ("từ 2-2,5%/năm", "2", None, None, "percent", False),  # range collapsed
        ("chiếm 22,25%", "22.25", None, None, "percent", True),
        ("chiếm 22,25%", "2225", None, None, "percent", False),  # decimal comma misread
        ("còn 18.067 hộ", "18.067", None, None, "households", False),  # grouping dot misread
        ("có 1.693 người", "1693", None, None, "percent", False),  # not a percentage
    ],
)
def test_check_value_reads_numbers_the_vietnamese_way(quote, value, high, qualifier, unit, ok):
    error = check_value(quote, Decimal(value), Decimal(high) if high else None, qualifier, unit, "level")
    assert (error is None) is ok, error


def test_find_all_reports_exact_spans():
    assert find_all("a  b a b", "a b") == [(0, 4), (5, 8)]


def test_coverage_fails_on_a_number_that_is_neither_mapped_nor_left_out():
    with pytest.raises(MappingError) as caught:
        _verify(_mapping(), check_coverage=True)
    problems = caught.value.problems
    assert len(problems) == 2  # 2,76% and the second 18.067; the first 18.067 is mapped
    assert any("'2,76' on line 3 is neither mapped nor left out" in p for p in problems)


def test_left_out_passages_explain_numbers_and_must_explain_one():
    data = _mapping().model_dump(mode="json", exclude_none=True)
    data["left_out"] = [
        {"quote": "giảm 2,76% so với năm 2022", "reason": "a test"},
        {"quote": "; 18.067 hộ.", "reason": "repeated"},
    ]
    report = _verify(Mapping.model_validate(data), check_coverage=True)
    assert {c.by for c in report.coverage if c.status == "left_out"} == {"a test", "repeated"}
    data["left_out"].append({"quote": "Năm 2023", "reason": "stale"})
    with pytest.raises(MappingError, match=r"left_out\[2\]: 'Năm 2023' leaves out no number"):
        _verify(Mapping.model_validate(data), check_coverage=True)


@pytest.mark.parametrize(
    ("quote", "value", "unit", "measure", "ok"),
    [
        ("giảm 0,5 điểm phần trăm", "-0.5", "percentage_points", "change", True),
        ("tỷ lệ hộ nghèo còn 0,5 điểm phần trăm", "0.5", "percent", "level", False),
        ("trên 227 tỉ đồng", "227000000000", "vnd", "level", True),
        ("644.000đ/người/tháng", "644000", "vnd", "level", True),
    ],
)
def test_spelling_variants_state_their_values(quote, value, unit, measure, ok):
    qualifier = "more_than" if quote.startswith("trên") else None
    assert (check_value(quote, Decimal(value), None, qualifier, unit, measure) is None) is ok


def _with_trust(figure: dict, report: dict) -> Mapping:
    data = _mapping(**figure).model_dump(exclude_none=True)
    data["report"] |= report
    return Mapping.model_validate(data)


def test_a_drafted_mapping_is_unreviewed_until_it_says_reviewed():
    assert _mapping().report.is_reviewed is True
    drafted = _with_trust(
        {"confidence": "low", "review_note": "period guessed"}, {"drafted_by": "povertydb draft 0.1.0"}
    )
    assert drafted.report.is_reviewed is False
    (row,) = _verify(drafted).observations
    assert (row["confidence"], row["review_note"]) == ("low", "period guessed")
    assert _verify(drafted).report["reviewed"] is False
    reviewed = _with_trust({}, {"drafted_by": "povertydb draft 0.1.0", "reviewed": True})
    assert (reviewed.report.is_reviewed, _verify(reviewed).report["drafted_by"]) == (
        True,
        "povertydb draft 0.1.0",
    )


def test_a_confidence_outside_the_vocabulary_is_refused():
    with pytest.raises(ValueError, match="confidence"):
        _with_trust({"confidence": "certain"}, {})


@pytest.mark.parametrize("region", ["VN", "VN-4"])
def test_a_figure_for_the_country_or_a_macro_region_verifies(region):
    (row,) = _verify(_mapping(region=region)).observations
    assert row["region_code"] == region
