"""Claim due items one at a time, hand each to its deliverer, record the outcome.

The claim is the cluster-wide lock: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` (concurrent
workers pass over each other's rows instead of queuing behind them), on SQLite one conditional
``UPDATE … RETURNING`` (SQLite has one writer at a time, so the statement is the lock). A claim
is a lease: ``claim_expires_at`` lets another worker take over the item of a worker that died.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.outbox import settings
from frontdesk.domain.outbox.actions import FAILED, QUEUED, SENDING, SENT
from frontdesk.domain.outbox.deliverers import OutboundMessage, deliverer_for
from frontdesk.domain.outbox.errors import DeliveryFailed
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.domain.runtime import Runtime
from frontdesk.jobs.scheduler import describe_error

MAX_RETRY_DELAY_SECONDS = 6 * 3600
ERROR_LIMIT = 1000

log = structlog.get_logger(__name__)
Clock = Callable[[], datetime]


def retry_delay(attempt: int, base_seconds: int) -> timedelta:
    """Exponential back-off: base, 2×base, 4×base … after attempt 1, 2, 3 …, at most six hours."""
    return timedelta(seconds=min(base_seconds * 2 ** max(0, attempt - 1), MAX_RETRY_DELAY_SECONDS))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxItem.status == QUEUED, OutboxItem.next_attempt_at <= now),
        and_(OutboxItem.status == SENDING, OutboxItem.claim_expires_at <= now),
    )


async def claim_next(
    factory: async_sessionmaker[AsyncSession], worker: str, now: datetime, lease_seconds: int
) -> OutboundMessage | None:
    """Claim the next due item for ``worker`` (counting the attempt) and commit the claim."""
    claim = {
        "status": SENDING,
        "claimed_by": worker,
        "claim_expires_at": now + timedelta(seconds=lease_seconds),
        "attempts": OutboxItem.attempts + 1,
    }
    returning = (
        OutboxItem.id,
        OutboxItem.kind,
        OutboxItem.payload,
        OutboxItem.envelope,
        OutboxItem.message_id,
        OutboxItem.attempts,
    )
    async with unit_of_work(factory) as session:
        oldest_due = (
            select(OutboxItem.id)
            .where(_due(now))
            .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            item_id = (await session.execute(oldest_due.with_for_update(skip_locked=True))).scalar()
            if item_id is None:
                return None
            target: ColumnElement[bool] = OutboxItem.id == item_id
        else:
            target = and_(OutboxItem.id == oldest_due.scalar_subquery(), _due(now))
        row = (
            await session.execute(
                update(OutboxItem)
                .where(target)
                .values(**claim)
                .returning(*returning)
                .execution_options(synchronize_session=False)
            )
        ).one_or_none()
    if row is None:
        return None
    return OutboundMessage(
        id=row.id,
        kind=row.kind,
        payload=row.payload,
        envelope=row.envelope,
        message_id=row.message_id,
        attempt=row.attempts,
    )


async def deliver_due(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    worker: str,
    *,
    clock: Clock = utcnow,
    limit: int = 200,
) -> int:
    """Deliver due items until none is left (or ``limit`` were tried); returns how many were
    tried. Idempotent and safe to run in several processes at once."""
    tried = 0
    while tried < limit:
        message = await claim_next(
            factory, worker, clock(), int(runtime.config.value(settings.LEASE_SECONDS))
        )
        if message is None:
            break
        tried += 1
        await deliver_one(factory, runtime, worker, message, clock=clock)
    return tried


async def deliver_one(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    worker: str,
    message: OutboundMessage,
    *,
    clock: Clock = utcnow,
) -> None:
    deliverer = deliverer_for(message.kind)
    note: str | None = None
    error: str | None = None
    permanent = False
    if deliverer is None:
        error, permanent = f"no deliverer for kind {message.kind!r}", True
    else:
        try:
            note = await deliverer.deliver(message, runtime)
        except DeliveryFailed as failure:
            error, permanent = str(failure), failure.permanent
        except Exception as failure:  # a deliverer's bug must not stop the queue
            error = describe_error(failure)
        if error is not None:
            error = _masked(error, deliverer.secrets(runtime))
    now = clock()
    if error is None:
        values: dict[str, object] = {"status": SENT, "sent_at": now, "last_error": note}
    elif permanent or message.attempt >= int(runtime.config.value(settings.MAX_ATTEMPTS)):
        values = {"status": FAILED, "last_error": error}
    else:
        delay = retry_delay(message.attempt, int(runtime.config.value(settings.RETRY_DELAY)))
        values = {"status": QUEUED, "last_error": error, "next_attempt_at": now + delay}
    values |= {"claimed_by": None, "claim_expires_at": None}
    async with unit_of_work(factory) as session:
        # Only while we still hold the lease: a worker that took over an expired lease owns it.
        result = await session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.id == message.id,
                OutboxItem.status == SENDING,
                OutboxItem.claimed_by == worker,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        log.warning("outbox_lease_lost", item_id=message.id, worker=worker)
    elif error is None:
        log.info("outbox_delivered", item_id=message.id, kind=message.kind, attempt=message.attempt)
    else:
        log.warning(
            "outbox_delivery_failed",
            item_id=message.id,
            kind=message.kind,
            attempt=message.attempt,
            status=values["status"],
            error=error,
        )


def _masked(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"
