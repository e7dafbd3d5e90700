"""Ticket escalations: escalation times on tickets, targets on queues, notices announced

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TICKET_TIMES = (
    "escalation_response_at",
    "escalation_update_at",
    "escalation_solution_at",
    "escalation_at",
    "escalation_notice_at",
)
QUEUE_TARGETS = (
    "first_response_minutes",
    "first_response_notify",
    "update_minutes",
    "update_notify",
    "solution_minutes",
    "solution_notify",
)
SLA_NOTIFY = ("first_response_notify", "update_notify", "solution_notify")


def upgrade() -> None:
    # Plain nullable columns: ADD COLUMN on both databases, no table rebuild (the ticket table
    # carries the count triggers of 0007 and is referenced from everywhere).
    for column in TICKET_TIMES:
        op.add_column("ticket", sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_ticket_escalation_at", "ticket", ["escalation_at"])
    op.create_index("ix_ticket_escalation_notice_at", "ticket", ["escalation_notice_at"])
    for column in QUEUE_TARGETS:
        op.add_column("queue", sa.Column(column, sa.Integer(), nullable=True))
    for column in SLA_NOTIFY:
        op.add_column("sla", sa.Column(column, sa.Integer(), nullable=True))
    op.create_table(
        "ticket_escalation_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_escalation_notice_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_escalation_notice")),
        sa.UniqueConstraint(
            "ticket_id",
            "name",
            "due_at",
            name=op.f("uq_ticket_escalation_notice_ticket_id_name_due_at"),
        ),
    )
    op.create_table(
        "escalation_sweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_sweep")),
    )


def downgrade() -> None:
    op.drop_table("escalation_sweep")
    op.drop_table("ticket_escalation_notice")
    for table, columns in (("sla", SLA_NOTIFY), ("queue", QUEUE_TARGETS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
    op.drop_index("ix_ticket_escalation_notice_at", table_name="ticket")
    op.drop_index("ix_ticket_escalation_at", table_name="ticket")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        for column in TICKET_TIMES:
            batch_op.drop_column(column)
