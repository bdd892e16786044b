"""Initial schema: sources, places, timeline, indicators, reforms, citations, search index.

Reviewed by hand: types are plain SQLAlchemy (exact decimals are stored as text, see app.db.ExactDecimal),
every constraint is named by the convention in app.db, and tables are created parents first.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 11:06:09.088813
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dataset_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_state'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('definition_zh', sa.Text(), nullable=False),
    sa.Column('definition_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_code'))
    )
    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['place.id'], name=op.f('fk_place_parent_id_place'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place')),
    sa.UniqueConstraint('slug', name=op.f('uq_place_slug'))
    )
    op.create_index(op.f('ix_place_level'), 'place', ['level'])
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('doc_slug', sa.String(length=160).with_variant(sa.String(length=160, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document'))
    )
    op.create_index('ix_search_document_doc', 'search_document', ['doc_type', 'doc_slug'])
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('subtitle_zh', sa.String(length=300), nullable=True),
    sa.Column('subtitle_en', sa.String(length=300), nullable=True),
    sa.Column('publisher_zh', sa.String(length=200), nullable=False),
    sa.Column('publisher_en', sa.String(length=200), nullable=False),
    sa.Column('author_zh', sa.String(length=200), nullable=True),
    sa.Column('author_en', sa.String(length=200), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('licence_zh', sa.Text(), nullable=True),
    sa.Column('licence_en', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('repost', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('slug', name=op.f('uq_source_slug'))
    )
    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('unit_zh', sa.String(length=40), nullable=True),
    sa.Column('unit_multiplier', sa.Integer(), nullable=False),
    sa.Column('value_base', sa.String(length=40), nullable=False),
    sa.Column('yoy_change_pct', sa.String(length=40), nullable=True),
    sa.Column('reference_place_id', sa.Integer(), nullable=True),
    sa.Column('comparison_zh', sa.Text(), nullable=True),
    sa.Column('comparison_en', sa.Text(), nullable=True),
    sa.Column('note_zh', sa.Text(), nullable=True),
    sa.Column('note_en', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_observation_indicator_id_indicator'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_observation_place_id_place'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reference_place_id'], ['place.id'], name=op.f('fk_observation_reference_place_id_place'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation')),
    sa.UniqueConstraint('slug', name=op.f('uq_observation_slug'))
    )
    op.create_index('ix_observation_indicator_period', 'observation', ['indicator_id', 'period_start'])
    op.create_index('ix_observation_place_indicator_period', 'observation', ['place_id', 'indicator_id', 'period_start'])
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_programme_place_id_place'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
    sa.UniqueConstraint('slug', name=op.f('uq_programme_slug'))
    )
    op.create_table('search_term',
    sa.Column('term', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('doc_slug', sa.String(length=160).with_variant(sa.String(length=160, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['search_document.id'], name=op.f('fk_search_term_document_id_search_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'document_id', name=op.f('pk_search_term'))
    )
    op.create_index('ix_search_term_fact', 'search_term', ['term', 'doc_type', 'doc_slug', 'weight'])
    op.create_table('timeline_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('date', sa.String(length=20), nullable=False),
    sa.Column('date_precision', sa.String(length=20), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_timeline_event_place_id_place'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_event')),
    sa.UniqueConstraint('slug', name=op.f('uq_timeline_event_slug'))
    )
    op.create_index(op.f('ix_timeline_event_category'), 'timeline_event', ['category'])
    op.create_index(op.f('ix_timeline_event_date_end'), 'timeline_event', ['date_end'])
    op.create_index(op.f('ix_timeline_event_date_start'), 'timeline_event', ['date_start'])
    op.create_table('reform_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_reform_measure_place_id_place'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_reform_measure_programme_id_programme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_measure')),
    sa.UniqueConstraint('slug', name=op.f('uq_reform_measure_slug'))
    )
    op.create_index(op.f('ix_reform_measure_category'), 'reform_measure', ['category'])
    op.create_index(op.f('ix_reform_measure_programme_id'), 'reform_measure', ['programme_id'])
    op.create_table('measure_metric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('unit_zh', sa.String(length=40), nullable=True),
    sa.Column('unit_multiplier', sa.Integer(), nullable=False),
    sa.Column('value_base', sa.String(length=40), nullable=False),
    sa.Column('comparator', sa.String(length=10), nullable=False),
    sa.Column('counted_zh', sa.Text(), nullable=False),
    sa.Column('counted_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['reform_measure.id'], name=op.f('fk_measure_metric_measure_id_reform_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_metric')),
    sa.UniqueConstraint('slug', name=op.f('uq_measure_metric_slug'))
    )
    op.create_index(op.f('ix_measure_metric_measure_id'), 'measure_metric', ['measure_id'])
    op.create_table('citation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('observation_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('metric_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN place_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN indicator_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN observation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN programme_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN measure_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN metric_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_citation_one_fact')),
    sa.CheckConstraint('start_offset >= 0 AND end_offset > start_offset', name=op.f('ck_citation_offsets')),
    sa.ForeignKeyConstraint(['event_id'], ['timeline_event.id'], name=op.f('fk_citation_event_id_timeline_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_citation_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['reform_measure.id'], name=op.f('fk_citation_measure_id_reform_measure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['metric_id'], ['measure_metric.id'], name=op.f('fk_citation_metric_id_measure_metric'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_citation_observation_id_observation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_citation_place_id_place'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_citation_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_citation_source_id_source'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citation'))
    )
    op.create_index(op.f('ix_citation_event_id'), 'citation', ['event_id'])
    op.create_index(op.f('ix_citation_indicator_id'), 'citation', ['indicator_id'])
    op.create_index(op.f('ix_citation_measure_id'), 'citation', ['measure_id'])
    op.create_index(op.f('ix_citation_metric_id'), 'citation', ['metric_id'])
    op.create_index(op.f('ix_citation_observation_id'), 'citation', ['observation_id'])
    op.create_index(op.f('ix_citation_place_id'), 'citation', ['place_id'])
    op.create_index(op.f('ix_citation_programme_id'), 'citation', ['programme_id'])
    op.create_index(op.f('ix_citation_source_id'), 'citation', ['source_id'])



def downgrade() -> None:
    op.drop_index(op.f('ix_citation_source_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_programme_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_place_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_observation_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_metric_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_measure_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_indicator_id'), table_name='citation')
    op.drop_index(op.f('ix_citation_event_id'), table_name='citation')
    op.drop_table('citation')
    op.drop_index(op.f('ix_measure_metric_measure_id'), table_name='measure_metric')
    op.drop_table('measure_metric')
    op.drop_index(op.f('ix_reform_measure_programme_id'), table_name='reform_measure')
    op.drop_index(op.f('ix_reform_measure_category'), table_name='reform_measure')
    op.drop_table('reform_measure')
    op.drop_index(op.f('ix_timeline_event_date_start'), table_name='timeline_event')
    op.drop_index(op.f('ix_timeline_event_date_end'), table_name='timeline_event')
    op.drop_index(op.f('ix_timeline_event_category'), table_name='timeline_event')
    op.drop_table('timeline_event')
    op.drop_index('ix_search_term_fact', table_name='search_term')
    op.drop_table('search_term')
    op.drop_table('programme')
    op.drop_index('ix_observation_place_indicator_period', table_name='observation')
    op.drop_index('ix_observation_indicator_period', table_name='observation')
    op.drop_table('observation')
    op.drop_table('source')
    op.drop_index('ix_search_document_doc', table_name='search_document')
    op.drop_table('search_document')
    op.drop_index(op.f('ix_place_level'), table_name='place')
    op.drop_table('place')
    op.drop_table('indicator')
    op.drop_table('dataset_state')
