"""The queue view: one queue or all, sorted and filtered by what the URL says."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
)
from frontdesk.domain.tickets.settings import (
    QUEUE_VIEW_PAGE_SIZE,
)
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.bulk import bulk_bar
from frontdesk.web.pages.agent.common import agent_error_page, agent_page, gettext_for

router = APIRouter(include_in_schema=False)

# --- queue view -------------------------------------------------------------------------------


LIST_STATE_GROUPS = ("open", "new", "pending", "closed", "all")


def _whole_number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


def _list_view(
    params: dict[str, str],
    caller: Caller,
    state_names: list[str],
    priority_ids: set[int],
) -> tuple[queries.TicketListView, list[str]]:
    """The queue view's sort and filters from the URL; a bad value is dropped with a message."""
    _ = gettext_for(caller)
    problems: list[str] = []
    view: dict[str, Any] = {}
    sort = params.get("sort", "")
    if sort in queries.TICKET_SORT_COLUMNS:
        view["sort"] = sort
    elif sort:
        problems.append(_("Unknown sort column; sorted by age."))
    order = params.get("order", "")
    if order in ("asc", "desc"):
        view["descending"] = order == "desc"
    elif order:
        problems.append(_("The order must be asc or desc; sorted ascending."))
    state = params.get("state", "")
    if state in LIST_STATE_GROUPS or state in state_names:
        view["state"] = state
    elif state:
        problems.append(_("Unknown state; showing open tickets."))
    priority = params.get("priority", "")
    priority_id = _whole_number(priority, 1, MAX_ID)
    if priority_id in priority_ids:
        view["priority_id"] = priority_id
    elif priority:
        problems.append(_("Unknown priority; showing every priority."))
    owner = params.get("owner", "")
    if owner == "me":
        view["owner_id"] = caller.actor.id
    elif owner == "unassigned":
        view["owner_id"] = queries.UNASSIGNED_OWNER_ID
    elif (owner_id := _whole_number(owner, 1, MAX_ID)) is not None:
        view["owner_id"] = owner_id
    elif owner:
        problems.append(_("The owner must be me, unassigned or an agent id; showing every owner."))
    lock = params.get("lock", "")
    if lock in ("locked", "unlocked"):
        view["locked"] = lock == "locked"
    elif lock:
        problems.append(_("The lock must be locked or unlocked; showing both."))
    age = params.get("age", "")
    hours = _whole_number(age, 0, queries.MAX_AGE_HOURS)
    if hours is not None:
        view["older_than_hours"] = hours
    elif age:
        problems.append(_("The age must be a whole number of hours; showing every age."))
    return queries.TicketListView(**view), problems


def _sort_links(request: Request, view: queries.TicketListView) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the order when it is the
    current column, back to the first page) and its aria-sort value."""
    links: dict[str, dict[str, str]] = {}
    for column in queries.TICKET_SORT_COLUMNS:
        current = view.sort == column
        order = "asc" if current and view.descending else ("desc" if current else "asc")
        url = request.url.remove_query_params("offset").include_query_params(
            sort=column, order=order
        )
        aria = ("descending" if view.descending else "ascending") if current else ""
        links[column] = {"href": f"{url.path}?{url.query}", "aria_sort": aria}
    return links


@router.get("/agent/queues", response_class=HTMLResponse)
async def queue_view(
    request: Request,
    caller: AgentPage,
    tx: TxDep,
    queue_id: int | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> HTMLResponse:
    params = {
        name: request.query_params.get(name, "")
        for name in ("sort", "order", "state", "priority", "owner", "lock", "age")
    }
    try:
        page_size = limit if limit is not None else tx.setting(QUEUE_VIEW_PAGE_SIZE, caller.actor)
        page_request = PageRequest.build(page_size, offset)
        queues = await queries.queue_overview(tx.session, caller.actor)
        state_names, priorities = await queries.ticket_list_choices(tx.session)
        view, problems = _list_view(params, caller, state_names, {p.id for p in priorities})
        page = await queries.queue_tickets(
            tx.session, caller.actor, queue_id, page_request, view=view
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    current = next((q for q in queues if q.id == queue_id), None)
    context = {
        "nav": "queues",
        "queues": queues,
        "queue_id": queue_id,
        "current": current,
        "list_view": view,
        "list_params": params,
        "list_problems": problems,
        "list_states": state_names,
        "list_state_groups": LIST_STATE_GROUPS,
        "list_priorities": priorities,
        "sort_links": _sort_links(request, view),
        **await bulk_bar(request, tx, caller),
    }
    return await agent_page(request, tx, caller, "agent/queues.html", {**context, "page": page})
