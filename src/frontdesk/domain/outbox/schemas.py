"""API shapes of the mail queue."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from frontdesk.domain.outbox.models import OutboxItem


class MailQueueItemOut(BaseModel):
    id: int
    kind: str
    article_id: int | None
    ticket_id: int | None
    message_id: str | None
    recipients: list[str]
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, item: OutboxItem) -> MailQueueItemOut:
        waiting = item.status == "queued"
        return cls(
            id=item.id,
            kind=item.kind,
            article_id=item.article_id,
            ticket_id=item.ticket_id,
            message_id=item.message_id,
            recipients=[str(r) for r in item.envelope.get("recipients", [])],
            status=item.status,
            attempts=item.attempts,
            next_attempt_at=item.next_attempt_at if waiting else None,
            last_error=item.last_error,
            created_at=item.created_at,
            sent_at=item.sent_at,
        )


class MailQueuePage(BaseModel):
    items: list[MailQueueItemOut]
    total: int
    limit: int
    offset: int
