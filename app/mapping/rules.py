"""Value rules of a fact row, the same the database's CHECK constraints enforce (app/models.py).

They run in verification so that `povertydb check` names the file and the fact, instead of the
database refusing the row during a load. Keep them in step with the constraints they mirror.
"""

from __future__ import annotations

from decimal import Decimal

from app.vocab import COUNT_UNITS

SHARE_LIMITS = (Decimal(0), Decimal(100))


def figure_value_problems(
    indicator: str, unit: str, measure: str, value: Decimal, value_high: Decimal | None
) -> list[str]:
    """What ck_observations_rate_range, _count_not_negative and _range_order would refuse."""
    problems = _range_order(value, value_high, "value")
    if measure == "level" and unit == "percent":
        low, high = SHARE_LIMITS
        for name, v in (("value", value), ("value_high", value_high)):
            if v is not None and not low <= v <= high:
                problems.append(
                    f"{name} {v} is outside 0-100: {indicator} is a share (unit percent); a percentage"
                    " that may exceed 100 (attainment of a plan, growth) needs an indicator with unit"
                    " percent_ratio, such as plan_attainment"
                )
    if measure == "level" and unit in COUNT_UNITS and value < 0:
        problems.append(f"value {value} is negative: {indicator} counts {unit}; a fall is a change indicator")
    return problems


def funding_value_problems(amount: Decimal, amount_high: Decimal | None) -> list[str]:
    """What ck_funding_range_order would refuse (amount_vnd >= 0 is part of the schema)."""
    return _range_order(amount, amount_high, "amount_vnd", "amount_high_vnd")


def _range_order(
    low: Decimal, high: Decimal | None, low_name: str, high_name: str | None = None
) -> list[str]:
    high_name = high_name or f"{low_name}_high"
    if high is not None and not high > low:
        return [
            f"{high_name} {high} must be greater than {low_name} {low} (the low end of a range comes"
            f' first; a falling range "giảm 4-5%" is {low_name}: -5, {high_name}: -4)'
        ]
    return []
