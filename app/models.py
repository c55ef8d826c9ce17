"""The internal schema. Analysts read the `analytics` views (see migrations), not these tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.vocab import (
    CONFIDENCES,
    COUNT_UNITS,
    FUNDING_SOURCES,
    FUNDING_STATUSES,
    MEASURES,
    PROGRAM_KINDS,
    QUALIFIERS,
    REGION_CODE_PATTERN,
    REGION_LEVELS,
    RUN_STATUSES,
    STATEMENT_KINDS,
    STATUSES,
    SUCCESSION_COVERAGE,
    UNITS,
    sql_in,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(), primary_key=True)


def _run_fk() -> Mapped[int]:
    return mapped_column(BigInteger, ForeignKey("load_runs.id"), index=True)


def _span_checks(text_column: str) -> tuple[CheckConstraint, ...]:
    """A row's evidence is exactly `char_end - char_start` code points starting at `char_start`."""
    return (
        CheckConstraint("char_start >= 0 AND char_start < char_end", name="span_order"),
        CheckConstraint(f"char_length({text_column}) = char_end - char_start", name="span_length"),
    )


def _confidence_check() -> CheckConstraint:
    return CheckConstraint(f"confidence IN {sql_in(CONFIDENCES)}", name="confidence")


class _Fact:
    """Provenance of every fact: its report, its key in the mapping file, its exact words.

    `substr(reports.text, char_start + 1, char_end - char_start) = evidence_text`.
    `confidence` and `review_note` come from a drafted mapping: how sure the drafter was, and why.
    """

    report_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("reports.id"))
    fact_key: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    evidence_text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str | None] = mapped_column(Text)
    review_note: Mapped[str | None] = mapped_column(Text)
    load_run_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("load_runs.id"), index=True)


class LoadRun(Base):
    """One execution of a loader: rows carry the id of the run that last wrote them."""

    __tablename__ = "load_runs"
    id: Mapped[int] = _id()
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text)
    code_version: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    message: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (CheckConstraint(f"status IN {sql_in(RUN_STATUSES)}", name="status"),)


class ReportFile(Base):
    """What a loaded report was read from (migration 0007): sizes, modification times and hashes
    of its mapping and text, so that a load re-reads only articles whose files changed."""

    __tablename__ = "report_files"
    mapping_file: Mapped[str] = mapped_column(Text, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, index=True)
    text_file: Mapped[str] = mapped_column(Text)
    mapping_size: Mapped[int] = mapped_column(BigInteger)
    mapping_mtime_ns: Mapped[int] = mapped_column(BigInteger)
    mapping_sha256: Mapped[str] = mapped_column(Text)
    text_size: Mapped[int] = mapped_column(BigInteger)
    text_mtime_ns: Mapped[int] = mapped_column(BigInteger)
    text_sha256: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text)  # code version and reference digest it was loaded under
    people: Mapped[list] = mapped_column(JSONB, server_default="[]")
    fact_counts: Mapped[dict] = mapped_column(JSONB, server_default="{}")


class Region(Base):
    """An administrative unit. Codes are reused across the 2025 reform: identity is code + validity."""

    __tablename__ = "regions"
    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, index=True)
    unit_type: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("regions.id"), index=True)
    # NULL valid_from: valid since before the gazetteer's records begin (pre-reform units).
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (
        UniqueConstraint("code", "valid_from", postgresql_nulls_not_distinct=True),
        CheckConstraint(f"level IN {sql_in(REGION_LEVELS)}", name="level"),
        CheckConstraint(f"code ~ '{REGION_CODE_PATTERN}'", name="code_format"),
        CheckConstraint("valid_from <= valid_to", name="validity"),
        Index("ix_regions_code", "code"),
    )


class RegionSuccession(Base):
    """Pre-reform unit -> unit(s) covering it after the reform, whole or partial."""

    __tablename__ = "region_successions"
    predecessor_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("regions.id"), primary_key=True)
    successor_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("regions.id"), primary_key=True, index=True
    )
    coverage: Mapped[str] = mapped_column(Text)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (CheckConstraint(f"coverage IN {sql_in(SUCCESSION_COVERAGE)}", name="coverage"),)


