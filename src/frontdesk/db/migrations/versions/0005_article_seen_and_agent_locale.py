"""Tickets: which agent has seen which article (the timeline's unread marker). Accounts: an
agent's language and time zone may be empty (""), meaning "follow the deployed global setting"

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_seen",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_article_seen_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_seen_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "agent_id", name=op.f("pk_article_seen")),
    )
    op.create_index(op.f("ix_article_seen_agent_id"), "article_seen", ["agent_id"], unique=False)
    # Until now every agent carried the defaults as their own values; those agents follow the
    # global setting from here on. No schema change on "agent": on SQLite that rebuilds the
    # table, and dropping the old one cascades deletes into the tables that reference it.
    op.execute("UPDATE agent SET language = '' WHERE language = 'en'")
    op.execute("UPDATE agent SET timezone = '' WHERE timezone = 'UTC'")


def downgrade() -> None:
    op.execute("UPDATE agent SET language = 'en' WHERE language = ''")
    op.execute("UPDATE agent SET timezone = 'UTC' WHERE timezone = ''")
    op.drop_index(op.f("ix_article_seen_agent_id"), table_name="article_seen")
    op.drop_table("article_seen")
