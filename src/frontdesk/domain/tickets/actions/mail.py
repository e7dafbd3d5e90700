"""Tickets and follow-ups from received e-mail, written as the system."""

from __future__ import annotations

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import TicketState, TicketType
from frontdesk.domain.tickets.access import access_ticket_by_id, queue_group_id
from frontdesk.domain.tickets.actions.articles import (
    REOPEN_STATE,
    ArticleDraft,
    PreparedArticle,
    write_follow_up,
)
from frontdesk.domain.tickets.actions.creation import (
    DEFAULT_OWNER_ID,
    DEFAULT_PRIORITY,
    DEFAULT_STATE,
    TicketDraft,
    write_new_ticket,
)
from frontdesk.domain.tickets.actions.resolving import (
    PENDING_STATE_TYPES,
    resolve_priority,
    resolve_queue,
    resolve_state,
    resolve_valid,
)
from frontdesk.domain.tickets.models import Article, Ticket


async def do_create_ticket_from_mail(
    tx: Tx,
    *,
    title: str,
    queue_id: int,
    customer_user: CustomerUser | None,
    article: PreparedArticle,
    state: str | None = None,
    priority: str | None = None,
    type_id: int | None = None,
) -> Ticket:
    """A ticket opened by a received e-mail, as the system: the sender may be no customer user
    at all (then the ticket has none), and the article keeps the mail's own From."""
    session = tx.session
    queue = await resolve_queue(session, queue_id)
    ticket_state = await resolve_state(session, state or DEFAULT_STATE, None, "state")
    if ticket_state.state_type in PENDING_STATE_TYPES:  # no pending time comes with a mail
        ticket_state = await resolve_state(session, DEFAULT_STATE, None, "state")
    ticket_priority = await resolve_priority(
        session, priority or DEFAULT_PRIORITY, None, "priority"
    )
    if type_id is not None:
        await resolve_valid(session, TicketType, type_id)
    draft = TicketDraft(
        queue=queue,
        state=ticket_state,
        priority=ticket_priority,
        owner_id=DEFAULT_OWNER_ID,
        responsible_id=DEFAULT_OWNER_ID,
        customer_user=customer_user,
        pending_until=None,
        article=article,
        type_id=type_id,
    )
    return await write_new_ticket(tx, SYSTEM, title[:255] or "(no subject)", draft)


async def do_add_mail_follow_up(
    tx: Tx, ticket_id: int, article: PreparedArticle, *, reopen: bool
) -> Article:
    """A received e-mail answering a ticket, as the system; ``reopen`` opens a closed ticket
    (the queue's follow-up policy decided that before)."""
    ticket = await access_ticket_by_id(tx.session, SYSTEM, ticket_id, "rw")
    reopen_state = None
    if reopen:
        state = await tx.session.get(TicketState, ticket.state_id)
        if state is not None and state.state_type == "closed":
            reopen_state = await resolve_state(tx.session, REOPEN_STATE, None, "state")
    draft = ArticleDraft(
        ticket=ticket,
        group_id=await queue_group_id(tx.session, ticket.queue_id),
        article=article,
        reopen_state=reopen_state,
    )
    return await write_follow_up(tx, SYSTEM, draft, "FollowUp")
