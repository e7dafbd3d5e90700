"""Business calendars: office hours, holidays and a time zone for escalation times

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_calendar")),
        sa.UniqueConstraint("name", name=op.f("uq_business_calendar_name")),
    )
    # SQLite cannot add a constraint to an existing table, and rebuilding queue (batch mode)
    # would trip the foreign keys of the tickets that point at it: there the column carries its
    # REFERENCES inline, which ADD COLUMN accepts.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("queue", "sla"):
        constraint = op.f(f"fk_{table}_business_calendar_id_business_calendar")
        if sqlite:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN business_calendar_id INTEGER"
                f" CONSTRAINT {constraint} REFERENCES business_calendar (id)"
            )
        else:
            op.add_column(table, sa.Column("business_calendar_id", sa.Integer(), nullable=True))
            op.create_foreign_key(
                constraint, table, "business_calendar", ["business_calendar_id"], ["id"]
            )
        op.create_index(op.f(f"ix_{table}_business_calendar_id"), table, ["business_calendar_id"])


def downgrade() -> None:
    for table in ("queue", "sla"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_business_calendar_id"))
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_business_calendar_id_business_calendar"),
                type_="foreignkey",
            )
            batch_op.drop_column("business_calendar_id")
    op.drop_table("business_calendar")
