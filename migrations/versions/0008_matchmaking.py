"""matchmaking: attendee interests from the one theme list; bookmarks; lead codes and leads

Revision ID: 0008_matchmaking
Revises: 0007_agenda
Create Date: 2026-11-27 12:10:00

Attendees' themes were a JSON list of keys from a fixed list; they now reference the organisers'
Theme table (the one solutions use). Existing keys are carried over in their order; a key that is not
in the table is dropped (there were none: the fixed list and the table's starting rows share keys).
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0008_matchmaking'
down_revision = '0007_agenda'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendee_theme',
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], name=op.f('fk_attendee_theme_attendee_id_attendee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_attendee_theme_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attendee_id', 'theme_id', name=op.f('pk_attendee_theme'))
    )
    with op.batch_alter_table('attendee_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendee_theme_theme_id'), ['theme_id'], unique=False)

    links = _read_attendee_themes()
    # Dropped before the rows go in: SQLite rebuilds the table, and dropping the old copy would cascade.
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('themes')
        batch_op.add_column(sa.Column('lead_key', sa.LargeBinary(length=10), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attendee_lead_key'), ['lead_key'])
    if links:
        table = sa.table("attendee_theme", sa.column("attendee_id", sa.Integer), sa.column("theme_id", sa.Integer),
                         sa.column("position", sa.Integer))
        op.bulk_insert(table, links)

    _create_matchmaking_tables()


def _read_attendee_themes() -> list[dict]:
    conn = op.get_bind()
    theme_ids = dict(conn.execute(sa.text("SELECT key, id FROM theme")).all())
    rows = []
    for attendee_id, raw in conn.execute(sa.text("SELECT id, themes FROM attendee")).all():
        keys = raw if isinstance(raw, list) else json.loads(raw or "[]")
        wanted = [k for k in dict.fromkeys(keys) if k in theme_ids]
        rows += [{"attendee_id": attendee_id, "theme_id": theme_ids[k], "position": i} for i, k in enumerate(wanted)]
    return rows


def _create_matchmaking_tables():
    op.create_table('lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('scanned_by_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nonce', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('tags', sa.String(length=300), nullable=False),
    sa.Column('connect_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_lead_rating_range')),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], name=op.f('fk_lead_attendee_id_attendee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_lead_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_lead_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scanned_by_id'], ['user.id'], name=op.f('fk_lead_scanned_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead')),
    sa.UniqueConstraint('forum_id', 'company_id', 'attendee_id', name='uq_lead_forum_company_attendee')
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_attendee_id'), ['attendee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_forum_id'), ['forum_id'], unique=False)

    op.create_table('bookmark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=True),
    sa.Column('interest', sa.Enum('curious', 'follow_up', 'pilot', name='interest', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_bookmark_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_bookmark_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_bookmark_site_id_site'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_bookmark_solution_id_solution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_bookmark_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookmark'))
    )
    with op.batch_alter_table('bookmark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookmark_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookmark_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookmark_solution_id'), ['solution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookmark_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_bookmark_exhibitor', ['user_id', 'forum_id', 'company_id'], unique=True, sqlite_where=sa.text('solution_id IS NULL'), postgresql_where=sa.text('solution_id IS NULL'))
        batch_op.create_index('uq_bookmark_solution', ['user_id', 'forum_id', 'solution_id'], unique=True, sqlite_where=sa.text('solution_id IS NOT NULL'), postgresql_where=sa.text('solution_id IS NOT NULL'))


def downgrade():
    _drop_matchmaking_tables()
    conn = op.get_bind()
    keys: dict[int, list[str]] = {}
    for attendee_id, key in conn.execute(sa.text(
            "SELECT at.attendee_id, t.key FROM attendee_theme at JOIN theme t ON t.id = at.theme_id "
            "ORDER BY at.attendee_id, at.position")).all():
        keys.setdefault(attendee_id, []).append(key)
    with op.batch_alter_table('attendee_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendee_theme_theme_id'))
    op.drop_table('attendee_theme')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendee_lead_key'), type_='unique')
        batch_op.drop_column('lead_key')
        batch_op.add_column(sa.Column('themes', sa.JSON(), nullable=False, server_default='[]'))
    for attendee_id, values in keys.items():
        conn.execute(sa.text("UPDATE attendee SET themes = :themes WHERE id = :id"),
                     {"themes": json.dumps(values), "id": attendee_id})


def _drop_matchmaking_tables():
    with op.batch_alter_table('bookmark', schema=None) as batch_op:
        batch_op.drop_index('uq_bookmark_solution', sqlite_where=sa.text('solution_id IS NOT NULL'), postgresql_where=sa.text('solution_id IS NOT NULL'))
        batch_op.drop_index('uq_bookmark_exhibitor', sqlite_where=sa.text('solution_id IS NULL'), postgresql_where=sa.text('solution_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_bookmark_user_id'))
        batch_op.drop_index(batch_op.f('ix_bookmark_solution_id'))
        batch_op.drop_index(batch_op.f('ix_bookmark_forum_id'))
        batch_op.drop_index(batch_op.f('ix_bookmark_company_id'))
    op.drop_table('bookmark')
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_forum_id'))
        batch_op.drop_index(batch_op.f('ix_lead_company_id'))
        batch_op.drop_index(batch_op.f('ix_lead_attendee_id'))
    op.drop_table('lead')
