"""The natural key, stage and upsert of every loaded table, parents first."""

from __future__ import annotations

from app.load.sync import TableSync, null_safe_equal

# A region code is read as the unit valid on the report's reference date (codes were reused).
_REGION_AT = """LEFT JOIN regions {alias} ON {alias}.code = s.{col}
    AND (s.regions_valid_on >= {alias}.valid_from OR {alias}.valid_from IS NULL)
    AND (s.regions_valid_on <= {alias}.valid_to OR {alias}.valid_to IS NULL)"""


def _parent_fixup(table: str, key: str, extra_match: str = "") -> str:
    """Set parent_id from the stage's parent code once every row of `table` exists.

    Touches only rows whose parent changed and marks them as written by this run; returns
    one boolean per row, true where the row existed before this run (an update to count).
    """
    return f"""
        UPDATE {table} t SET parent_id = np.parent_id, load_run_id = %(run)s
        FROM (
            SELECT c.id, p.id AS parent_id, c.load_run_id AS previous_run
            FROM stage_{table} s
            JOIN {table} c ON c.{key} = s.{key} {extra_match.format(c="c")}
            LEFT JOIN {table} p ON p.{key} = s.parent_code {extra_match.format(c="p")}
        ) np
        WHERE t.id = np.id AND t.parent_id IS DISTINCT FROM np.parent_id
        RETURNING np.previous_run <> %(run)s
    """


REGIONS = TableSync(
    table="regions",
    stage_columns=[
        ("code", "text"),
        ("name", "text"),
        ("name_folded", "text"),
        ("unit_type", "text"),
        ("level", "text"),
        ("parent_code", "text"),
        ("valid_from", "date"),
        ("valid_to", "date"),
    ],
    columns=["code", "valid_from", "name", "name_folded", "unit_type", "level", "valid_to"],
    select_sql="SELECT code, valid_from, name, name_folded, unit_type, level, valid_to FROM stage_regions s",
    conflict=["code", "valid_from"],
    nullable_dates=["valid_from"],
    # A parent belongs to the same era as its child.
    after_upsert=[_parent_fixup("regions", "code", "AND {c}.valid_from IS NOT DISTINCT FROM s.valid_from")],
)

REGION_SUCCESSIONS = TableSync(
    table="region_successions",
    stage_columns=[
        ("predecessor_code", "text"),
        ("predecessor_valid_from", "date"),
        ("successor_code", "text"),
        ("successor_valid_from", "date"),
        ("coverage", "text"),
    ],
    columns=["predecessor_id", "successor_id", "coverage"],
    select_sql=f"""
        SELECT p.id, n.id, s.coverage
        FROM stage_region_successions s
        LEFT JOIN regions p ON p.code = s.predecessor_code
            AND {null_safe_equal("p.valid_from", "s.predecessor_valid_from")}
        LEFT JOIN regions n ON n.code = s.successor_code
            AND {null_safe_equal("n.valid_from", "s.successor_valid_from")}
    """,
    conflict=["predecessor_id", "successor_id"],
)

REGION_MEMBERSHIPS = TableSync(
    table="region_memberships",
    stage_columns=[("group_code", "text"), ("member_code", "text"), ("valid_from", "date")],
    columns=["group_id", "member_id"],
    # Group and member belong to the same era.
    select_sql=f"""
        SELECT g.id, m.id
        FROM stage_region_memberships s
        LEFT JOIN regions g ON g.code = s.group_code AND {null_safe_equal("g.valid_from", "s.valid_from")}
        LEFT JOIN regions m ON m.code = s.member_code AND {null_safe_equal("m.valid_from", "s.valid_from")}
    """,
    conflict=["group_id", "member_id"],
)

INDICATORS = TableSync(
    table="indicators",
    stage_columns=[
        ("code", "text"),
        ("name_vi", "text"),
        ("name_en", "text"),
        ("unit", "text"),
        ("measure", "text"),
        ("description", "text"),
    ],
    columns=["code", "name_vi", "name_en", "unit", "measure", "description"],
    select_sql="SELECT code, name_vi, name_en, unit, measure, description FROM stage_indicators s",
    conflict=["code"],
)

