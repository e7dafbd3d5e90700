"""REST routes of the mail queue (the outbox's outgoing items), for administrators.

``GET /mail-queue?limit=&offset=&status=&sort=&order=`` answers
``{"items", "total", "limit", "offset"}``; retry and cancel answer the item, or 409 when its
status does not allow it.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.outbox import actions, queries
from frontdesk.domain.outbox.schemas import MailQueueItemOut, MailQueuePage
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["mail queue"])


@router.get("/mail-queue")
async def list_mail_queue(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    status: str | None = None,
    sort: str = "created",
    order: Literal["asc", "desc"] = "desc",
) -> MailQueuePage:
    page = await queries.list_items(
        tx.session,
        PageRequest.build(limit, offset),
        status=status,
        sort=sort,
        descending=order == "desc",
    )
    return MailQueuePage(
        items=[MailQueueItemOut.of(item) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/mail-queue/{item_id}")
async def get_mail_queue_item(tx: TxDep, actor: ApiAdmin, item_id: int) -> MailQueueItemOut:
    return MailQueueItemOut.of(await queries.get_item(tx.session, item_id))


@router.post("/mail-queue/{item_id}/retry")
async def retry_mail_queue_item(tx: TxDep, actor: ApiAdmin, item_id: int) -> MailQueueItemOut:
    return MailQueueItemOut.of(await actions.do_retry(tx, actor, item_id))


@router.post("/mail-queue/{item_id}/cancel")
async def cancel_mail_queue_item(tx: TxDep, actor: ApiAdmin, item_id: int) -> MailQueueItemOut:
    return MailQueueItemOut.of(await actions.do_cancel(tx, actor, item_id))
