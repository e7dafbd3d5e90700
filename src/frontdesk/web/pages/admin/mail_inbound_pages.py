"""Admin pages of incoming mail beyond the shared screens: "Fetch now" of a mail account, and
the list of failed incoming mail (download the raw message, process it again, delete it).
Registered before the admin catch-all ``/admin/{slug}``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.accounts.settings import ADMIN_LIST_PAGE_SIZE
from frontdesk.domain.mail_inbound import actions, queries
from frontdesk.domain.mail_inbound.fetching import do_fetch_account
from frontdesk.domain.mail_inbound.ingest import Failed, Ignored
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.mail_inbound_screens import MAIL_ACCOUNT_SCREEN
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    AdminVisitor,
    error_page,
    page_links,
    parse_object_id,
    refuse_non_admin,
    render_admin,
)
from frontdesk.web.pages.admin_forms import admin_errors
from frontdesk.web.pages.forms import FormErrors

router = APIRouter(include_in_schema=False)

# --- fetch now ---------------------------------------------------------------------------------

ACCOUNTS_PATH = "/admin/mail-accounts"


async def _fetch_page(
    request: Request,
    tx: TxDep,
    caller: AdminVisitor,
    account_id: str,
    *,
    result: str | None = None,
    failed: FormErrors | None = None,
) -> Response:
    try:
        account = await queries.account_for_actor(
            tx.session, caller.actor, parse_object_id(account_id)
        )
    except DomainError as exc:
        return error_page(request, caller, exc, MAIL_ACCOUNT_SCREEN.slug)
    context = {
        "section": MAIL_ACCOUNT_SCREEN.slug,
        "account": account,
        "result": result,
        "failed": failed,
    }
    code = failed.status if failed else 200
    return render_admin(request, caller, "admin/mail_account_fetch.html", context, status_code=code)


@router.get(ACCOUNTS_PATH + "/{account_id}/fetch", response_class=HTMLResponse)
async def fetch_form(account_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    return await _fetch_page(request, tx, caller, account_id)


@router.post(ACCOUNTS_PATH + "/{account_id}/fetch", response_class=HTMLResponse)
async def fetch_now(account_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    await request.form()  # the CSRF token is checked by the caller dependency
    try:
        result = await do_fetch_account(tx, caller.actor, parse_object_id(account_id))
    except DomainError as exc:
        await rollback(tx.session)
        return await _fetch_page(request, tx, caller, account_id, failed=admin_errors(exc))
    return await _fetch_page(
        request, tx, caller, account_id, result=f"{result.fetched}/{result.failed}"
    )


# --- failed incoming mail ----------------------------------------------------------------------

FAILURES_SECTION = "mail-failures"
FAILURES_PATH = "/admin/mail-failures"


async def _failures_page(
    request: Request,
    tx: TxDep,
    caller: AdminVisitor,
    *,
    failed: FormErrors | None = None,
    outcome: str | None = None,
) -> Response:
    params = request.query_params
    try:
        limit = int(params["limit"]) if params.get("limit", "").isdigit() else None
        offset = int(params["offset"]) if params.get("offset", "").isdigit() else None
        page = await queries.failures_for_actor(
            tx.session,
            caller.actor,
            PageRequest.build(limit or int(tx.setting(ADMIN_LIST_PAGE_SIZE, caller.actor)), offset),
        )
    except DomainError as exc:
        return error_page(request, caller, exc, FAILURES_SECTION)
    context = {
        "section": FAILURES_SECTION,
        "page": page,
        "links": page_links(request, page),
        "failed": failed,
        "outcome": outcome or params.get("done"),
    }
    code = failed.status if failed else 200
    return render_admin(request, caller, "admin/mail_failures.html", context, status_code=code)


@router.get(FAILURES_PATH, response_class=HTMLResponse)
async def failures_list(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    return await _failures_page(request, tx, caller)


@router.get(FAILURES_PATH + "/{failure_id}/source")
async def failure_source(
    failure_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        failure, raw = await queries.failure_source_for_actor(
            tx.session, caller.actor, parse_object_id(failure_id)
        )
    except DomainError as exc:
        return error_page(request, caller, exc, FAILURES_SECTION)
    # Always a download, never shown inline: the bytes are whatever anybody sent.
    return Response(
        raw,
        media_type="message/rfc822",
        headers={
            "Content-Disposition": f'attachment; filename="failed-mail-{failure.id}.eml"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(FAILURES_PATH + "/{failure_id}/{what}")
async def failure_action(
    failure_id: str, what: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    await request.form()
    try:
        object_id = parse_object_id(failure_id)
        if what == "retry":
            outcome = await actions.do_retry_failure(tx, caller.actor, object_id)
        elif what == "delete":
            await actions.do_delete_failure(tx, caller.actor, object_id)
            outcome = None
        else:
            raise ValidationFailed("action", "is not retry or delete")
    except DomainError as exc:
        await rollback(tx.session)
        return await _failures_page(request, tx, caller, failed=admin_errors(exc))
    if isinstance(outcome, Failed):
        return await _failures_page(request, tx, caller, outcome="still_failing")
    done = "ignored" if isinstance(outcome, Ignored) else ("stored" if outcome else "deleted")
    return RedirectResponse(f"{FAILURES_PATH}?done={done}", status_code=303)
