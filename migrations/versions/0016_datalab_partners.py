"""data lab: partners and academics apply for an organisation (researcher role); a link to a meeting

Revision ID: 0016_datalab_partners
Revises: 0018_privacy
Create Date: 2026-11-27 16:10:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0016_datalab_partners'
down_revision = '0015_solution_chinese'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin','organiser','scanner','exhibitor','ha_staff','partnership')"
ROLES_AFTER = "role IN ('admin','organiser','scanner','exhibitor','ha_staff','partnership','researcher')"


def upgrade():
    op.create_table(
        'datalab_organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.Column('name_zh', sa.String(length=200), nullable=False),
        sa.Column('name_key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['company_id'], ['company.id'],
                                name=op.f('fk_datalab_organisation_company_id_company'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_datalab_organisation')),
        sa.UniqueConstraint('name_key', name=op.f('uq_datalab_organisation_name_key')),
    )
    with op.batch_alter_table('datalab_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datalab_organisation_company_id'), ['company_id'], unique=False)

    op.create_table(
        'datalab_researcher',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'],
                                name=op.f('fk_datalab_researcher_invited_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['datalab_organisation.id'],
                                name=op.f('fk_datalab_researcher_organisation_id_datalab_organisation'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_datalab_researcher')),
        sa.UniqueConstraint('email', name=op.f('uq_datalab_researcher_email')),
    )
    with op.batch_alter_table('datalab_researcher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datalab_researcher_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('datalab_application', schema=None) as batch_op:
        batch_op.alter_column('company_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_datalab_application_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_datalab_application_organisation_id_datalab_organisation'),
                                    'datalab_organisation', ['organisation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_owner', '(company_id IS NULL) <> (organisation_id IS NULL)')
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_datalab_application_meeting_id_meeting'), 'meeting',
                                    ['meeting_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.alter_column('company_id', existing_type=sa.Integer(), nullable=True)
    # An output request is rejected for a reason from a list.
    with op.batch_alter_table('datalab_output_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=20), nullable=False, server_default=''))
    with op.batch_alter_table('datalab_output_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reject_reason', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role_known'), type_='check')
        batch_op.create_check_constraint('role_known', ROLES_AFTER)


def downgrade():
    with op.batch_alter_table('datalab_output_request', schema=None) as batch_op:
        batch_op.drop_column('reject_reason')
    with op.batch_alter_table('datalab_output_review', schema=None) as batch_op:
        batch_op.drop_column('reason')
    op.execute("DELETE FROM \"user\" WHERE role = 'researcher'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role_known'), type_='check')
        batch_op.create_check_constraint('role_known', ROLES_BEFORE)
    op.execute("DELETE FROM stored_file WHERE company_id IS NULL")
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.alter_column('company_id', existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM datalab_application WHERE company_id IS NULL")
    with op.batch_alter_table('datalab_application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_datalab_application_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_column('meeting_id')
        batch_op.drop_constraint(op.f('ck_datalab_application_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_datalab_application_organisation_id_datalab_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_datalab_application_organisation_id'))
        batch_op.drop_column('organisation_id')
        batch_op.alter_column('company_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('datalab_researcher')
    op.drop_table('datalab_organisation')
