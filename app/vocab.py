"""Controlled vocabularies shared by the schema (CHECK constraints) and the mapping files."""

from __future__ import annotations

# country (VN) and macro_region (the six socio-economic regions, VN-1..VN-6) sit above the
# provinces; their members are in region_memberships, not in parent links.
REGION_LEVELS = ("province", "district", "commune", "country", "macro_region")
# GSO codes: 2 digits a province, 3 a district, 5 a commune; VN the country, VN-1..VN-6 its regions.
REGION_CODE_PATTERN = r"^([0-9]{2}([0-9]|[0-9]{3})?|VN(-[1-6])?)$"
SUCCESSION_COVERAGE = ("whole", "partial")

# Units of indicators. Counts may never be negative as levels; shares ("percent") stay within
# 0..100; "percent_ratio" is a percentage that is a ratio, not a share (attainment of a plan,
# growth), and may exceed 100.
PERCENT_UNITS = ("percent", "percent_ratio")
COUNT_UNITS = (
    "households",
    "persons",
    "workers",
    "projects",
    "models",
    "works",
    "houses",
    "cards",
    "classes",
    "communes",
    "villages",
)
UNITS = PERCENT_UNITS + COUNT_UNITS + ("percentage_points", "vnd")

# level: a stock or a flow as stated; change: a signed difference against a baseline period.
MEASURES = ("level", "change")

# Words before a number: hơn/trên, gần, khoảng, ít nhất/tối thiểu, tối đa, dưới.
QUALIFIERS = ("more_than", "nearly", "about", "at_least", "at_most", "less_than")

# actual: reported result; preliminary: "rà soát sơ bộ"; expected: "dự kiến";
# target: "phấn đấu", "chỉ tiêu", "mục tiêu", "kế hoạch".
STATUSES = ("actual", "preliminary", "expected", "target")

FUNDING_STATUSES = ("allocated", "disbursed", "mobilised", "lent", "planned")
FUNDING_SOURCES = (
    "central_budget",
    "local_budget",
    "state_budget",
    "national_target_program",
    "social_mobilisation",
    "policy_bank_credit",
    "commercial_banks",
    "unspecified",
)

PROGRAM_KINDS = ("national_target_program", "project", "sub_project", "fund", "credit", "movement")
STATEMENT_KINDS = ("direct_quote", "paraphrase")
# How sure the drafter of a mapping is of a fact; NULL for hand-written mappings.
CONFIDENCES = ("high", "medium", "low")
# abandoned: a run whose process died; marked so by the next run.
RUN_STATUSES = ("running", "succeeded", "failed", "abandoned")


def sql_in(values: tuple[str, ...]) -> str:
    """`('a', 'b')` for a CHECK constraint; the values are our own constants, never user input."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
