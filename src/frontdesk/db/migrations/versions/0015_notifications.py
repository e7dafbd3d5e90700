"""Ticket notifications with OTRS' default set, ticket watchers and agents' My queues

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

LINK = "<OTRS_CONFIG_HttpType>://<OTRS_CONFIG_FQDN>/agent/tickets/<OTRS_TICKET_TicketID>"
SIGN_OFF = f"\n\n{LINK}\n\n-- <OTRS_CONFIG_NotificationSenderName>"


def _body(text: str) -> str:
    return f"Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>,\n\n{text}{SIGN_OFF}"


# OTRS 6's default ticket notifications, in its order and with its English texts (links point
# at our ticket zoom). Events and recipients use our vocabulary (docs/api.md).
DEFAULTS: list[dict[str, Any]] = [
    {
        "name": "Ticket create notification",
        "events": ["ticket_create"],
        "recipients": ["my_queues"],
        "filters": {},
        "subject": "Ticket Created: <OTRS_TICKET_Title>",
        "body": _body(
            "ticket [<OTRS_TICKET_TicketNumber>] has been created in queue <OTRS_TICKET_Queue>."
            "\n\n<OTRS_CUSTOMER_REALNAME> wrote:\n<OTRS_CUSTOMER_Body[30]>"
        ),
    },
    {
        "name": "Ticket follow-up notification (unlocked)",
        "events": ["ticket_follow_up"],
        "recipients": ["my_queues", "watchers"],
        "filters": {"lock": ["unlock"]},
        "subject": "Unlocked Ticket Follow-Up: <OTRS_CUSTOMER_SUBJECT[24]>",
        "body": _body(
            "the unlocked ticket [<OTRS_TICKET_TicketNumber>] received a follow-up."
            "\n\n<OTRS_CUSTOMER_REALNAME> wrote:\n<OTRS_CUSTOMER_Body[30]>"
        ),
    },
    {
        "name": "Ticket follow-up notification (locked)",
        "events": ["ticket_follow_up"],
        "recipients": ["owner", "responsible", "watchers"],
        "filters": {"lock": ["lock"]},
        "subject": "Locked Ticket Follow-Up: <OTRS_CUSTOMER_SUBJECT[24]>",
        "body": _body(
            "the locked ticket [<OTRS_TICKET_TicketNumber>] received a follow-up."
            "\n\n<OTRS_CUSTOMER_REALNAME> wrote:\n<OTRS_CUSTOMER_Body[30]>"
        ),
    },
    {
        "name": "Ticket lock timeout notification",
        "events": ["ticket_lock_timeout"],
        "recipients": ["owner", "responsible"],
        "filters": {},
        "subject": "Ticket Lock Timeout: <OTRS_TICKET_Title>",
        "body": _body(
            "ticket [<OTRS_TICKET_TicketNumber>] has reached its lock timeout period and is now"
            " unlocked."
        ),
    },
    {
        "name": "Ticket owner update notification",
        "events": ["ticket_owner_update"],
        "recipients": ["owner"],
        "filters": {},
        "subject": "Ticket Owner Update to <OTRS_OWNER_UserFullname>: <OTRS_TICKET_Title>",
        "body": _body(
            "the owner of ticket [<OTRS_TICKET_TicketNumber>] has been updated to"
            " <OTRS_TICKET_OWNER_UserFullname> by <OTRS_CURRENT_UserFullname>."
        ),
    },
    {
        "name": "Ticket responsible update notification",
        "events": ["ticket_responsible_update"],
        "recipients": ["responsible"],
        "filters": {},
        "subject": (
            "Ticket Responsible Update to <OTRS_RESPONSIBLE_UserFullname>: <OTRS_TICKET_Title>"
        ),
        "body": _body(
            "the responsible agent of ticket [<OTRS_TICKET_TicketNumber>] has been updated to"
            " <OTRS_TICKET_RESPONSIBLE_UserFullname> by <OTRS_CURRENT_UserFullname>."
        ),
    },
    {
        "name": "Ticket new note notification",
        "events": ["note_add"],
        "recipients": ["owner", "responsible", "watchers"],
        "filters": {},
        "subject": "Ticket Note: <OTRS_AGENT_SUBJECT[24]>",
        "body": _body("<OTRS_CURRENT_UserFullname> wrote:\n<OTRS_AGENT_Body[30]>"),
    },
    {
        "name": "Ticket queue update notification",
        "events": ["ticket_queue_update"],
        "recipients": ["my_queues"],
        "filters": {},
        "subject": "Ticket Queue Update to <OTRS_TICKET_Queue>: <OTRS_TICKET_Title>",
        "body": _body(
            "ticket [<OTRS_TICKET_TicketNumber>] has been updated to queue <OTRS_TICKET_Queue>."
        ),
    },
    {
        "name": "Ticket pending reminder notification (locked)",
        "events": ["ticket_pending_reminder"],
        "recipients": ["owner", "responsible"],
        "filters": {"lock": ["lock"]},
        "subject": "Locked Ticket Pending Reminder Time Reached: <OTRS_TICKET_Title>",
        "body": _body(
            "the pending reminder time of the locked ticket [<OTRS_TICKET_TicketNumber>] has"
            " been reached."
        ),
    },
    {
        "name": "Ticket pending reminder notification (unlocked)",
        "events": ["ticket_pending_reminder"],
        "recipients": ["owner", "responsible", "my_queues"],
        "filters": {"lock": ["unlock"]},
        "subject": "Unlocked Ticket Pending Reminder Time Reached: <OTRS_TICKET_Title>",
        "body": _body(
            "the pending reminder time of the unlocked ticket [<OTRS_TICKET_TicketNumber>] has"
            " been reached."
        ),
    },
    {
        "name": "Ticket escalation notification",
        "events": ["escalation_response", "escalation_update", "escalation_solution"],
        "recipients": ["owner", "responsible", "my_queues"],
        "filters": {},
        "subject": "Ticket Escalation! <OTRS_TICKET_Title>",
        "body": _body("ticket [<OTRS_TICKET_TicketNumber>] is escalated!"),
    },
    {
        "name": "Ticket escalation warning notification",
        "events": [
            "escalation_response_warning",
            "escalation_update_warning",
            "escalation_solution_warning",
        ],
        "recipients": ["owner", "responsible", "my_queues"],
        "filters": {},
        "subject": "Ticket Escalation Warning! <OTRS_TICKET_Title>",
        "body": _body("ticket [<OTRS_TICKET_TicketNumber>] will escalate soon!"),
    },
    {
        "name": "Ticket service update notification",
        "events": ["ticket_service_update"],
        "recipients": ["owner", "responsible"],
        "filters": {},
        "subject": "Ticket Service Update to <OTRS_TICKET_Service>: <OTRS_TICKET_Title>",
        "body": _body(
            "the service of ticket [<OTRS_TICKET_TicketNumber>] has been updated to"
            " <OTRS_TICKET_Service>."
        ),
    },
]


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("name", name=op.f("uq_notification_name")),
    )
    op.create_table(
        "notification_preference",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("transport", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_notification_preference_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_notification_preference_notification_id_notification"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "agent_id", "notification_id", "transport", name=op.f("pk_notification_preference")
        ),
    )
    op.create_table(
        "notification_trigger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_notification_trigger_article_id_article"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_notification_trigger_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_trigger")),
    )
    op.create_index(
        op.f("ix_notification_trigger_status_next_attempt_at"),
        "notification_trigger",
        ["status", "next_attempt_at"],
    )
    op.create_index(
        op.f("ix_notification_trigger_ticket_id"), "notification_trigger", ["ticket_id"]
    )
    op.create_table(
        "notification_sent",
        sa.Column("trigger_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=60), nullable=False),
        sa.Column("transport", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_notification_sent_notification_id_notification"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["notification_trigger.id"],
            name=op.f("fk_notification_sent_trigger_id_notification_trigger"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "trigger_id",
            "notification_id",
            "recipient",
            "transport",
            name=op.f("pk_notification_sent"),
        ),
    )
    op.create_table(
        "ticket_watcher",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_ticket_watcher_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_watcher_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "agent_id", name=op.f("pk_ticket_watcher")),
    )
    op.create_index(op.f("ix_ticket_watcher_agent_id"), "ticket_watcher", ["agent_id"])
    op.create_table(
        "agent_my_queue",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_agent_my_queue_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["queue.id"],
            name=op.f("fk_agent_my_queue_queue_id_queue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "queue_id", name=op.f("pk_agent_my_queue")),
    )
    op.create_index(op.f("ix_agent_my_queue_queue_id"), "agent_my_queue", ["queue_id"])

    table = sa.table(
        "notification",
        *(
            sa.column(name, type_)
            for name, type_ in (
                ("name", sa.String()),
                ("events", sa.JSON()),
                ("filters", sa.JSON()),
                ("recipients", sa.JSON()),
                ("transports", sa.JSON()),
                ("messages", sa.JSON()),
                ("mandatory", sa.Boolean()),
                ("valid", sa.Boolean()),
                ("comment", sa.String()),
                ("created_at", sa.DateTime(timezone=True)),
                ("updated_at", sa.DateTime(timezone=True)),
            )
        ),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
                "name": item["name"],
                "events": item["events"],
                "filters": item["filters"],
                "recipients": item["recipients"],
                "transports": ["email"],
                "messages": {"en": {"subject": item["subject"], "body": item["body"]}},
                "mandatory": False,
                "valid": True,
                "comment": "",
                "created_at": now,
                "updated_at": now,
            }
            for item in DEFAULTS
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_agent_my_queue_queue_id"), table_name="agent_my_queue")
    op.drop_table("agent_my_queue")
    op.drop_index(op.f("ix_ticket_watcher_agent_id"), table_name="ticket_watcher")
    op.drop_table("ticket_watcher")
    op.drop_table("notification_sent")
    op.drop_index(op.f("ix_notification_trigger_ticket_id"), table_name="notification_trigger")
    op.drop_index(
        op.f("ix_notification_trigger_status_next_attempt_at"), table_name="notification_trigger"
    )
    op.drop_table("notification_trigger")
    op.drop_table("notification_preference")
    op.drop_table("notification")
