"""Incoming mail: mail accounts, postmaster filters, failed mail, the auto-response log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=255), nullable=False),
        sa.Column("password_sealed", sa.Text(), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=True),
        sa.Column("dispatch", sa.String(length=10), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("last_fetch_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queue.id"], name=op.f("fk_mail_account_queue_id_queue")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_account")),
    )
    op.create_table(
        "postmaster_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("match", sa.JSON(), nullable=False),
        sa.Column("set", sa.JSON(), nullable=False),
        sa.Column("stop", sa.Boolean(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmaster_filter")),
        sa.UniqueConstraint("name", name=op.f("uq_postmaster_filter_name")),
    )
    op.create_table(
        "received_mail_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_account.id"],
            name=op.f("fk_received_mail_failure_account_id_mail_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_mail_failure")),
    )
    op.create_index(
        op.f("ix_received_mail_failure_account_id"), "received_mail_failure", ["account_id"]
    )
    op.create_table(
        "mail_auto_response_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_auto_response_sent")),
    )
    op.create_index(
        "ix_mail_auto_response_sent_address_sent_at",
        "mail_auto_response_sent",
        ["address", "sent_at"],
    )


def downgrade() -> None:
    op.drop_table("mail_auto_response_sent")
    op.drop_table("received_mail_failure")
    op.drop_table("postmaster_filter")
    op.drop_table("mail_account")
