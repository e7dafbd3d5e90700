"""REST routes of ticket notifications.

* ``/api/v1/notifications`` (administrators): list (``?limit=&offset=&valid=``), create, get,
  patch, delete;
* ``/api/v1/me/notification-preferences`` (agents): ``GET`` and ``PUT``, both
  ``{"<notification id>": {"<transport>": bool}}`` (``PUT`` changes only what it names);
* ``/api/v1/tickets/{id}/watchers`` (agents who can read the ticket) and ``…/watchers/me``
  (``PUT`` watch, ``DELETE`` stop watching);
* ``/api/v1/me/my-queues`` (agents): ``{"queue_ids": [..]}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.notifications import actions, queries
from frontdesk.domain.notifications.schemas import (
    MyQueuesIn,
    NotificationCreate,
    NotificationOut,
    NotificationUpdate,
    WatchOut,
)
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.web.dependencies import ApiAdmin, ApiAgent, TxDep

router = APIRouter(tags=["notifications"])

Preferences = dict[str, dict[str, bool]]


@router.get("/notifications")
async def list_notifications(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[NotificationOut]:
    page = await queries.notifications_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid
    )
    return ListOut[NotificationOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/notifications", status_code=201)
async def create_notification(
    tx: TxDep, actor: ApiAdmin, data: NotificationCreate
) -> NotificationOut:
    return await actions.do_create_notification(tx, actor, data)


@router.get("/notifications/{notification_id}")
async def get_notification(tx: TxDep, actor: ApiAdmin, notification_id: int) -> NotificationOut:
    return await queries.notification_for_actor(tx.session, actor, notification_id)


@router.patch("/notifications/{notification_id}")
async def update_notification(
    tx: TxDep, actor: ApiAdmin, notification_id: int, data: NotificationUpdate
) -> NotificationOut:
    return await actions.do_update_notification(tx, actor, notification_id, data)


@router.delete("/notifications/{notification_id}", status_code=204)
async def delete_notification(tx: TxDep, actor: ApiAdmin, notification_id: int) -> Response:
    await actions.do_delete_notification(tx, actor, notification_id)
    return Response(status_code=204)


async def _preferences(tx: TxDep, actor: ApiAgent) -> Preferences:
    rows = await queries.preferences_of(tx.session, actor)
    return {str(row.notification_id): row.transports for row in rows}


@router.get("/me/notification-preferences")
async def get_preferences(tx: TxDep, actor: ApiAgent) -> Preferences:
    return await _preferences(tx, actor)


@router.put("/me/notification-preferences")
async def set_preferences(tx: TxDep, actor: ApiAgent, data: Preferences) -> Preferences:
    await actions.do_set_preferences(tx, actor, data)
    return await _preferences(tx, actor)


@router.get("/tickets/{ticket_id}/watchers")
async def list_watchers(tx: TxDep, actor: ApiAgent, ticket_id: int) -> dict[str, list[int]]:
    watching = await queries.is_watching(tx.session, actor, ticket_id)  # checks read access
    del watching
    return {"agent_ids": await queries.watcher_ids(tx.session, ticket_id)}


@router.put("/tickets/{ticket_id}/watchers/me")
async def watch_ticket(tx: TxDep, actor: ApiAgent, ticket_id: int) -> WatchOut:
    await actions.do_set_watching(tx, actor, ticket_id, True)
    return WatchOut(ticket_id=ticket_id, watching=True)


@router.delete("/tickets/{ticket_id}/watchers/me")
async def unwatch_ticket(tx: TxDep, actor: ApiAgent, ticket_id: int) -> WatchOut:
    await actions.do_set_watching(tx, actor, ticket_id, False)
    return WatchOut(ticket_id=ticket_id, watching=False)


@router.get("/me/my-queues")
async def get_my_queues(tx: TxDep, actor: ApiAgent) -> MyQueuesIn:
    return MyQueuesIn(queue_ids=await queries.my_queue_ids(tx.session, actor))


@router.put("/me/my-queues")
async def set_my_queues(tx: TxDep, actor: ApiAgent, data: MyQueuesIn) -> MyQueuesIn:
    return MyQueuesIn(queue_ids=await actions.do_set_my_queues(tx, actor, data.queue_ids))
