"""content generation: what each topic's pruned change rows counted, so that a topic's generation
(pruned + rows left) never goes back when old rows of content_change are deleted

Revision ID: 0027_content_generation
Revises: 0026_content_changes
Create Date: 2026-11-28 03:20:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_content_generation'
down_revision = '0026_content_changes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_generation",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("pruned", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_content_generation")),
    )


def downgrade():
    op.drop_table("content_generation")
