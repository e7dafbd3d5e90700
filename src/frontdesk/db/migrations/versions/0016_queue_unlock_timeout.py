"""Queues' unlock timeout (OTRS "Unlock timeout"): minutes a locked ticket may go untouched

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # A plain column with a default: ADD COLUMN on both databases; existing queues never unlock.
    op.add_column(
        "queue", sa.Column("unlock_timeout", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.drop_column("unlock_timeout")
