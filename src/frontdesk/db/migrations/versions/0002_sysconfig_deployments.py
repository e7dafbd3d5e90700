"""System configuration: staged changes, deployments, per-setting history, edit locks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 01:30:00

Existing ``sysconfig_value`` rows stay as they are: they are the values in force, so no data
moves; the first deployment's snapshot records them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sysconfig_user_modification",
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sysconfig_user_modification")),
    )
    op.create_table(
        "sysconfig_staged",
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staged_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staged_by"],
            ["agent.id"],
            name=op.f("fk_sysconfig_staged_staged_by_agent"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sysconfig_staged")),
    )
    op.create_table(
        "sysconfig_deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_sysconfig_deployment_agent_id_agent"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sysconfig_deployment")),
    )
    op.create_table(
        "sysconfig_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["agent.id"],
            name=op.f("fk_sysconfig_history_changed_by_agent"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["sysconfig_deployment.id"],
            name=op.f("fk_sysconfig_history_deployment_id_sysconfig_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sysconfig_history")),
    )
    with op.batch_alter_table("sysconfig_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sysconfig_history_deployment_id"), ["deployment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sysconfig_history_name"), ["name"], unique=False)
    op.create_table(
        "sysconfig_lock",
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_sysconfig_lock_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sysconfig_lock")),
    )


def downgrade() -> None:
    op.drop_table("sysconfig_lock")
    with op.batch_alter_table("sysconfig_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sysconfig_history_name"))
        batch_op.drop_index(batch_op.f("ix_sysconfig_history_deployment_id"))
    op.drop_table("sysconfig_history")
    op.drop_table("sysconfig_deployment")
    op.drop_table("sysconfig_staged")
    op.drop_table("sysconfig_user_modification")
