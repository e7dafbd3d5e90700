"""Queue mail set-up: system addresses, salutations, signatures, templates, auto responses

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _named_text(table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("name", name=op.f(f"uq_{table}_name")),
    )


def upgrade() -> None:
    op.create_table(
        "system_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=250), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queue.id"], name=op.f("fk_system_address_queue_id_queue")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_address")),
        sa.UniqueConstraint("email", name=op.f("uq_system_address_email")),
    )
    op.create_index(op.f("ix_system_address_queue_id"), "system_address", ["queue_id"])
    _named_text("salutation")
    _named_text("signature")
    op.create_table(
        "mail_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=250), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_template")),
        sa.UniqueConstraint("name", name=op.f("uq_mail_template_name")),
    )
    op.create_table(
        "mail_template_queue",
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["queue.id"],
            name=op.f("fk_mail_template_queue_queue_id_queue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["mail_template.id"],
            name=op.f("fk_mail_template_queue_template_id_mail_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("template_id", "queue_id", name=op.f("pk_mail_template_queue")),
    )
    op.create_index(op.f("ix_mail_template_queue_queue_id"), "mail_template_queue", ["queue_id"])
    op.create_table(
        "mail_template_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=250), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["mail_template.id"],
            name=op.f("fk_mail_template_attachment_template_id_mail_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_template_attachment")),
    )
    op.create_index(
        op.f("ix_mail_template_attachment_template_id"),
        "mail_template_attachment",
        ["template_id"],
    )
    op.create_table(
        "auto_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=250), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("system_address_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["system_address_id"],
            ["system_address.id"],
            name=op.f("fk_auto_response_system_address_id_system_address"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_response")),
        sa.UniqueConstraint("name", name=op.f("uq_auto_response_name")),
    )
    op.create_index(
        op.f("ix_auto_response_system_address_id"), "auto_response", ["system_address_id"]
    )
    op.create_table(
        "auto_response_queue",
        sa.Column("auto_response_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["auto_response_id"],
            ["auto_response.id"],
            name=op.f("fk_auto_response_queue_auto_response_id_auto_response"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["queue.id"],
            name=op.f("fk_auto_response_queue_queue_id_queue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "auto_response_id", "queue_id", name=op.f("pk_auto_response_queue")
        ),
        sa.UniqueConstraint("queue_id", "type", name=op.f("uq_auto_response_queue_queue_id_type")),
    )
    # SQLite cannot add a constraint to an existing table, and rebuilding queue (batch mode)
    # would trip the foreign keys of the tickets that point at it: there each column carries
    # its REFERENCES inline, which ADD COLUMN accepts (as in 0009).
    sqlite = op.get_bind().dialect.name == "sqlite"
    # The address side of the queue <-> system_address cycle lets go (SET NULL), so the two
    # tables can be emptied one after the other.
    for column, target, on_delete in (
        ("system_address_id", "system_address", "SET NULL"),
        ("salutation_id", "salutation", None),
        ("signature_id", "signature", None),
    ):
        constraint = op.f(f"fk_queue_{column}_{target}")
        if sqlite:
            op.execute(
                f"ALTER TABLE queue ADD COLUMN {column} INTEGER"
                f" CONSTRAINT {constraint} REFERENCES {target} (id)"
                + (f" ON DELETE {on_delete}" if on_delete else "")
            )
        else:
            op.add_column("queue", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(constraint, "queue", target, [column], ["id"], ondelete=on_delete)
        op.create_index(op.f(f"ix_queue_{column}"), "queue", [column])
    op.add_column(
        "queue",
        sa.Column("follow_up", sa.String(length=20), server_default="possible", nullable=False),
    )


def downgrade() -> None:
    # SQLite does not report the names of constraints added inline by ADD COLUMN; rebuilding
    # the table without the columns (batch mode) drops their foreign keys with them.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.drop_column("follow_up")
        for column, target in (
            ("signature_id", "signature"),
            ("salutation_id", "salutation"),
            ("system_address_id", "system_address"),
        ):
            batch_op.drop_index(batch_op.f(f"ix_queue_{column}"))
            if not sqlite:
                batch_op.drop_constraint(
                    batch_op.f(f"fk_queue_{column}_{target}"), type_="foreignkey"
                )
            batch_op.drop_column(column)
    for table in (
        "auto_response_queue",
        "auto_response",
        "mail_template_attachment",
        "mail_template_queue",
        "mail_template",
        "signature",
        "salutation",
        "system_address",
    ):
        op.drop_table(table)
