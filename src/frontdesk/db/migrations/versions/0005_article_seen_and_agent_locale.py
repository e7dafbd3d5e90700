"""Tickets: which agent has seen which article (the timeline's unread marker). Accounts: an
agent's language and time zone may be empty (""), meaning "follow the deployed global setting"

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00
"""

import json
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
    # Until now every agent carried a value of their own. Those whose value is the global one in
    # force (deployed, else the default) follow the global setting from here on; the others keep
    # theirs. No schema change on "agent": on SQLite that rebuilds the table, and dropping the
    # old one cascades deletes into the tables that reference it.
    for column, name, default in _LOCALE_SETTINGS:
        op.get_bind().execute(
            sa.text(f"UPDATE agent SET {column} = '' WHERE {column} = :value"),
            {"value": _global_value(name, default)},
        )


def downgrade() -> None:
    for column, name, default in _LOCALE_SETTINGS:
        op.get_bind().execute(
            sa.text(f"UPDATE agent SET {column} = :value WHERE {column} = ''"),
            {"value": _global_value(name, default)},
        )
    op.drop_index(op.f("ix_article_seen_agent_id"), table_name="article_seen")
    op.drop_table("article_seen")


# (agent column, setting, its default when none is deployed)
_LOCALE_SETTINGS = (("language", "Agent::Language", "en"), ("timezone", "Agent::TimeZone", "UTC"))


def _global_value(name: str, default: str) -> str:
    stored = op.get_bind().scalar(
        sa.text("SELECT value FROM sysconfig_value WHERE name = :name AND agent_id IS NULL"),
        {"name": name},
    )
    if stored is None:
        return default
    # SQLite hands back the JSON text; asyncpg's JSON codec has already decoded it.
    try:
        value = json.loads(stored) if isinstance(stored, str) else stored
    except ValueError:
        value = stored
    return value if isinstance(value, str) and value else default