class RegionMembership(Base):
    """A unit above the provinces (country, macro-region) and a unit it holds, in the same era."""

    __tablename__ = "region_memberships"
    group_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("regions.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("regions.id"), primary_key=True, index=True)
    load_run_id: Mapped[int] = _run_fk()


class Report(Base):
    """A source article: the page text exactly as received, and where the article body lies in it."""

    __tablename__ = "reports"
    id: Mapped[int] = _id()
    slug: Mapped[str] = mapped_column(Text, unique=True)
    source_file: Mapped[str] = mapped_column(Text, unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_as_printed: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    url: Mapped[str | None] = mapped_column(Text)
    body_start: Mapped[int] = mapped_column(Integer)
    body_end: Mapped[int] = mapped_column(Integer)
    regions_valid_on: Mapped[dt.date] = mapped_column(Date)
    mapping_sha256: Mapped[str] = mapped_column(Text)
    # Set by a drafted mapping ("povertydb draft 0.1.0"); NULL for a hand-written one.
    drafted_by: Mapped[str | None] = mapped_column(Text)
    reviewed: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # sha256 of text, mapping and code version: an unchanged report is skipped by the loader.
    load_checksum: Mapped[str | None] = mapped_column(Text)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (
        CheckConstraint("slug ~ '^[a-z0-9][a-z0-9-]*$'", name="slug_format"),
        CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_format"),
        CheckConstraint(
            "body_start >= 0 AND body_start < body_end AND body_end <= char_length(text)",
            name="body_range",
        ),
        Index("ix_reports_published_on_slug", "published_on", "slug"),  # the viewer's reports page (0010)
        # The fact views' report columns by index only (0013): a per-figure join reads no heap page.
        Index(
            "ix_reports_id_fact_columns",
            "id",
            postgresql_include=["slug", "published_on", "drafted_by", "reviewed"],
        ),
    )


class Indicator(Base):
    __tablename__ = "indicators"
    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(Text, unique=True)
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (
        # Target of the composite FK that copies unit and measure onto each observation.
        UniqueConstraint("id", "unit", "measure"),
        CheckConstraint(f"unit IN {sql_in(UNITS)}", name="unit"),
        CheckConstraint(f"measure IN {sql_in(MEASURES)}", name="measure"),
        CheckConstraint("code ~ '^[a-z][a-z0-9_]*$'", name="code_format"),
    )


class Program(Base):
    """National target programs, their projects and sub-projects, funds, credit lines, movements."""

    __tablename__ = "programs"
    id: Mapped[int] = _id()
    code: Mapped[str] = mapped_column(Text, unique=True)
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("programs.id"), index=True)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(PROGRAM_KINDS)}", name="kind"),
        CheckConstraint("code ~ '^[a-z][a-z0-9-]*$'", name="code_format"),
        CheckConstraint("period_start IS NULL OR period_start <= period_end", name="period_order"),
    )


class Observation(_Fact, Base):
    """One figure of an indicator, for a region and period, with the exact words it came from."""

    __tablename__ = "observations"
    id: Mapped[int] = _id()
    indicator_id: Mapped[int] = mapped_column(BigInteger, index=True)
    unit: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    region_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("regions.id"), index=True)
    program_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("programs.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    baseline_period_start: Mapped[dt.date | None] = mapped_column(Date)
    baseline_period_end: Mapped[dt.date | None] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric)
    value_high: Mapped[Decimal | None] = mapped_column(Numeric)
    qualifier: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("report_id", "fact_key"),
        ForeignKeyConstraint(
            ["indicator_id", "unit", "measure"],
            ["indicators.id", "indicators.unit", "indicators.measure"],
            onupdate="CASCADE",
        ),
        Index("ix_observations_indicator_region_period", "indicator_id", "region_id", "period_start"),
        Index("ix_observations_indicator_period", "indicator_id", "period_start"),
        # The viewer's keyset pages, newest period first (migration 0010).
        Index("ix_observations_period_id", "period_start", "id"),
        Index("ix_observations_indicator_status_period_id", "indicator_id", "status", "period_start", "id"),
        Index("ix_observations_status_period_id", "status", "period_start", "id"),
        Index("ix_observations_region_status_period_id", "region_id", "status", "period_start", "id"),
        Index("ix_observations_period_span", sql_text("(period_end - period_start)")),
        Index("ix_observations_period_end", "period_end"),
        CheckConstraint(f"qualifier IN {sql_in(QUALIFIERS)}", name="qualifier"),
        CheckConstraint(f"status IN {sql_in(STATUSES)}", name="status"),
        CheckConstraint("period_start <= period_end", name="period_order"),
        CheckConstraint("value_high IS NULL OR value_high > value", name="range_order"),
        _confidence_check(),
        CheckConstraint(
            "(baseline_period_start IS NULL) = (baseline_period_end IS NULL)"
            " AND (baseline_period_start IS NULL OR baseline_period_start <= baseline_period_end)",
            name="baseline_period",
        ),
        CheckConstraint(
            "measure <> 'level' OR unit <> 'percent'"
            " OR (value BETWEEN 0 AND 100 AND coalesce(value_high, 0) BETWEEN 0 AND 100)",
            name="rate_range",
        ),
        CheckConstraint(
            f"measure <> 'level' OR unit NOT IN {sql_in(COUNT_UNITS)} OR value >= 0",
            name="count_not_negative",
        ),
        *_span_checks("evidence_text"),
    )


