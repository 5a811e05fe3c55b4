"""the directory's free-text search: pg_trgm GIN indexes on company.search_text and solution.search_text
(PostgreSQL only; on SQLite this revision does nothing)

Revision ID: 0025_directory_trigram
Revises: 0024_lab_door_points
Create Date: 2026-11-27 20:10:00

The search is `search_text LIKE '%term%'` (forum/exhibitors/directory.py), which a B-tree cannot
serve; a trigram GIN index can, for terms of three characters or more, in any script. CREATE
EXTENSION needs a role allowed to create it (docs/deploy.md); pg_trgm is a trusted extension, so
the database's owner may.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025_directory_trigram'
down_revision = '0024_lab_door_points'
branch_labels = None
depends_on = None

INDEXES = (("ix_company_search_text_trgm", "company"), ("ix_solution_search_text_trgm", "solution"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        op.create_index(name, table, ["search_text"], postgresql_using="gin",
                        postgresql_ops={"search_text": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The extension stays: other databases' objects or an admin's own use may rely on it.
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
