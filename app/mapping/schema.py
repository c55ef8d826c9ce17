"""The mapping file: one YAML file beside each article, describing its metadata and every fact.

A fact names the exact words it comes from (`quote`, optionally inside a longer unique
`within`); the loader finds them in the article body and checks the value against them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app import vocab
from app.reference.errors import MappingError, pydantic_problems
from app.reference.periods import Period, parse_period
from app.reference.yamlfile import load_yaml

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _region_code(code: str) -> str:
    if not re.fullmatch(vocab.REGION_CODE_PATTERN, code):
        raise ValueError(f"{code!r} is no region code: a GSO code (2, 3 or 5 digits), VN, or VN-1 to VN-6")
    return code


RegionCode = Annotated[str, pydantic.AfterValidator(_region_code)]
# One vocabulary for the CHECK constraints and the mapping files: app/vocab.py.
Qualifier = Literal[vocab.QUALIFIERS]
Status = Literal[vocab.STATUSES]
FundingStatus = Literal[vocab.FUNDING_STATUSES]
FundingSource = Literal[vocab.FUNDING_SOURCES]
StatementKind = Literal[vocab.STATEMENT_KINDS]
NonEmpty = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodSpec(Strict):
    @staticmethod
    def check(value: str | None) -> str | None:
        if value is not None:
            parse_period(value)
        return value


class Body(Strict):
    """The article body: from the first character of `starts_with` to the last of `ends_with`."""

    starts_with: NonEmpty
    ends_with: NonEmpty


class ReportMeta(Strict):
    slug: Key
    title: NonEmpty
    publisher: NonEmpty | None = None
    author: NonEmpty | None = None
    published: NonEmpty | None = Field(None, description="Publication date and time as printed.")
    url: NonEmpty | None = None
    regions_valid_on: dt.date | None = Field(
        None, description="Date at which region codes are read; defaults to the publication date."
    )
    body: Body
    drafted_by: NonEmpty | None = Field(
        None,
        description='The drafter that wrote the mapping ("povertydb draft 0.1.0"); absent when hand-written.',
    )
    reviewed: bool | None = Field(
        None, description="Whether a person checked the mapping; defaults to true unless drafted_by is set."
    )

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed if self.reviewed is not None else self.drafted_by is None


class Defaults(Strict):
    region: RegionCode | None = None
    period: str | None = None
    status: Status | None = None
    program: Key | None = None

    _period = field_validator("period")(PeriodSpec.check)


class Passage(Strict):
    """Words of the article: `quote`, found once in the body, or once inside `within`."""

    quote: NonEmpty
    within: NonEmpty | None = Field(None, description="A longer unique passage containing `quote`.")
    until: NonEmpty | None = Field(
        None,
        description="Long passages: the span runs from `quote` to the end of the first `until` after it.",
    )

    @model_validator(mode="after")
    def _quote_inside_within(self):
        if self.within is not None and self.quote not in self.within:
            raise ValueError("`quote` must be part of `within`")
        if self.within is not None and self.until is not None:
            raise ValueError("use `within` or `until`, not both")
        return self


class Located(Passage):
    """A fact: a passage with a key that is unique within the file."""

    key: Key


class Drafted(Strict):
    """Trust fields a drafter sets on each fact it writes; a reviewer reads `review_note`."""

    confidence: Literal[vocab.CONFIDENCES] | None = None
    review_note: NonEmpty | None = Field(None, description="Why the drafter guessed, for the reviewer.")


class LeftOut(Passage):
    """Numbers of the body deliberately not mapped, and why."""

    reason: NonEmpty


class Figure(Located, Drafted):
    indicator: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    value: Decimal
    value_high: Decimal | None = None
    qualifier: Qualifier | None = None
    status: Status | None = None
    region: RegionCode | None = None
    period: str | None = None
    baseline: str | None = Field(None, description="Period a change is measured against.")
    program: Key | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    review_note: NonEmpty | None = Field(None, description="Why the drafter guessed, for the reviewer.")

    _periods = field_validator("period", "baseline")(PeriodSpec.check)


class FundingItem(Located, Drafted):
    amount_vnd: Decimal = Field(ge=0)
    amount_high_vnd: Decimal | None = None
    qualifier: Qualifier | None = None
    status: FundingStatus
    source: FundingSource
    purpose: NonEmpty | None = Field(None, description="What the money pays for, words of the article.")
    region: RegionCode | None = None
    period: str | None = None
    program: Key | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    review_note: NonEmpty | None = Field(None, description="Why the drafter guessed, for the reviewer.")

    _period = field_validator("period")(PeriodSpec.check)


class PersonItem(Strict):
    key: Key
    name: NonEmpty
    title: NonEmpty
    organization: NonEmpty | None = None
    region: RegionCode | None = None


class StatementItem(Located, Drafted):
    person: Key
    kind: StatementKind
    region: RegionCode | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    review_note: NonEmpty | None = Field(None, description="Why the drafter guessed, for the reviewer.")


class Mapping(Strict):
    report: ReportMeta
    defaults: Defaults = Defaults()
    figures: list[Figure] = []
    funding: list[FundingItem] = []
    people: list[PersonItem] = []
    statements: list[StatementItem] = []
    left_out: list[LeftOut] = []

    @model_validator(mode="after")
    def _keys_unique(self):
        seen: set[str] = set()
        for item in [*self.figures, *self.funding, *self.statements]:
            if item.key in seen:
                raise ValueError(f"fact key {item.key!r} is used twice")
            seen.add(item.key)
        people = [p.key for p in self.people]
        twice = sorted({k for k in people if people.count(k) > 1})
        if twice:  # one position per person and report: the database would refuse the second
            raise ValueError(f"person key {twice[0]!r} is listed twice under people")
        return self


def read_mapping(path: Path) -> Mapping:
    """Parse and validate one mapping file; every problem names `path`."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise MappingError(path, ["expected a mapping with a `report:` section at the top level"])
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        raise MappingError(path, pydantic_problems(exc)) from None


def resolve_period(spec: str | None, default: str | None) -> Period | None:
    chosen = spec if spec is not None else default
    return parse_period(chosen) if chosen is not None else None