PROGRAMS = TableSync(
    table="programs",
    stage_columns=[
        ("code", "text"),
        ("name_vi", "text"),
        ("name_en", "text"),
        ("kind", "text"),
        ("parent_code", "text"),
        ("period_start", "date"),
        ("period_end", "date"),
    ],
    columns=["code", "name_vi", "name_en", "kind", "period_start", "period_end"],
    select_sql="SELECT code, name_vi, name_en, kind, period_start, period_end FROM stage_programs s",
    conflict=["code"],
    after_upsert=[_parent_fixup("programs", "code")],
)

_REPORT_COLUMNS = [
    "load_checksum",
    "slug",
    "source_file",
    "text",
    "sha256",
    "title",
    "publisher",
    "author",
    "published_as_printed",
    "published_on",
    "url",
    "body_start",
    "body_end",
    "regions_valid_on",
    "mapping_sha256",
    "drafted_by",
    "reviewed",
]
REPORTS = TableSync(
    table="reports",
    stage_columns=[
        (
            c,
            "date"
            if c in ("published_on", "regions_valid_on")
            else "integer"
            if c.startswith("body_")
            else "boolean"
            if c == "reviewed"
            else "text",
        )
        for c in _REPORT_COLUMNS
    ],
    columns=_REPORT_COLUMNS,
    select_sql=f"SELECT {', '.join(_REPORT_COLUMNS)} FROM stage_reports s",
    conflict=["slug"],
    prune_scope="t.slug = ANY(%(dirty)s)",
)

PEOPLE = TableSync(
    table="people",
    stage_columns=[("key", "text"), ("full_name", "text"), ("name_folded", "text")],
    columns=["key", "full_name", "name_folded"],
    select_sql="SELECT DISTINCT ON (key) key, full_name, name_folded FROM stage_people s ORDER BY key",
    conflict=["key"],
)

# Only the reports a run re-reads or removes (slugs in %(dirty)s) are staged and pruned, with their
# facts: the prune reaches them through the (report_id, ...) unique indexes, never the whole table.
_NOT_SKIPPED = "t.report_id IN (SELECT id FROM reports WHERE slug = ANY(%(dirty)s))"
_SPAN = [("char_start", "integer"), ("char_end", "integer"), ("evidence_text", "text")]
# How sure a drafter was of a fact, and why (NULL in hand-written mappings).
_TRUST = [("confidence", "text"), ("review_note", "text")]
_FACT_BASE = [("report_slug", "text"), ("fact_key", "text"), ("regions_valid_on", "date")]
_WHERE_COMMON = [
    ("region_code", "text"),
    ("program_code", "text"),
    ("period_start", "date"),
    ("period_end", "date"),
]

OBSERVATIONS = TableSync(
    table="observations",
    stage_columns=_FACT_BASE
    + _WHERE_COMMON
    + _SPAN
    + _TRUST
    + [
        ("indicator_code", "text"),
        ("value", "numeric"),
        ("value_high", "numeric"),
        ("qualifier", "text"),
        ("status", "text"),
        ("baseline_period_start", "date"),
        ("baseline_period_end", "date"),
    ],
    columns=[
        "report_id",
        "fact_key",
        "indicator_id",
        "unit",
        "measure",
        "region_id",
        "program_id",
        "period_start",
        "period_end",
        "baseline_period_start",
        "baseline_period_end",
        "value",
        "value_high",
        "qualifier",
        "status",
        "char_start",
        "char_end",
        "evidence_text",
        "confidence",
        "review_note",
    ],
    select_sql=f"""
        SELECT r.id, s.fact_key, i.id, i.unit, i.measure, g.id, p.id, s.period_start, s.period_end,
               s.baseline_period_start, s.baseline_period_end, s.value, s.value_high, s.qualifier,
               s.status, s.char_start, s.char_end, s.evidence_text, s.confidence, s.review_note
        FROM stage_observations s
        JOIN reports r ON r.slug = s.report_slug
        LEFT JOIN indicators i ON i.code = s.indicator_code
        {_REGION_AT.format(alias="g", col="region_code")}
        LEFT JOIN programs p ON p.code = s.program_code
    """,
    conflict=["report_id", "fact_key"],
    prune_scope=_NOT_SKIPPED,
)

