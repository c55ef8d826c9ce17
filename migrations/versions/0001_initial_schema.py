"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 13:51:47.709627

The tables of all six families (regions, reports, indicators, programs, funding, officials)
and the first views of the `analytics` schema, the public contract for analysts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('load_runs',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('code_version', sa.Text(), nullable=False),
    sa.Column('counts', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f('ck_load_runs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_load_runs'))
    )
    op.create_table('indicators',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("code ~ '^[a-z][a-z0-9_]*$'", name=op.f('ck_indicators_code_format')),
    sa.CheckConstraint("measure IN ('level', 'change')", name=op.f('ck_indicators_measure')),
    sa.CheckConstraint("unit IN ('percent', 'households', 'persons', 'workers', 'projects', 'models', 'works', 'houses', 'cards', 'classes', 'communes', 'villages', 'percentage_points', 'vnd')", name=op.f('ck_indicators_unit')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_indicators_load_run_id_load_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('code', name=op.f('uq_indicators_code')),
    sa.UniqueConstraint('id', 'unit', 'measure', name=op.f('uq_indicators_id_unit_measure'))
    )
    op.create_index(op.f('ix_indicators_load_run_id'), 'indicators', ['load_run_id'], unique=False)
    op.create_table('people',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("key ~ '^[a-z0-9][a-z0-9-]*$'", name=op.f('ck_people_key_format')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_people_load_run_id_load_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('key', name=op.f('uq_people_key'))
    )
    op.create_index(op.f('ix_people_load_run_id'), 'people', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_people_name_folded'), 'people', ['name_folded'], unique=False)
    op.create_table('programs',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("code ~ '^[a-z][a-z0-9-]*$'", name=op.f('ck_programs_code_format')),
    sa.CheckConstraint("kind IN ('national_target_program', 'project', 'sub_project', 'fund', 'credit', 'movement')", name=op.f('ck_programs_kind')),
    sa.CheckConstraint('period_start IS NULL OR period_start <= period_end', name=op.f('ck_programs_period_order')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_programs_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['parent_id'], ['programs.id'], name=op.f('fk_programs_parent_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs')),
    sa.UniqueConstraint('code', name=op.f('uq_programs_code'))
    )
    op.create_index(op.f('ix_programs_load_run_id'), 'programs', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_programs_parent_id'), 'programs', ['parent_id'], unique=False)
    op.create_table('regions',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('unit_type', sa.Text(), nullable=False),
    sa.Column('level', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("code ~ '^[0-9]{2}([0-9]|[0-9]{3})?$'", name=op.f('ck_regions_code_format')),
    sa.CheckConstraint("level IN ('province', 'district', 'commune')", name=op.f('ck_regions_level')),
    sa.CheckConstraint('valid_from <= valid_to', name=op.f('ck_regions_validity')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_regions_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_regions_parent_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_regions_code_valid_from'), postgresql_nulls_not_distinct=True)
    )
    op.create_index(op.f('ix_regions_load_run_id'), 'regions', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_regions_name_folded'), 'regions', ['name_folded'], unique=False)
    op.create_index(op.f('ix_regions_parent_id'), 'regions', ['parent_id'], unique=False)
    op.create_table('reports',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.Text(), nullable=False),
    sa.Column('source_file', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('publisher', sa.Text(), nullable=True),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('published_as_printed', sa.Text(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('body_start', sa.Integer(), nullable=False),
    sa.Column('body_end', sa.Integer(), nullable=False),
    sa.Column('regions_valid_on', sa.Date(), nullable=False),
    sa.Column('mapping_sha256', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name=op.f('ck_reports_sha256_format')),
    sa.CheckConstraint("slug ~ '^[a-z0-9][a-z0-9-]*$'", name=op.f('ck_reports_slug_format')),
    sa.CheckConstraint('body_start >= 0 AND body_start < body_end AND body_end <= char_length(text)', name=op.f('ck_reports_body_range')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_reports_load_run_id_load_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('slug', name=op.f('uq_reports_slug')),
    sa.UniqueConstraint('source_file', name=op.f('uq_reports_source_file'))
    )
    op.create_index(op.f('ix_reports_load_run_id'), 'reports', ['load_run_id'], unique=False)
    op.create_table('funding',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('report_id', sa.BigInteger(), nullable=False),
    sa.Column('fact_key', sa.Text(), nullable=False),
    sa.Column('program_id', sa.BigInteger(), nullable=True),
    sa.Column('region_id', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount_vnd', sa.Numeric(), nullable=False),
    sa.Column('amount_high_vnd', sa.Numeric(), nullable=True),
    sa.Column('qualifier', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('funding_source', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('evidence_text', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("funding_source IN ('central_budget', 'local_budget', 'state_budget', 'national_target_program', 'social_mobilisation', 'policy_bank_credit', 'commercial_banks', 'unspecified')", name=op.f('ck_funding_funding_source')),
    sa.CheckConstraint("qualifier IN ('more_than', 'nearly', 'about', 'at_least', 'at_most', 'less_than')", name=op.f('ck_funding_qualifier')),
    sa.CheckConstraint("status IN ('allocated', 'disbursed', 'mobilised', 'lent', 'planned')", name=op.f('ck_funding_status')),
    sa.CheckConstraint('amount_high_vnd IS NULL OR amount_high_vnd > amount_vnd', name=op.f('ck_funding_range_order')),
    sa.CheckConstraint('amount_vnd >= 0', name=op.f('ck_funding_amount_not_negative')),
    sa.CheckConstraint('char_length(evidence_text) = char_end - char_start', name=op.f('ck_funding_span_length')),
    sa.CheckConstraint('char_start >= 0 AND char_start < char_end', name=op.f('ck_funding_span_order')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_funding_period_order')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_funding_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_funding_program_id_programs')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_funding_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_funding_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding')),
    sa.UniqueConstraint('report_id', 'fact_key', name=op.f('uq_funding_report_id_fact_key'))
    )
    op.create_index(op.f('ix_funding_load_run_id'), 'funding', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_funding_program_id'), 'funding', ['program_id'], unique=False)
    op.create_index(op.f('ix_funding_region_id'), 'funding', ['region_id'], unique=False)
    op.create_table('observations',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('report_id', sa.BigInteger(), nullable=False),
    sa.Column('fact_key', sa.Text(), nullable=False),
    sa.Column('indicator_id', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('region_id', sa.BigInteger(), nullable=False),
    sa.Column('program_id', sa.BigInteger(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('baseline_period_start', sa.Date(), nullable=True),
    sa.Column('baseline_period_end', sa.Date(), nullable=True),
    sa.Column('value', sa.Numeric(), nullable=False),
    sa.Column('value_high', sa.Numeric(), nullable=True),
    sa.Column('qualifier', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('evidence_text', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("measure <> 'level' OR unit <> 'percent' OR (value BETWEEN 0 AND 100 AND coalesce(value_high, 0) BETWEEN 0 AND 100)", name=op.f('ck_observations_rate_range')),
    sa.CheckConstraint("measure <> 'level' OR unit NOT IN ('households', 'persons', 'workers', 'projects', 'models', 'works', 'houses', 'cards', 'classes', 'communes', 'villages') OR value >= 0", name=op.f('ck_observations_count_not_negative')),
    sa.CheckConstraint("qualifier IN ('more_than', 'nearly', 'about', 'at_least', 'at_most', 'less_than')", name=op.f('ck_observations_qualifier')),
    sa.CheckConstraint("status IN ('actual', 'preliminary', 'expected', 'target')", name=op.f('ck_observations_status')),
    sa.CheckConstraint('(baseline_period_start IS NULL) = (baseline_period_end IS NULL) AND (baseline_period_start IS NULL OR baseline_period_start <= baseline_period_end)', name=op.f('ck_observations_baseline_period')),
    sa.CheckConstraint('char_length(evidence_text) = char_end - char_start', name=op.f('ck_observations_span_length')),
    sa.CheckConstraint('char_start >= 0 AND char_start < char_end', name=op.f('ck_observations_span_order')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_observations_period_order')),
    sa.CheckConstraint('value_high IS NULL OR value_high > value', name=op.f('ck_observations_range_order')),
    sa.ForeignKeyConstraint(['indicator_id', 'unit', 'measure'], ['indicators.id', 'indicators.unit', 'indicators.measure'], name=op.f('fk_observations_indicator_id_unit_measure_indicators'), onupdate='CASCADE'),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_observations_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_observations_program_id_programs')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_observations_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_observations_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
    sa.UniqueConstraint('report_id', 'fact_key', name=op.f('uq_observations_report_id_fact_key'))
    )
    op.create_index(op.f('ix_observations_indicator_id'), 'observations', ['indicator_id'], unique=False)
    op.create_index('ix_observations_indicator_region_period', 'observations', ['indicator_id', 'region_id', 'period_start'], unique=False)
    op.create_index(op.f('ix_observations_load_run_id'), 'observations', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_observations_program_id'), 'observations', ['program_id'], unique=False)
    op.create_index(op.f('ix_observations_region_id'), 'observations', ['region_id'], unique=False)
    op.create_table('positions',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('report_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('organization', sa.Text(), nullable=True),
    sa.Column('region_id', sa.BigInteger(), nullable=True),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_positions_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_positions_person_id_people')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_positions_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_positions_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('report_id', 'person_id', name=op.f('uq_positions_report_id_person_id'))
    )
    op.create_index(op.f('ix_positions_load_run_id'), 'positions', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_positions_person_id'), 'positions', ['person_id'], unique=False)
    op.create_index(op.f('ix_positions_region_id'), 'positions', ['region_id'], unique=False)
    op.create_table('region_successions',
    sa.Column('predecessor_id', sa.BigInteger(), nullable=False),
    sa.Column('successor_id', sa.BigInteger(), nullable=False),
    sa.Column('coverage', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("coverage IN ('whole', 'partial')", name=op.f('ck_region_successions_coverage')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_region_successions_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['predecessor_id'], ['regions.id'], name=op.f('fk_region_successions_predecessor_id_regions')),
    sa.ForeignKeyConstraint(['successor_id'], ['regions.id'], name=op.f('fk_region_successions_successor_id_regions')),
    sa.PrimaryKeyConstraint('predecessor_id', 'successor_id', name=op.f('pk_region_successions'))
    )
    op.create_index(op.f('ix_region_successions_load_run_id'), 'region_successions', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_region_successions_successor_id'), 'region_successions', ['successor_id'], unique=False)
    op.create_table('statements',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('report_id', sa.BigInteger(), nullable=False),
    sa.Column('fact_key', sa.Text(), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('region_id', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('evidence_text', sa.Text(), nullable=False),
    sa.Column('load_run_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind IN ('direct_quote', 'paraphrase')", name=op.f('ck_statements_kind')),
    sa.CheckConstraint('char_length(evidence_text) = char_end - char_start', name=op.f('ck_statements_span_length')),
    sa.CheckConstraint('char_start >= 0 AND char_start < char_end', name=op.f('ck_statements_span_order')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_runs.id'], name=op.f('fk_statements_load_run_id_load_runs')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_statements_person_id_people')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_statements_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_statements_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statements')),
    sa.UniqueConstraint('report_id', 'fact_key', name=op.f('uq_statements_report_id_fact_key'))
    )
    op.create_index(op.f('ix_statements_load_run_id'), 'statements', ['load_run_id'], unique=False)
    op.create_index(op.f('ix_statements_person_id'), 'statements', ['person_id'], unique=False)
    op.create_index(op.f('ix_statements_region_id'), 'statements', ['region_id'], unique=False)

    create_analytics()

def downgrade() -> None:
    op.execute("DROP SCHEMA analytics CASCADE")
    op.drop_index(op.f('ix_statements_region_id'), table_name='statements')
    op.drop_index(op.f('ix_statements_person_id'), table_name='statements')
    op.drop_index(op.f('ix_statements_load_run_id'), table_name='statements')
    op.drop_table('statements')
    op.drop_index(op.f('ix_region_successions_successor_id'), table_name='region_successions')
    op.drop_index(op.f('ix_region_successions_load_run_id'), table_name='region_successions')
    op.drop_table('region_successions')
    op.drop_index(op.f('ix_positions_region_id'), table_name='positions')
    op.drop_index(op.f('ix_positions_person_id'), table_name='positions')
    op.drop_index(op.f('ix_positions_load_run_id'), table_name='positions')
    op.drop_table('positions')
    op.drop_index(op.f('ix_observations_region_id'), table_name='observations')
    op.drop_index(op.f('ix_observations_program_id'), table_name='observations')
    op.drop_index(op.f('ix_observations_load_run_id'), table_name='observations')
    op.drop_index('ix_observations_indicator_region_period', table_name='observations')
    op.drop_index(op.f('ix_observations_indicator_id'), table_name='observations')
    op.drop_table('observations')
    op.drop_index(op.f('ix_funding_region_id'), table_name='funding')
    op.drop_index(op.f('ix_funding_program_id'), table_name='funding')
    op.drop_index(op.f('ix_funding_load_run_id'), table_name='funding')
    op.drop_table('funding')
    op.drop_index(op.f('ix_reports_load_run_id'), table_name='reports')
    op.drop_table('reports')
    op.drop_index(op.f('ix_regions_parent_id'), table_name='regions')
    op.drop_index(op.f('ix_regions_name_folded'), table_name='regions')
    op.drop_index(op.f('ix_regions_load_run_id'), table_name='regions')
    op.drop_table('regions')
    op.drop_index(op.f('ix_programs_parent_id'), table_name='programs')
    op.drop_index(op.f('ix_programs_load_run_id'), table_name='programs')
    op.drop_table('programs')
    op.drop_index(op.f('ix_people_name_folded'), table_name='people')
    op.drop_index(op.f('ix_people_load_run_id'), table_name='people')
    op.drop_table('people')
    op.drop_index(op.f('ix_indicators_load_run_id'), table_name='indicators')
    op.drop_table('indicators')
    op.drop_table('load_runs')


FIGURES_SQL = """
CREATE VIEW analytics.figures AS
SELECT r.slug || ':' || o.fact_key      AS figure_id,
       'indicator'::text                AS figure_kind,
       r.slug                           AS report_slug,
       r.published_on,
       g.code                           AS region_code,
       g.name                           AS region_name,
       g.level                          AS region_level,
       g.valid_from                     AS region_valid_from,
       i.code                           AS indicator_code,
       i.name_en                        AS indicator_name,
       p.code                           AS program_code,
       o.unit,
       o.value,
       o.value_high,
       o.qualifier,
       o.status,
       o.period_start,
       o.period_end,
       o.baseline_period_start,
       o.baseline_period_end,
       o.evidence_text,
       o.char_start,
       o.char_end
FROM observations o
JOIN reports r ON r.id = o.report_id
JOIN indicators i ON i.id = o.indicator_id
JOIN regions g ON g.id = o.region_id
LEFT JOIN programs p ON p.id = o.program_id
UNION ALL
SELECT r.slug || ':' || f.fact_key,
       'funding',
       r.slug,
       r.published_on,
       g.code,
       g.name,
       g.level,
       g.valid_from,
       'funding_' || f.status,
       'Funding ' || f.status || ' (VND)',
       p.code,
       'vnd',
       f.amount_vnd,
       f.amount_high_vnd,
       f.qualifier,
       CASE WHEN f.status = 'planned' THEN 'target' ELSE 'actual' END,
       f.period_start,
       f.period_end,
       NULL::date,
       NULL::date,
       f.evidence_text,
       f.char_start,
       f.char_end
FROM funding f
JOIN reports r ON r.id = f.report_id
JOIN regions g ON g.id = f.region_id
LEFT JOIN programs p ON p.id = f.program_id
"""

REPORTS_SQL = """
CREATE VIEW analytics.reports AS
SELECT r.slug AS report_slug,
       r.source_file,
       r.title,
       r.publisher,
       r.author,
       r.published_on,
       r.published_as_printed,
       r.url,
       r.body_start,
       r.body_end,
       r.sha256,
       (SELECT count(*) FROM observations o WHERE o.report_id = r.id)
         + (SELECT count(*) FROM funding f WHERE f.report_id = r.id) AS figure_count,
       (SELECT count(*) FROM statements s WHERE s.report_id = r.id) AS statement_count,
       r.text
FROM reports r
"""

COMMENTS = {
    "figures": (
        "One row per figure of a source article: indicator observations and funding amounts alike. "
        "substr(reports.text, char_start + 1, char_end - char_start) = evidence_text.",
        {
            "figure_id": "Stable identifier: report_slug, a colon, and the figure's key in its mapping file.",
            "figure_kind": "'indicator' for an observation of an indicator, 'funding' for a money amount.",
            "report_slug": "The source article (analytics.reports.report_slug).",
            "published_on": "Publication date of the source article as printed; NULL when the page prints none.",
            "region_code": "Official GSO code of the region the figure is about (2 digits province, 3 district, 5 commune).",
            "region_name": "Official name of the region, with its type (e.g. 'Tỉnh Bắc Kạn').",
            "region_level": "province, district or commune.",
            "region_valid_from": "Start of the region's validity; with region_code it identifies the unit, since codes were reused in the 2025 reform.",
            "indicator_code": "Indicator code (analytics.indicators), or funding_ and the status (e.g. funding_planned) for funding rows.",
            "indicator_name": "English name of the indicator, or of the funding status.",
            "program_code": "Program, project or sub-project the figure belongs to, if the article says so.",
            "unit": "percent, percentage_points, vnd, or a count unit (households, persons, projects ...).",
            "value": "The figure as stated (the low end of a range). Changes are signed: a fall is negative.",
            "value_high": "High end of a range ('2-2,5%' gives value 2 and value_high 2.5); NULL otherwise.",
            "qualifier": "Word before the number: more_than (hơn, trên), nearly (gần), about (khoảng), at_least (ít nhất, tối thiểu), at_most (tối đa), less_than (dưới); NULL when exact.",
            "status": "actual, preliminary (rà soát sơ bộ), expected (dự kiến) or target (phấn đấu, chỉ tiêu, mục tiêu); planned funding counts as target.",
            "period_start": "First day of the period the figure refers to.",
            "period_end": "Last day of the period the figure refers to (a year is 1 January to 31 December).",
            "baseline_period_start": "For a change: first day of the period it is measured against.",
            "baseline_period_end": "For a change: last day of the period it is measured against.",
            "evidence_text": "The exact words of the article the figure comes from.",
            "char_start": "0-based code-point offset of evidence_text in analytics.reports.text.",
            "char_end": "0-based code-point offset just past evidence_text in analytics.reports.text.",
        },
    ),
    "reports": (
        "One row per source article, with the page text exactly as received.",
        {
            "report_slug": "Short stable identifier of the article.",
            "source_file": "Original file name of the page text.",
            "title": "Headline as printed.",
            "publisher": "Publisher as printed on the page; NULL when the page names none.",
            "author": "Author as printed; NULL when the page names none.",
            "published_on": "Publication date as printed, parsed; NULL when the page prints none.",
            "published_as_printed": "The publication date and time exactly as the page prints it.",
            "url": "Address of the article when the page prints it.",
            "body_start": "0-based code-point offset where the article body starts in text.",
            "body_end": "0-based code-point offset just past the article body in text.",
            "sha256": "SHA-256 of text (UTF-8), to tell exactly which page text was loaded.",
            "figure_count": "Number of rows of this article in analytics.figures.",
            "statement_count": "Number of statements of this article.",
            "text": "The whole page text as received (UTF-8, NFC), page chrome included.",
        },
    ),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_analytics() -> None:
    op.execute("CREATE SCHEMA analytics")
    op.execute("COMMENT ON SCHEMA analytics IS 'Public, documented views over the poverty-reduction database.'")
    op.execute(FIGURES_SQL)
    op.execute(REPORTS_SQL)
    for view, (view_comment, columns) in COMMENTS.items():
        op.execute(f"COMMENT ON VIEW analytics.{view} IS {_quote(view_comment)}")
        for column, comment in columns.items():
            op.execute(f"COMMENT ON COLUMN analytics.{view}.{column} IS {_quote(comment)}")
