"""Contacts of "contact with data" dynamic fields, in their own table

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dynamic_field_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["dynamic_field.id"],
            name=op.f("fk_dynamic_field_contact_field_id_dynamic_field"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dynamic_field_contact")),
    )
    op.create_index(
        "ix_dynamic_field_contact_field_name",
        "dynamic_field_contact",
        ["field_id", "name"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_dynamic_field_contact_field_name", table_name="dynamic_field_contact")
    op.drop_table("dynamic_field_contact")