FUNDING = TableSync(
    table="funding",
    stage_columns=_FACT_BASE
    + _WHERE_COMMON
    + _SPAN
    + _TRUST
    + [
        ("amount_vnd", "numeric"),
        ("amount_high_vnd", "numeric"),
        ("qualifier", "text"),
        ("status", "text"),
        ("funding_source", "text"),
        ("purpose", "text"),
    ],
    columns=[
        "report_id",
        "fact_key",
        "program_id",
        "region_id",
        "period_start",
        "period_end",
        "amount_vnd",
        "amount_high_vnd",
        "qualifier",
        "status",
        "funding_source",
        "purpose",
        "char_start",
        "char_end",
        "evidence_text",
        "confidence",
        "review_note",
    ],
    select_sql=f"""
        SELECT r.id, s.fact_key, p.id, g.id, s.period_start, s.period_end, s.amount_vnd,
               s.amount_high_vnd, s.qualifier, s.status, s.funding_source, s.purpose,
               s.char_start, s.char_end, s.evidence_text, s.confidence, s.review_note
        FROM stage_funding s
        JOIN reports r ON r.slug = s.report_slug
        {_REGION_AT.format(alias="g", col="region_code")}
        LEFT JOIN programs p ON p.code = s.program_code
    """,
    conflict=["report_id", "fact_key"],
    prune_scope=_NOT_SKIPPED,
)

POSITIONS = TableSync(
    table="positions",
    stage_columns=[
        ("report_slug", "text"),
        ("person_key", "text"),
        ("title", "text"),
        ("organization", "text"),
        ("region_code", "text"),
        ("regions_valid_on", "date"),
    ],
    columns=["report_id", "person_id", "title", "organization", "region_id"],
    select_sql=f"""
        SELECT r.id, pe.id, s.title, s.organization, g.id
        FROM stage_positions s
        JOIN reports r ON r.slug = s.report_slug
        JOIN people pe ON pe.key = s.person_key
        {_REGION_AT.format(alias="g", col="region_code")}
    """,
    conflict=["report_id", "person_id"],
    prune_scope=_NOT_SKIPPED,
)

STATEMENTS = TableSync(
    table="statements",
    stage_columns=_FACT_BASE
    + _SPAN
    + _TRUST
    + [
        ("person_key", "text"),
        ("kind", "text"),
        ("region_code", "text"),
    ],
    columns=[
        "report_id",
        "fact_key",
        "person_id",
        "region_id",
        "kind",
        "char_start",
        "char_end",
        "evidence_text",
        "confidence",
        "review_note",
    ],
    select_sql=f"""
        SELECT r.id, s.fact_key, pe.id, g.id, s.kind, s.char_start, s.char_end, s.evidence_text,
               s.confidence, s.review_note
        FROM stage_statements s
        JOIN reports r ON r.slug = s.report_slug
        JOIN people pe ON pe.key = s.person_key
        {_REGION_AT.format(alias="g", col="region_code")}
    """,
    conflict=["report_id", "fact_key"],
    prune_scope=_NOT_SKIPPED,
)

# Parents before children: the order of upserts; pruning runs in reverse.
ALL = (
    REGIONS,
    REGION_SUCCESSIONS,
    REGION_MEMBERSHIPS,
    INDICATORS,
    PROGRAMS,
    REPORTS,
    PEOPLE,
    OBSERVATIONS,
    FUNDING,
    POSITIONS,
    STATEMENTS,
)
