"""Dynamic fields and their values (one row per value, a column per storage kind)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dynamic_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("field_order", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=30), nullable=False),
        sa.Column("field_type", sa.String(length=30), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("screens", sa.JSON(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dynamic_field")),
        sa.UniqueConstraint("name", name=op.f("uq_dynamic_field_name")),
    )
    op.create_index(
        op.f("ix_dynamic_field_object_type"), "dynamic_field", ["object_type"], unique=False
    )
    op.create_table(
        "dynamic_field_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("value_text", sa.String(length=255), nullable=True),
        sa.Column("value_long", sa.Text(), nullable=True),
        sa.Column("value_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value_int", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["dynamic_field.id"],
            name=op.f("fk_dynamic_field_value_field_id_dynamic_field"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dynamic_field_value")),
    )
    for suffix, column in (
        ("object", "object_id"),
        ("text", "value_text"),
        ("date", "value_date"),
        ("int", "value_int"),
    ):
        op.create_index(
            f"ix_dynamic_field_value_{suffix}",
            "dynamic_field_value",
            ["field_id", column],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("dynamic_field_value")
    op.drop_index(op.f("ix_dynamic_field_object_type"), table_name="dynamic_field")
    op.drop_table("dynamic_field")
