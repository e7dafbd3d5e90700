"""REST routes of tickets: create, read, change, search, articles, attachments (one, all, as
a ZIP archive), history and the timeline."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.dynamic_fields.values import criteria_from_params
from frontdesk.domain.email.access import access_mail_source
from frontdesk.domain.email.actions import do_send_email_article
from frontdesk.domain.email.schemas import EmailArticleCreate
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.attachment_overview import (
    attachment_overview,
    build_attachment_archive,
)
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
    ArticleOut,
    AttachmentArchiveRequest,
    HistoryOut,
    TicketCreate,
    TicketOut,
    TicketSearch,
    TicketUpdate,
)
from frontdesk.domain.tickets.settings import MAX_ARCHIVE_BYTES, TIMELINE_FILTER_DEFAULT
from frontdesk.domain.tickets.timeline import ticket_timeline as ticket_timeline_of
from frontdesk.web.dependencies import ApiCaller, TxDep

router = APIRouter(tags=["tickets"])

Limit = Annotated[int | None, Query()]
Offset = Annotated[int | None, Query(ge=0, le=MAX_ID)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]

# Types a browser might execute or render as a document: always downloaded as opaque bytes.
ACTIVE_CONTENT_MARKERS = ("html", "xml", "svg", "javascript", "ecmascript", "xsl")


def _listing(items: list[Any], total: int) -> dict[str, Any]:
    return {"items": items, "total": total}


@router.post("/tickets", status_code=201, response_model=TicketOut)
async def create_ticket(data: TicketCreate, caller: ApiCaller, tx: TxDep) -> TicketOut:
    """Create a ticket with its first article. A customer token creates it for itself."""
    ticket = await actions.do_create_ticket(tx, caller.actor, data)
    return await queries.ticket_out(tx.session, ticket, customer_view=caller.actor.is_customer)


@router.get("/tickets")
async def search_tickets(
    request: Request,
    caller: ApiCaller,
    tx: TxDep,
    query: Annotated[str | None, Query(max_length=200)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    queue_id: IdFilter = None,
    customer_user: Annotated[str | None, Query(max_length=200)] = None,
    customer_id: Annotated[str | None, Query(max_length=150)] = None,
    owner_id: IdFilter = None,
    locked: bool | None = None,
    escalated: bool | None = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Tickets the caller may see, newest first; ``query`` searches titles and article text;
    ``escalated=true`` keeps the escalated ones, earliest escalation first; ``df.<Name>=``
    (``*`` a wildcard) and ``df.<Name>.from=``/``.to=`` narrow by dynamic fields."""
    criteria = TicketSearch(
        query=query,
        state=state,
        queue_id=queue_id,
        customer_user=customer_user,
        customer_id=customer_id,
        owner_id=owner_id,
        locked=locked,
        escalated=escalated,
        dynamic_fields=criteria_from_params(request.query_params.multi_items()),
    )
    page = await queries.search_tickets(
        tx.session, caller.actor, criteria, PageRequest.build(limit, offset)
    )
    return _listing([t.model_dump() for t in page.items], page.total)


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
async def get_ticket(ticket_id: Id, caller: ApiCaller, tx: TxDep) -> TicketOut:
    ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
    return await queries.ticket_out(tx.session, ticket, customer_view=caller.actor.is_customer)


@router.patch("/tickets/{ticket_id}", response_model=TicketOut)
async def update_ticket(
    ticket_id: Id, data: TicketUpdate, caller: ApiCaller, tx: TxDep
) -> TicketOut:
    """Change the fields present in the body; each needs its permission. All or nothing."""
    ticket = await actions.do_update_ticket(tx, caller.actor, ticket_id, data)
    return await queries.ticket_out(tx.session, ticket, customer_view=caller.actor.is_customer)


