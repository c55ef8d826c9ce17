"""Coverage: every quantity the toolkit finds in an article body is mapped or left out on purpose.

A quantity is mapped when a figure or funding item quotes it and states its value; it is left
out when a `left_out` passage of the mapping contains it, with a reason. Anything else, and any
number-like token the toolkit cannot classify, is unexplained and fails the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.vn.scan import NumberToken, classify_numbers


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str  # the fact key, or the reason a passage is left out
    values: frozenset[Decimal] = frozenset()


@dataclass(frozen=True)
class Covered:
    token: NumberToken  # offsets into the whole page text
    status: str  # mapped, left_out, other (a date, year, code... classified), unexplained
    by: str  # fact key, reason, or the token's kind


def coverage(text: str, body: tuple[int, int], facts: list[Span], left_out: list[Span]) -> list[Covered]:
    """Every number-like token of the body and what accounts for it."""
    start, end = body
    out = []
    for t in classify_numbers(text[start:end]):
        token = NumberToken(t.kind, t.start + start, t.end + start, t.text, t.quantity)
        out.append(_account(token, facts, left_out))
    return out


def _account(token: NumberToken, facts: list[Span], left_out: list[Span]) -> Covered:
    if token.kind == "unclassified":
        return Covered(token, "unexplained", "unclassified")
    if token.kind != "quantity":
        return Covered(token, "other", token.kind)
    q = token.quantity
    stated = {q.value} | ({q.value_high} if q.value_high is not None else set())  # parsed: never negative
    for fact in facts:
        if fact.start <= token.start and token.end <= fact.end and stated & fact.values:
            return Covered(token, "mapped", fact.label)
    for passage in left_out:
        if passage.start <= token.start and token.end <= passage.end:
            return Covered(token, "left_out", passage.label)
    return Covered(token, "unexplained", "neither mapped nor left out")


def fact_values(value: Decimal, value_high: Decimal | None) -> frozenset[Decimal]:
    return frozenset({abs(value)} | ({abs(value_high)} if value_high is not None else set()))
