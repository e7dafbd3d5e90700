"""Chat: index chat events by chat and time (the per-second rate limit) and by chat and client
message id (a batch's resend lookup)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 04:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chat_event_chat_id_created_at", ["chat_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_chat_event_chat_id_client_message_id",
            ["chat_id", "client_message_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("chat_event", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_event_chat_id_client_message_id")
        batch_op.drop_index("ix_chat_event_chat_id_created_at")