class Funding(_Fact, Base):
    """A money figure: allocated, disbursed, mobilised, lent or planned, in VND."""

    __tablename__ = "funding"
    id: Mapped[int] = _id()
    program_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("programs.id"), index=True)
    region_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("regions.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    amount_vnd: Mapped[Decimal] = mapped_column(Numeric)
    amount_high_vnd: Mapped[Decimal | None] = mapped_column(Numeric)
    qualifier: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    funding_source: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("report_id", "fact_key"),
        CheckConstraint("amount_vnd >= 0", name="amount_not_negative"),
        CheckConstraint("amount_high_vnd IS NULL OR amount_high_vnd > amount_vnd", name="range_order"),
        _confidence_check(),
        CheckConstraint(f"qualifier IN {sql_in(QUALIFIERS)}", name="qualifier"),
        CheckConstraint(f"status IN {sql_in(FUNDING_STATUSES)}", name="status"),
        CheckConstraint(f"funding_source IN {sql_in(FUNDING_SOURCES)}", name="funding_source"),
        CheckConstraint("period_start <= period_end", name="period_order"),
        *_span_checks("evidence_text"),
        # analytics.figures calls a funding item's indicator 'funding_' || status (migration 0008).
        Index("ix_funding_indicator_region", sql_text("('funding_'::text || status)"), "region_id"),
        # The viewer's keyset pages, on the expressions analytics.figures filters (migration 0010).
        Index("ix_funding_period_id", "period_start", "id"),
        Index("ix_funding_region_period_id", "region_id", "period_start", "id"),
        Index(
            "ix_funding_indicator_period_id", sql_text("('funding_'::text || status)"), "period_start", "id"
        ),
        # The longest period and the latest end, for the viewer's year filter (migration 0011).
        Index("ix_funding_period_span", sql_text("(period_end - period_start)")),
        Index("ix_funding_period_end", "period_end"),
    )


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = _id()
    key: Mapped[str] = mapped_column(Text, unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, index=True)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (CheckConstraint("key ~ '^[a-z0-9][a-z0-9-]*$'", name="key_format"),)


class Position(Base):
    """What a person was, as the report describes them."""

    __tablename__ = "positions"
    id: Mapped[int] = _id()
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("people.id"), index=True)
    report_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("reports.id"))
    title: Mapped[str] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    region_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("regions.id"), index=True)
    load_run_id: Mapped[int] = _run_fk()
    __table_args__ = (UniqueConstraint("report_id", "person_id"),)


class Statement(_Fact, Base):
    """A direct quote or a paraphrase, as an exact span of the report."""

    __tablename__ = "statements"
    id: Mapped[int] = _id()
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("people.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("report_id", "fact_key"),
        CheckConstraint(f"kind IN {sql_in(STATEMENT_KINDS)}", name="kind"),
        _confidence_check(),
        *_span_checks("evidence_text"),
    )


