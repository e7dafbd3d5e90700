"""Writes to the outbox. Queuing happens in the caller's transaction: a rollback sends nothing."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from typing import Any

from sqlalchemy import update

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.domain.outbox.errors import OutboxItemNotFound, OutboxStatusConflict
from frontdesk.domain.outbox.events import OutboxQueued
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.domain.runtime import Tx

QUEUED, SENDING, SENT, FAILED, CANCELLED = "queued", "sending", "sent", "failed", "cancelled"
STATUSES = (QUEUED, SENDING, SENT, FAILED, CANCELLED)


async def enqueue(
    tx: Tx,
    kind: str,
    payload: bytes,
    envelope: dict[str, Any],
    *,
    message_id: str | None = None,
    article_id: int | None = None,
    ticket_id: int | None = None,
) -> OutboxItem:
    """Queue one outgoing message in the caller's transaction; it is delivered after commit."""
    item = OutboxItem(
        kind=kind,
        payload=payload,
        envelope=envelope,
        message_id=message_id,
        article_id=article_id,
        ticket_id=ticket_id,
        status=QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    tx.session.add(item)
    await tx.session.flush()
    tx.emit(OutboxQueued(item_ids=(item.id,)))
    return item


async def enqueue_email(
    tx: Tx,
    raw: bytes,
    *,
    sender: str,
    recipients: list[str],
    article_id: int | None = None,
    ticket_id: int | None = None,
) -> OutboxItem:
    """Queue a finished RFC 822 message. Its ``Message-ID`` is kept so that every retry is the
    same message; Bcc recipients belong in ``recipients`` only, never in the headers."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(raw)
    message_id = headers.get("Message-ID")
    if not message_id:
        raise ValueError("an outgoing e-mail needs a Message-ID")
    if "Bcc" in headers:
        raise ValueError("Bcc recipients go in the envelope, not in the headers")
    if not recipients:
        raise ValueError("an outgoing e-mail needs at least one recipient")
    return await enqueue(
        tx,
        "email",
        raw,
        {"sender": sender, "recipients": list(recipients)},
        message_id=str(message_id).strip(),
        article_id=article_id,
        ticket_id=ticket_id,
    )


async def do_retry(tx: Tx, actor: Actor, item_id: int) -> OutboxItem:
    """Admin: deliver a failed, cancelled or waiting item at the next sweep (now). The attempt
    count starts again so a given-up item gets the full number of tries."""
    del actor  # callers gate on admin; kept so the signature names who acts
    item = await _load(tx, item_id)
    if item.status not in (QUEUED, FAILED, CANCELLED):
        raise OutboxStatusConflict("retried", item.status)
    await _update(
        tx, item, (QUEUED, FAILED, CANCELLED), status=QUEUED, attempts=0, next_attempt_at=utcnow()
    )
    tx.emit(OutboxQueued(item_ids=(item.id,)))
    return item


async def do_cancel(tx: Tx, actor: Actor, item_id: int) -> OutboxItem:
    """Admin: never deliver a queued or failed item. One being sent right now cannot be
    stopped (409): it may already be on its way."""
    del actor
    item = await _load(tx, item_id)
    if item.status not in (QUEUED, FAILED):
        raise OutboxStatusConflict("cancelled", item.status)
    await _update(
        tx, item, (QUEUED, FAILED), status=CANCELLED, claimed_by=None, claim_expires_at=None
    )
    return item


async def _load(tx: Tx, item_id: int) -> OutboxItem:
    item = await tx.session.get(OutboxItem, item_id)
    if item is None:
        raise OutboxItemNotFound()
    return item


async def _update(tx: Tx, item: OutboxItem, allowed: tuple[str, ...], **values: Any) -> None:
    """A conditional UPDATE, so a worker claiming the item meanwhile wins and we answer 409."""
    result = await tx.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item.id, OutboxItem.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await tx.session.refresh(item)
        raise OutboxStatusConflict("changed", item.status)
    await tx.session.refresh(item)
