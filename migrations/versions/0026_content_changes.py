"""content changes: one row per committed change to the data behind cached page fragments (the
directory's list); a page compares its fragment's generation with the topic's count of rows

Revision ID: 0026_content_changes
Revises: 0025_directory_trigram
Create Date: 2026-11-27 22:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_content_changes'
down_revision = '0025_directory_trigram'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_change")),
    )
    op.create_index("ix_content_change_topic_id", "content_change", ["topic", "id"])


def downgrade():
    op.drop_index("ix_content_change_topic_id", table_name="content_change")
    op.drop_table("content_change")