@router.get("/tickets/{ticket_id}/articles")
async def list_articles(
    ticket_id: Id, caller: ApiCaller, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> dict[str, Any]:
    """Articles oldest first; customers see only those visible to them."""
    page = PageRequest.build(limit, offset)
    ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
    articles = await queries.list_articles(tx.session, caller.actor, ticket)
    chosen = articles[page.offset : page.offset + page.limit]
    return _listing([a.model_dump() for a in chosen], len(articles))


@router.post("/tickets/{ticket_id}/articles", status_code=201, response_model=ArticleOut)
async def add_article(
    ticket_id: Id, data: EmailArticleCreate, caller: ApiCaller, tx: TxDep
) -> ArticleOut:
    """Add an article. With ``channel`` "email" and ``to`` it is also sent as e-mail (``cc``,
    ``bcc``, the answered article and the next state optional); otherwise only recorded."""
    if data.channel == "email" and data.to is not None:
        sent = await do_send_email_article(tx, caller.actor, ticket_id, data)
        return await queries.article_out(
            tx.session, sent.article, customer_view=caller.actor.is_customer
        )
    article = await actions.do_add_article(tx, caller.actor, ticket_id, data)
    return await queries.article_out(tx.session, article, customer_view=caller.actor.is_customer)


@router.get(
    "/tickets/{ticket_id}/articles/{article_id}/source",
    response_class=Response,
    responses={200: {"content": {"message/rfc822": {}}}},
)
async def article_source(ticket_id: Id, article_id: Id, caller: ApiCaller, tx: TxDep) -> Response:
    """The e-mail article's message exactly as received or sent (404 for other articles)."""
    mail = await access_mail_source(tx.session, caller.actor, ticket_id, article_id)
    return Response(
        content=mail.raw,
        headers={
            "Content-Type": "message/rfc822",
            "Content-Disposition": _content_disposition(f"article-{article_id}.eml"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/tickets/{ticket_id}/history")
async def ticket_history(
    ticket_id: Id, caller: ApiCaller, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> dict[str, Any]:
    """History entries, oldest first. Agents only: it names internal steps."""
    page = PageRequest.build(limit, offset)
    ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
    entries: list[HistoryOut] = await queries.agent_ticket_history(tx.session, caller.actor, ticket)
    chosen = entries[page.offset : page.offset + page.limit]
    return _listing([e.model_dump() for e in chosen], len(entries))


@router.get("/tickets/{ticket_id}/attachments")
async def list_attachments(
    ticket_id: Id, caller: ApiCaller, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> dict[str, Any]:
    """The attachment overview: every attachment of every article the caller may read, in
    article order, each with its file kind and its article's number, sender and time."""
    page = PageRequest.build(limit, offset)
    overview = await attachment_overview(tx.session, caller.actor, ticket_id)
    chosen = overview.rows[page.offset : page.offset + page.limit]
    return _listing([row.listed() for row in chosen], len(overview.rows))


@router.get("/tickets/{ticket_id}/timeline")
async def ticket_timeline(
    ticket_id: Id,
    caller: ApiCaller,
    tx: TxDep,
    types: Annotated[list[str] | None, Query()] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    """Every history event and article on one time line, newest group first (agents only).

    ``types`` (repeated or comma separated; empty: all) filters by event type, without it the
    agent's saved default applies; "NewTicket" is always shown. Unknown types are ignored and
    listed in ``ignored_types``.
    """
    page = PageRequest.build(limit, offset)
    timeline = await ticket_timeline_of(
        tx.session,
        caller.actor,
        ticket_id,
        types,
        tx.setting(TIMELINE_FILTER_DEFAULT, caller.actor),
        window=(page.offset, page.limit),
    )
    return {
        **_listing([item.model_dump() for item in timeline.items], timeline.total),
        "applied_types": timeline.applied_types,
        "ignored_types": timeline.ignored_types,
    }


@router.post(
    "/tickets/{ticket_id}/attachments/archive",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
async def download_attachment_archive(
    ticket_id: Id, data: AttachmentArchiveRequest, caller: ApiCaller, tx: TxDep
) -> Response:
    """The chosen attachments of this ticket as one ZIP; all must belong to it, else none."""
    archive = await build_attachment_archive(
        tx.session, caller.actor, ticket_id, data.attachment_ids, tx.setting(MAX_ARCHIVE_BYTES)
    )
    return Response(
        content=archive.content,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": _content_disposition(archive.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 5987/6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _served_content_type(stored: str) -> str:
    if any(marker in stored for marker in ACTIVE_CONTENT_MARKERS):
        return "application/octet-stream"
    return stored


@router.get(
    "/tickets/{ticket_id}/articles/{article_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_attachment(
    ticket_id: Id, article_id: Id, attachment_id: Id, caller: ApiCaller, tx: TxDep
) -> Response:
    """The file's bytes. Always a download, never rendered: active types go out as opaque."""
    attachment = await queries.get_attachment(
        tx.session, caller.actor, ticket_id, article_id, attachment_id
    )
    return Response(
        content=attachment.content,
        headers={
            # Set as a header, not media_type: Starlette would append a charset we do not know.
            "Content-Type": _served_content_type(attachment.content_type),
            "Content-Disposition": _content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
