"""REST routes of incoming mail, for administrators: mail accounts, postmaster filters, and
handing in one message as an MTA would.

Lists take ``?limit=&offset=&valid=`` and answer ``{"items", "total", "limit", "offset"}``.
A mail account's password is write-only: it is never part of an answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.mail_inbound import actions, queries
from frontdesk.domain.mail_inbound.fetching import do_fetch_account
from frontdesk.domain.mail_inbound.ingest import Failed, Ignored, receive_in
from frontdesk.domain.mail_inbound.schemas import (
    FetchResult,
    MailAccountCreate,
    MailAccountOut,
    MailAccountUpdate,
    PostmasterFilterCreate,
    PostmasterFilterOut,
    PostmasterFilterUpdate,
)
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["incoming mail"])

# A message handed in through the API is bounded like any request body; a mail account's own
# limit is PostMaster::MaxEmailSize.
MAX_INBOUND_BYTES = 64 * 1024 * 1024


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


@router.post("/mail/inbound", status_code=201, response_model=None)
async def receive_inbound_mail(request: Request, tx: TxDep, actor: ApiAdmin) -> Any:
    del actor
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "message/rfc822":
        raise UnsupportedMediaType("Send the message itself, as Content-Type: message/rfc822.")
    raw = await request.body()
    if not raw.strip():
        raise ValidationFailed("body", "is empty; send one RFC 822 message")
    if len(raw) > MAX_INBOUND_BYTES:
        raise ValidationFailed("body", f"is larger than {MAX_INBOUND_BYTES} bytes")
    outcome = await receive_in(tx, raw)
    if isinstance(outcome, Ignored):
        return JSONResponse({"ignored": True, "reason": outcome.reason}, status_code=200)
    if isinstance(outcome, Failed):
        # Kept for the admin under failed incoming mail; the caller learns it was not processed.
        return JSONResponse(
            {"ignored": True, "reason": "failed", "failure_id": outcome.failure_id},
            status_code=200,
        )
    return {
        "ticket_id": outcome.ticket_id,
        "article_id": outcome.article_id,
        "follow_up": outcome.follow_up,
    }


# --- mail accounts -----------------------------------------------------------------------------


@router.get("/mail-accounts")
async def list_accounts(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[MailAccountOut]:
    page = await queries.accounts_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid
    )
    return ListOut[MailAccountOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/mail-accounts", status_code=201)
async def create_account(tx: TxDep, actor: ApiAdmin, data: MailAccountCreate) -> MailAccountOut:
    return await actions.do_create_account(tx, actor, data)


@router.post("/mail-accounts/{account_id}/fetch")
async def fetch_account_now(tx: TxDep, actor: ApiAdmin, account_id: int) -> FetchResult:
    return await do_fetch_account(tx, actor, account_id)


@router.get("/mail-accounts/{account_id}")
async def get_account(tx: TxDep, actor: ApiAdmin, account_id: int) -> MailAccountOut:
    return await queries.account_for_actor(tx.session, actor, account_id)


@router.patch("/mail-accounts/{account_id}")
async def update_account(
    tx: TxDep, actor: ApiAdmin, account_id: int, data: MailAccountUpdate
) -> MailAccountOut:
    return await actions.do_update_account(tx, actor, account_id, data)


@router.delete("/mail-accounts/{account_id}", status_code=204)
async def delete_account(tx: TxDep, actor: ApiAdmin, account_id: int) -> Response:
    await actions.do_delete_account(tx, actor, account_id)
    return Response(status_code=204)


# --- postmaster filters ------------------------------------------------------------------------


@router.get("/postmaster-filters")
async def list_filters(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
) -> ListOut[PostmasterFilterOut]:
    page = await queries.filters_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid
    )
    return ListOut[PostmasterFilterOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/postmaster-filters", status_code=201)
async def create_filter(
    tx: TxDep, actor: ApiAdmin, data: PostmasterFilterCreate
) -> PostmasterFilterOut:
    return await actions.do_create_filter(tx, actor, data)


@router.get("/postmaster-filters/{filter_id}")
async def get_filter(tx: TxDep, actor: ApiAdmin, filter_id: int) -> PostmasterFilterOut:
    return await queries.filter_for_actor(tx.session, actor, filter_id)


@router.patch("/postmaster-filters/{filter_id}")
async def update_filter(
    tx: TxDep, actor: ApiAdmin, filter_id: int, data: PostmasterFilterUpdate
) -> PostmasterFilterOut:
    return await actions.do_update_filter(tx, actor, filter_id, data)


@router.delete("/postmaster-filters/{filter_id}", status_code=204)
async def delete_filter(tx: TxDep, actor: ApiAdmin, filter_id: int) -> Response:
    await actions.do_delete_filter(tx, actor, filter_id)
    return Response(status_code=204)
