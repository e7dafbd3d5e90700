"""The customer information center and whether a ticket's customer is online."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.pagination import PageRequest
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.models import CustomerCompany, CustomerUser
from frontdesk.domain.accounts.queries import customer_user_online
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.tickets.errors import CustomerUserNotFound
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.queries.listing import TicketListView, require_agent, search_tickets
from frontdesk.domain.tickets.schemas import CustomerInfo, TicketSearch

CUSTOMER_INFO_TICKETS = 50


async def customer_info(
    session: AsyncSession,
    actor: Actor,
    customer_login: str,
    *,
    online_minutes: int = ONLINE_MINUTES.default,
    view: TicketListView | None = None,
    page: PageRequest | None = None,
) -> CustomerInfo:
    """The customer information center: details, company, whether the customer is online, and
    tickets the agent may see (every state, newest first, unless ``view`` says otherwise).
    Pass ``tx.setting(ONLINE_MINUTES)`` as ``online_minutes``."""
    require_agent(actor)
    if "\x00" in customer_login:  # no login holds one, and PostgreSQL refuses it as a value
        raise CustomerUserNotFound()
    user = await session.scalar(
        select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, customer_login))
    )
    if user is None:
        raise CustomerUserNotFound()
    company = (
        await session.scalar(
            select(CustomerCompany.name).where(CustomerCompany.customer_id == user.customer_id)
        )
        if user.customer_id
        else None
    )
    every = await search_tickets(
        session, actor, TicketSearch(customer_user=user.login), PageRequest(limit=1)
    )
    state = view.state if view is not None else "all"
    shown = await search_tickets(
        session,
        actor,
        TicketSearch(customer_user=user.login, state=None if state == "all" else state),
        page or PageRequest(limit=CUSTOMER_INFO_TICKETS),
        view=view,
    )
    open_page = await search_tickets(
        session, actor, TicketSearch(customer_user=user.login, state="open"), PageRequest(limit=1)
    )
    return CustomerInfo(
        login=user.login,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        phone=user.phone,
        mobile=user.mobile,
        customer_id=user.customer_id,
        company=company,
        online=await customer_user_online(
            session, user.id, utcnow() - timedelta(minutes=online_minutes)
        ),
        tickets=shown.items,
        ticket_total=every.total,
        open_ticket_count=open_page.total,
        matching_total=shown.total,
        ticket_limit=shown.limit,
        ticket_offset=shown.offset,
    )


async def ticket_customer_online(
    session: AsyncSession, ticket: Ticket, *, online_minutes: int = ONLINE_MINUTES.default
) -> bool:
    """Whether the ticket's customer user is online now (CH-14: only then a chat is offered)."""
    if ticket.customer_user_id is None:
        return False
    since = utcnow() - timedelta(minutes=online_minutes)
    return await customer_user_online(session, ticket.customer_user_id, since)
