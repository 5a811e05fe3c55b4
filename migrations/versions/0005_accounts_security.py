"""accounts security: verified email, revocable invitations, kiosk PIN, audit actor label and address

Revision ID: 0005_accounts_security
Revises: 0004_checkin
Create Date: 2026-11-27 12:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_accounts_security'
down_revision = '0004_checkin'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        # Accounts made before this revision came by invitation, by an administrator or on the command line.
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kiosk_pin_hash', sa.String(length=255), nullable=True))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_label', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('address')
        batch_op.drop_column('actor_label')
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('kiosk_pin_hash')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_verified')