class ConflictGroup(Base):
    """A row of analytics.conflicts, kept by the loader (app/load/derived.py) for the reports it changes."""

    __tablename__ = "conflict_groups"
    id: Mapped[int] = _id()
    indicator_code: Mapped[str] = mapped_column(Text)
    region_id: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    baseline_period_start: Mapped[dt.date | None] = mapped_column(Date)
    baseline_period_end: Mapped[dt.date | None] = mapped_column(Date)
    values: Mapped[list[Decimal]] = mapped_column(ARRAY(Numeric))
    report_slugs: Mapped[list[str]] = mapped_column(ARRAY(Text))
    statuses: Mapped[list[str]] = mapped_column(ARRAY(Text))
    figure_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    spread: Mapped[Decimal] = mapped_column(Numeric)
    # The reports of the group's figures: a run that changes or removes one recomputes the group.
    report_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    __table_args__ = (
        Index(
            "ix_conflict_groups_key",
            "indicator_code",
            "region_id",
            "period_start",
            "period_end",
            "baseline_period_start",
            "baseline_period_end",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_conflict_groups_report_ids", "report_ids", postgresql_using="gin"),
    )


class SpanMismatch(Base):
    """A fact whose offsets do not give back its evidence, found by the loader's check at load time."""

    __tablename__ = "span_mismatches"
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    fact_id: Mapped[str] = mapped_column(Text, primary_key=True)
    report_id: Mapped[int] = mapped_column(BigInteger, index=True)


class TargetResult(Base):
    """A row of analytics.targets_against_results, kept by the loader (app/load/derived.py)."""

    __tablename__ = "target_results"
    id: Mapped[int] = _id()
    target_report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    result_report_id: Mapped[int] = mapped_column(BigInteger, index=True)
    indicator_code: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(Text, index=True)
    region_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    region_name: Mapped[str] = mapped_column(Text)
    target_period: Mapped[dt.date] = mapped_column(Date)
    target: Mapped[Decimal] = mapped_column(Numeric)
    target_qualifier: Mapped[str | None] = mapped_column(Text)
    result_period: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[Decimal] = mapped_column(Numeric)
    result_status: Mapped[str] = mapped_column(Text)
    target_source: Mapped[str] = mapped_column(Text)
    result_source: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_target_results_pair", "indicator_code", "region_code"),)


class DerivedReport(Base):
    """A report the kept tables were computed from: one gone from reports was removed since."""

    __tablename__ = "derived_reports"
    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    slug: Mapped[str] = mapped_column(Text)
    # md5 of what the keyed kept tables read of its figures (0012): unchanged, its keys are not redone.
    figures_digest: Mapped[str | None] = mapped_column(Text)


# The candidate figures of the keys whose analytics.series rows the loader is recomputing (lean: no
# evidence text), inside its transaction only; series_computed runs 0006's rules over them.
series_candidates = Table(
    "series_candidates",
    Base.metadata,
    Column("figure_kind", Text),
    Column("indicator_code", Text),
    Column("region_code", Text),
    Column("region_valid_from", Date),
    Column("region_name", Text),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("baseline_period_start", Date),
    Column("baseline_period_end", Date),
    Column("unit", Text),
    Column("value", Numeric),
    Column("value_high", Numeric),
    Column("qualifier", Text),
    Column("status", Text),
    Column("published_on", Date),
    Column("figure_id", Text),
    Column("report_slug", Text),
    Column("reviewed", Boolean),
    prefixes=["UNLOGGED"],
)


class ReportFacts(Base):
    """A report's figure and statement counts, kept by the loader for analytics.reports."""

    __tablename__ = "report_facts"
    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    figure_count: Mapped[int] = mapped_column(BigInteger)
    statement_count: Mapped[int] = mapped_column(BigInteger)


class ProgramFigures(Base):
    """What one report links to one program, kept by the loader; analytics.program_totals sums them."""

    __tablename__ = "program_figures"
    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    program_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    indicator_figures: Mapped[int] = mapped_column(BigInteger)
    funding_items: Mapped[int] = mapped_column(BigInteger)
    funding_vnd: Mapped[Decimal] = mapped_column(Numeric)


class FundingTotal(Base):
    """Funding items added up per program, region, status and source (analytics.funding_totals)."""

    __tablename__ = "funding_totals"
    id: Mapped[int] = _id()
    program_id: Mapped[int | None] = mapped_column(BigInteger)
    region_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(Text)
    funding_source: Mapped[str | None] = mapped_column(Text)
    items: Mapped[int] = mapped_column(BigInteger)
    amount_vnd_at_least: Mapped[Decimal | None] = mapped_column(Numeric)
    some_amounts_approximate: Mapped[bool] = mapped_column(Boolean)
    # The reports of the group's items: a run that changes or removes one recomputes the group.
    report_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    __table_args__ = (
        Index(
            "ix_funding_totals_key",
            "region_id",
            "program_id",
            "status",
            "funding_source",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_funding_totals_report_ids", "report_ids", postgresql_using="gin"),
    )


class SeriesRow(Base):
    """A row of analytics.series, kept by the loader (app/load/derived.py) from series_computed."""

    __tablename__ = "series_rows"
    id: Mapped[int] = _id()
    indicator_code: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(Text)
    region_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    region_name: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    baseline_period_start: Mapped[dt.date | None] = mapped_column(Date)
    baseline_period_end: Mapped[dt.date | None] = mapped_column(Date)
    unit: Mapped[str | None] = mapped_column(Text)
    value: Mapped[Decimal | None] = mapped_column(Numeric)
    value_high: Mapped[Decimal | None] = mapped_column(Numeric)
    qualifier: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    figure_id: Mapped[str | None] = mapped_column(Text)
    report_slug: Mapped[str | None] = mapped_column(Text, index=True)
    rule: Mapped[str | None] = mapped_column(Text)
    rule_text: Mapped[str | None] = mapped_column(Text)
    tie: Mapped[bool | None] = mapped_column(Boolean)
    candidate_count: Mapped[int | None] = mapped_column(BigInteger)
    report_count: Mapped[int | None] = mapped_column(BigInteger)
    alternative_values: Mapped[list[Decimal] | None] = mapped_column(ARRAY(Numeric))
    alternative_values_high: Mapped[list[Decimal] | None] = mapped_column(ARRAY(Numeric))
    alternative_statuses: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    alternative_report_slugs: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    alternative_figure_ids: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    __table_args__ = (
        Index("ix_series_rows_key", "indicator_code", "region_code", "period_start"),
        Index("ix_series_rows_region", "region_code", "indicator_code"),
        Index("ix_series_rows_report_slugs", "alternative_report_slugs", postgresql_using="gin"),
    )
