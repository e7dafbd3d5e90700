"""REST routes of the chat: channels, availability, chats, messages, the event log (long-poll),
members, and turning chats into tickets. Public users authenticate with their visitor token."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from frontdesk.core.actor import Actor
from frontdesk.core.errors import AuthenticationRequired
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import commit
from frontdesk.domain.chat import actions, queries
from frontdesk.domain.chat.access import actor_for_visitor_token
from frontdesk.domain.chat.schemas import (
    MAX_ID,
    ActiveChannelsInput,
    AppendInput,
    AvailabilityInput,
    ChannelCreate,
    ChannelMove,
    ChannelOut,
    ChannelUpdate,
    ChatCreate,
    ChatOut,
    ChatToMyTicket,
    ChatToNewTicket,
    InviteInput,
    JoinInput,
    MessageInput,
    MonitorInput,
    PhoneTicketInput,
    PublicChatCreate,
)
from frontdesk.domain.tickets import queries as ticket_queries
from frontdesk.domain.tickets.schemas import ArticleOut, TicketOut
from frontdesk.web.dependencies import ApiAdmin, ApiAgent, TxDep, api_caller, client_address
from frontdesk.web.realtime.hub import hub_of

router = APIRouter(tags=["chat"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int | None, Query()]
Offset = Annotated[int | None, Query(ge=0, le=MAX_ID)]
MAX_WAIT_SECONDS = 30


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def chat_caller(request: Request, tx: TxDep) -> Actor:
    """An agent or customer (token or cookie), or a public user by their visitor token."""
    try:
        caller = await api_caller(request, tx)
    except AuthenticationRequired:
        secret = _bearer(request)
        visitor = await actor_for_visitor_token(tx.session, secret) if secret else None
        if visitor is None:
            raise
        return visitor
    return caller.actor


ChatCaller = Annotated[Actor, Depends(chat_caller)]


async def optional_chat_caller(request: Request, tx: TxDep) -> Actor:
    """Like ``chat_caller``; without credentials, a public user before their first chat."""
    try:
        return await chat_caller(request, tx)
    except AuthenticationRequired:
        if _bearer(request) is not None:
            raise
        return queries.ANONYMOUS_VISITOR


# --- channels ------------------------------------------------------------------------------------


@router.get("/chat/channels")
async def usable_channels(
    caller: Annotated[Actor, Depends(optional_chat_caller)], tx: TxDep
) -> dict[str, Any]:
    """Channels the caller may use, each with ``available`` (CH-11); without login, those
    offered to public users."""
    items = await queries.channel_choices(tx, caller)
    return {"items": [c.model_dump() for c in items], "total": len(items)}


@router.get("/chat-channels")
async def list_channels(
    admin: ApiAdmin, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> dict[str, Any]:
    page = await queries.list_channels(tx, admin, PageRequest.build(limit, offset))
    return queries.page_body(page)


@router.post("/chat-channels", status_code=201, response_model=ChannelOut)
async def create_channel(data: ChannelCreate, admin: ApiAdmin, tx: TxDep) -> ChannelOut:
    return queries.channel_out(tx, await actions.do_create_channel(tx, admin, data))


@router.get("/chat-channels/{channel_id}", response_model=ChannelOut)
async def get_channel(channel_id: Id, admin: ApiAdmin, tx: TxDep) -> ChannelOut:
    return queries.channel_out(tx, await actions.access_channel_for_admin(tx, admin, channel_id))


@router.patch("/chat-channels/{channel_id}", response_model=ChannelOut)
async def update_channel(
    channel_id: Id, data: ChannelUpdate, admin: ApiAdmin, tx: TxDep
) -> ChannelOut:
    return queries.channel_out(tx, await actions.do_update_channel(tx, admin, channel_id, data))


@router.delete("/chat-channels/{channel_id}", status_code=204)
async def delete_channel(channel_id: Id, admin: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_channel(tx, admin, channel_id)
    return Response(status_code=204)


# --- the agent's own chat state ------------------------------------------------------------------


@router.put("/me/chat-availability")
async def set_availability(data: AvailabilityInput, agent: ApiAgent, tx: TxDep) -> dict[str, str]:
    """CH-10: unavailable, internal or external."""
    return {"availability": await actions.do_set_availability(tx, agent, data)}


@router.put("/me/chat-channels")
async def set_active_channels(
    data: ActiveChannelsInput, agent: ApiAgent, tx: TxDep
) -> dict[str, list[int]]:
    """CH-9: the channels the agent is active in."""
    return {"channel_ids": await actions.do_set_active_channels(tx, agent, data)}


# --- chats ---------------------------------------------------------------------------------------


@router.post("/public/chats", status_code=201)
async def create_public_chat(data: PublicChatCreate, request: Request, tx: TxDep) -> dict[str, Any]:
    """CH-16: no login; the answer's ``visitor_token`` authorises this visitor's further calls."""
    chat, secret = await actions.do_create_public_chat(
        tx, data, client_address(request), _bearer(request)
    )
    out = await queries.public_chat_out(tx, chat)
    return {"chat": out.model_dump(), "visitor_token": secret}


@router.post("/chats", status_code=201, response_model=ChatOut)
async def create_chat(data: ChatCreate, caller: ChatCaller, tx: TxDep) -> ChatOut:
    chat = await actions.do_create_chat(tx, caller, data)
    return await queries.get_chat(tx, caller, chat.id)


@router.get("/chats")
async def list_chats(
    caller: ChatCaller,
    tx: TxDep,
    status: Literal["request", "active", "closed"] | None = None,
    limit: Limit = None,
    offset: Offset = None,
) -> dict[str, Any]:
    page = await queries.list_chats(tx, caller, status, PageRequest.build(limit, offset))
    return queries.page_body(page)


@router.get("/chats/{chat_id}", response_model=ChatOut)
async def get_chat(chat_id: Id, caller: ChatCaller, tx: TxDep) -> ChatOut:
    return await queries.get_chat(tx, caller, chat_id)


@router.post("/chats/{chat_id}/accept", response_model=ChatOut)
async def accept_chat(chat_id: Id, caller: ChatCaller, tx: TxDep) -> ChatOut:
    await actions.do_accept_chat(tx, caller, chat_id)
    return await queries.get_chat(tx, caller, chat_id)


@router.post("/chats/{chat_id}/messages", status_code=201)
async def send_message(
    chat_id: Id, data: MessageInput, caller: ChatCaller, tx: TxDep
) -> dict[str, Any]:
    """The same ``client_message_id`` again answers the stored message (stored once)."""
    sent = await actions.do_send_message(tx, caller, chat_id, data)
    return queries.sent_message_out(caller, sent)


@router.get("/chats/{chat_id}/events")
async def chat_events(
    chat_id: Id,
    caller: ChatCaller,
    tx: TxDep,
    request: Request,
    after_seq: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
    limit: Annotated[int, Query(ge=1, le=queries.EVENT_PAGE)] = queries.EVENT_PAGE,
) -> dict[str, Any]:
    """At most ``limit`` stored events after ``after_seq``; with ``wait`` the answer waits up
    to that many seconds for the next one (long-poll). ``last_seq`` is where the next call
    continues."""
    hub = hub_of(request.app.state.frontdesk)
    waiter = hub.prepare_wait(chat_id) if wait > 0 else None
    batch = await queries.chat_events(tx, caller, chat_id, after_seq, limit)
    if not batch.events and waiter is not None:
        # Give the connection back while waiting: a long-poll must not hold a transaction.
        await commit(tx.session)
        await hub.wait(waiter, wait)
        batch = await queries.chat_events(tx, caller, chat_id, after_seq, limit)
    return {
        "items": [e.model_dump() for e in batch.events],
        "total": len(batch.events),
        "last_seq": batch.covered_through,
    }


@router.post("/chats/{chat_id}/close", response_model=ChatOut)
async def close_chat(chat_id: Id, caller: ChatCaller, tx: TxDep) -> ChatOut:
    await actions.do_close_chat(tx, caller, chat_id)
    return await queries.get_chat(tx, caller, chat_id)


@router.post("/chats/{chat_id}/channel", response_model=ChatOut)
async def change_channel(chat_id: Id, data: ChannelMove, caller: ChatCaller, tx: TxDep) -> ChatOut:
    await actions.do_change_channel(tx, caller, chat_id, data)
    return await queries.get_chat(tx, caller, chat_id)


@router.post("/chats/{chat_id}/invite", status_code=201, response_model=ChatOut)
async def invite(chat_id: Id, data: InviteInput, caller: ChatCaller, tx: TxDep) -> ChatOut:
    """CH-28: answers the internal chat opened with the invitee."""
    internal = await actions.do_invite(tx, caller, chat_id, data)
    return await queries.get_chat(tx, caller, internal.id)


@router.post("/chats/{chat_id}/join", response_model=ChatOut)
async def join(chat_id: Id, data: JoinInput, caller: ChatCaller, tx: TxDep) -> ChatOut:
    await actions.do_join(tx, caller, chat_id, data)
    return await queries.get_chat(tx, caller, chat_id)


@router.put("/chats/{chat_id}/monitor")
async def set_monitor(
    chat_id: Id, data: MonitorInput, caller: ChatCaller, tx: TxDep
) -> dict[str, str]:
    return {"level": await actions.do_set_monitor(tx, caller, chat_id, data)}


@router.post("/chats/{chat_id}/phone-ticket", status_code=201, response_model=TicketOut)
async def phone_ticket(
    chat_id: Id, data: PhoneTicketInput, caller: ChatCaller, tx: TxDep
) -> TicketOut:
    ticket = await actions.do_create_phone_ticket(tx, caller, chat_id, data)
    return await ticket_queries.ticket_out(tx.session, ticket, customer_view=caller.is_customer)


@router.post("/chats/{chat_id}/append", status_code=201, response_model=ArticleOut)
async def append_to_ticket(
    chat_id: Id, data: AppendInput, caller: ChatCaller, tx: TxDep
) -> ArticleOut:
    article = await actions.do_append_to_ticket(tx, caller, chat_id, data)
    return await ticket_queries.article_out(tx.session, article, customer_view=caller.is_customer)


@router.post("/chats/{chat_id}/to-ticket", status_code=201, response_model=TicketOut)
async def chat_to_new_ticket(
    chat_id: Id, data: ChatToNewTicket, caller: ChatCaller, tx: TxDep
) -> TicketOut:
    """CH-37: the customer's unanswered request becomes a new ticket; the chat closes."""
    ticket = await actions.do_chat_to_new_ticket(tx, caller, chat_id, data)
    return await ticket_queries.ticket_out(tx.session, ticket, customer_view=caller.is_customer)


@router.post("/chats/{chat_id}/to-my-ticket", status_code=201, response_model=ArticleOut)
async def chat_to_my_ticket(
    chat_id: Id, data: ChatToMyTicket, caller: ChatCaller, tx: TxDep
) -> ArticleOut:
    """CH-37: the customer's unanswered request is added to one of their tickets."""
    article = await actions.do_chat_to_my_ticket(tx, caller, chat_id, data)
    return await ticket_queries.article_out(tx.session, article, customer_view=caller.is_customer)


@router.get("/chats/{chat_id}/transcript.pdf")
async def transcript_pdf(chat_id: Id, caller: ChatCaller, tx: TxDep) -> Response:
    """The chat as the caller sees it, as a PDF (CH-31, CH-35, CH-38)."""
    content = await queries.transcript_pdf(tx, caller, chat_id)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="chat-{chat_id}.pdf"'},
    )
