"""The admin "Mail queue" screen: outgoing mail with its status, attempts, next try and last
error, filtered by status and sorted; retry and cancel buttons (POST with the CSRF token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.outbox import actions, queries
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    AdminVisitor,
    error_page,
    gettext_for,
    page_links,
    parse_object_id,
    refuse_non_admin,
    render_admin,
)
from frontdesk.web.pages.admin.screen_pages import list_page_size
from frontdesk.web.pages.admin_forms import admin_errors
from frontdesk.web.pages.forms import FormErrors

router = APIRouter(include_in_schema=False)

SECTION = "mail-queue"
PATH = "/admin/mail-queue"


async def _queue_page(
    request: Request,
    tx: TxDep,
    caller: AdminVisitor,
    *,
    failed: FormErrors | None = None,
) -> Response:
    params = request.query_params
    status = params.get("status") or None
    sort = params.get("sort") or "created"
    order = params.get("order") or "desc"
    try:
        limit = int(params["limit"]) if params.get("limit", "").isdigit() else None
        offset = int(params["offset"]) if params.get("offset", "").isdigit() else None
        page = await queries.list_items(
            tx.session,
            PageRequest.build(list_page_size(tx, caller, limit), offset),
            status=status,
            sort=sort,
            descending=order != "asc",
        )
    except DomainError as exc:
        return error_page(request, caller, exc, SECTION)

    def sort_link(column: str) -> str:
        next_order = "asc" if sort == column and order != "asc" else "desc"
        url = request.url.remove_query_params(["done", "offset"]).include_query_params(
            sort=column, order=next_order
        )
        return f"{url.path}?{url.query}"

    def direction(column: str) -> str | None:
        if sort != column:
            return None
        return "ascending" if order == "asc" else "descending"

    _ = gettext_for(caller)
    labels = {
        actions.QUEUED: _("queued"),
        actions.SENDING: _("sending"),
        actions.SENT: _("sent"),
        actions.FAILED: _("failed"),
        actions.CANCELLED: _("cancelled"),
    }
    context = {
        "section": SECTION,
        "page": page,
        "links": page_links(request, page),
        "status": status or "",
        "status_labels": labels,
        "status_options": list(labels.items()),
        "sort_link": sort_link,
        "direction": direction,
        "failed": failed,
    }
    code = failed.status if failed else 200
    return render_admin(request, caller, "admin/mail_queue.html", context, status_code=code)


@router.get(PATH, response_class=HTMLResponse)
async def mail_queue(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    return await _queue_page(request, tx, caller)


async def _act(
    request: Request, caller: AdminVisitor, tx: TxDep, item_id: str, what: str
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    form = await request.form()
    try:
        object_id = parse_object_id(item_id)
        if what == "retry":
            await actions.do_retry(tx, caller.actor, object_id)
        else:
            await actions.do_cancel(tx, caller.actor, object_id)
    except DomainError as exc:
        await rollback(tx.session)
        return await _queue_page(request, tx, caller, failed=admin_errors(exc))
    back = form.get("back")
    target = back if isinstance(back, str) and back.startswith(PATH) else PATH
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done=saved", status_code=303)


@router.post(PATH + "/{item_id}/retry")
async def retry(item_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    return await _act(request, caller, tx, item_id, "retry")


@router.post(PATH + "/{item_id}/cancel")
async def cancel(item_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    return await _act(request, caller, tx, item_id, "cancel")
