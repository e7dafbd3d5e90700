"""Ticket lists: search, the queue view and its overview, the dashboard, the customer's list;
how they narrow, sort and page.

Every list is filtered with ``access.visible_tickets_filter`` so a list never shows a ticket that
``access_ticket_by_id`` would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import product
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.accounts.queries import online_agents, online_customer_users
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.dynamic_fields.values import matching_objects
from frontdesk.domain.ticket_catalogue.models import Priority, Queue, TicketState
from frontdesk.domain.tickets.access import visible_tickets_filter
from frontdesk.domain.tickets.errors import QueueNotFound
from frontdesk.domain.tickets.models import Ticket, TicketStateCount
from frontdesk.domain.tickets.queries.output import Owner, tickets_out
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
    Dashboard,
    OnlineAgent,
    OnlineCustomer,
    QueueSummary,
    TicketOut,
    TicketSearch,
)
from frontdesk.domain.tickets.search import ticket_matches_filter

# State types of tickets that still need work (OTRS "Viewable" state types).
OPEN_STATE_TYPES = ("new", "open", "pending reminder", "pending auto")
CLOSED_STATE_TYPES = ("closed",)
STATE_GROUPS = {
    "open": OPEN_STATE_TYPES,
    "closed": CLOSED_STATE_TYPES,
    "new": ("new",),
    "pending": ("pending reminder", "pending auto"),
}
DASHBOARD_LIMIT = 10
# A page of a queue view is merged from one index read per (queue, state) when there are at
# most this many pairs and the page ends within the first MERGE_MAX_DEPTH tickets of each.
MERGE_MAX_BRANCHES = 64
MERGE_MAX_DEPTH = 2000


# Tickets nobody took are owned by the first agent (actions.DEFAULT_OWNER_ID, OTRS's root).
UNASSIGNED_OWNER_ID = 1
# The columns a ticket list sorts by, as the URL names them; "age" is the creation time.
TICKET_SORT_COLUMNS = ("number", "title", "customer", "state", "priority", "owner", "lock", "age")
MAX_AGE_HOURS = 24 * 365 * 100


@dataclass(frozen=True, slots=True)
class TicketListView:
    """How a ticket list is narrowed and ordered (the queue view's URL parameters).

    ``state`` is a state group (open, new, pending, closed), "all", or a state name;
    ``older_than_hours`` keeps tickets created at least that many hours ago. The default is the
    OTRS queue view: open tickets, oldest first.
    """

    state: str = "open"
    priority_id: int | None = None
    owner_id: int | None = None
    locked: bool | None = None
    older_than_hours: int | None = None
    sort: str = "age"
    descending: bool = False

    @property
    def is_default_order(self) -> bool:
        return self.sort == "age" and not self.descending

    @property
    def narrows_beyond_state(self) -> bool:
        return (
            self.priority_id is not None
            or self.owner_id is not None
            or self.locked is not None
            or self.older_than_hours is not None
        )


async def _page_of_tickets(
    session: AsyncSession, query: Select[int], page: PageRequest, *, customer_view: bool = False
) -> Page[TicketOut]:
    """Run an id query (already filtered and ordered) as one page of tickets."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    ids = list(await session.scalars(query.limit(page.limit).offset(page.offset)))
    return Page(
        items=await tickets_out(session, ids, customer_view=customer_view),
        total=total or 0,
        limit=page.limit,
        offset=page.offset,
    )


def _state_filter(state: str) -> Select[int]:
    types = STATE_GROUPS.get(state)
    if types is not None:
        return select(TicketState.id).where(TicketState.state_type.in_(types))
    return select(TicketState.id).where(TicketState.name == state)


async def _state_ids(session: AsyncSession, state: str | None) -> list[int]:
    """The ids of the states ``state`` names (a group, a state name, or None: every state)."""
    query = select(TicketState.id) if state is None else _state_filter(state)
    return list(await session.scalars(query.order_by(TicketState.id)))


async def _counted_tickets(
    session: AsyncSession, queue_ids: Sequence[int], state_ids: Sequence[int]
) -> int:
    """How many tickets are in these queues and states, from the counts the triggers keep."""
    if not queue_ids or not state_ids:
        return 0
    total = await session.scalar(
        select(func.sum(TicketStateCount.ticket_count)).where(
            TicketStateCount.queue_id.in_(queue_ids), TicketStateCount.state_id.in_(state_ids)
        )
    )
    return int(total or 0)


async def _page_by_age(
    session: AsyncSession,
    queue_ids: Sequence[int],
    state_ids: Sequence[int],
    page: PageRequest,
    *,
    newest_first: bool,
) -> Page[TicketOut]:
    """One page of the tickets in these queues and states, by age, with the exact total.

    ``state_id IN (…) ORDER BY created_at`` makes the database read every matching ticket and
    sort them (160 ms for the open tickets of a queue at 1,000,000 tickets on PostgreSQL). Each
    (queue, state) is instead read in age order from ``ix_ticket_queue_state_created``, at most
    ``offset + limit`` rows, and the reads are merged (PostgreSQL: Merge Append, under 1 ms). The
    total comes from ``ticket_state_count``.
    """
    total = await _counted_tickets(session, queue_ids, state_ids)
    pairs = list(product(queue_ids, state_ids))
    depth = page.offset + page.limit
    if not pairs or total == 0:
        ids: list[int] = []
    elif len(pairs) > MERGE_MAX_BRANCHES or depth > MERGE_MAX_DEPTH:
        order = (
            (Ticket.created_at.desc(), Ticket.id.desc())
            if newest_first
            else (
                Ticket.created_at,
                Ticket.id,
            )
        )
        query = (
            select(Ticket.id)
            .where(Ticket.queue_id.in_(queue_ids), Ticket.state_id.in_(state_ids))
            .order_by(*order)
        )
        ids = list(await session.scalars(query.limit(page.limit).offset(page.offset)))
    else:
        branches = []
        for queue_id, state_id in pairs:
            branch = select(Ticket.id, Ticket.created_at).where(
                Ticket.queue_id == queue_id, Ticket.state_id == state_id
            )
            if newest_first:
                branch = branch.order_by(Ticket.created_at.desc(), Ticket.id.desc())
            else:
                branch = branch.order_by(Ticket.created_at, Ticket.id)
            read = branch.limit(depth).subquery()
            branches.append(select(read.c.id, read.c.created_at))
        merged = union_all(*branches).subquery()
        by_age = (
            (merged.c.created_at.desc(), merged.c.id.desc())
            if newest_first
            else (merged.c.created_at, merged.c.id)
        )
        ids = list(
            await session.scalars(
                select(merged.c.id).order_by(*by_age).limit(page.limit).offset(page.offset)
            )
        )
    return Page(
        items=await tickets_out(session, ids), total=total, limit=page.limit, offset=page.offset
    )


async def _readable_queue(session: AsyncSession, actor: Actor, queue_id: int) -> bool:
    """Whether the actor sees every ticket of this queue (an agent with ro, or the system)."""
    if actor.kind == "system":
        return True
    if not actor.is_agent:
        return False
    group_id = await session.scalar(select(Queue.group_id).where(Queue.id == queue_id))
    return group_id is not None and group_id in actor.groups_with("ro")


async def search_tickets(
    session: AsyncSession,
    actor: Actor,
    criteria: TicketSearch,
    page: PageRequest,
    *,
    view: TicketListView | None = None,
) -> Page[TicketOut]:
    """Tickets the actor may see that match every given criterion, newest first; ``view``
    (its state aside: ``criteria.state`` says which) narrows further and sorts otherwise."""
    # PostgreSQL text cannot hold NUL: no stored value contains one, so drop it from the criteria.
    criteria = criteria.model_copy(
        update={
            name: value.replace("\x00", "")
            for name in ("query", "state", "customer_user", "customer_id")
            if isinstance(value := getattr(criteria, name), str)
        }
    )
    if criteria.state and criteria.state not in STATE_GROUPS:
        known = await session.scalar(
            select(TicketState.id).where(TicketState.name == criteria.state)
        )
        if known is None:
            raise ValidationFailed("state", "is neither a state name nor open/closed")
    only_queue_and_state = criteria.model_dump(exclude_none=True).keys() <= {"queue_id", "state"}
    if (
        only_queue_and_state
        and view is None
        and criteria.queue_id is not None
        and await _readable_queue(session, actor, criteria.queue_id)
    ):
        # The API's queue view: the actor sees every ticket of the queue, so visibility needs
        # no per-ticket check (owner, responsible) and the page merges per-state index reads.
        return await _page_by_age(
            session,
            [criteria.queue_id],
            await _state_ids(session, criteria.state or None),
            page,
            newest_first=True,
        )
    query = select(Ticket.id).where(visible_tickets_filter(actor))
    if criteria.query:
        matches = ticket_matches_filter(
            session, criteria.query, customer_visible_only=actor.is_customer
        )
        # A ticket number typed into the search box finds that ticket.
        number = criteria.query.strip()
        by_number = Ticket.number == number if number.isdigit() else None
        conditions = [c for c in (matches, by_number) if c is not None]
        if conditions:
            query = query.where(or_(*conditions))
    if criteria.state:
        query = query.where(Ticket.state_id.in_(_state_filter(criteria.state)))
    if criteria.queue_id is not None:
        query = query.where(Ticket.queue_id == criteria.queue_id)
    query = narrowed_by_owner_and_lock(query, criteria.owner_id, criteria.locked)
    if criteria.customer_user:
        query = query.where(
            Ticket.customer_user_id.in_(
                select(CustomerUser.id).where(
                    equals_ignoring_case(CustomerUser.login, criteria.customer_user.strip())
                )
            )
        )
    if criteria.customer_id:
        query = query.where(Ticket.customer_id == criteria.customer_id)
    if criteria.escalated is not None:
        query = query.where(escalated_filter(utcnow(), escalated=criteria.escalated))
    for criterion in criteria.dynamic_fields or ():
        matching = await matching_objects(session, "ticket", criterion, customer=actor.is_customer)
        query = query.where(Ticket.id.in_(matching))
    if view is not None:
        query = narrowed_and_sorted(query, view)
    elif criteria.escalated:
        query = query.order_by(Ticket.escalation_at, Ticket.id)
    else:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return await _page_of_tickets(session, query, page, customer_view=actor.is_customer)


def escalated_filter(now: datetime, *, escalated: bool = True) -> ColumnElement[bool]:
    """Tickets past one of their escalation times at ``now`` (or, with False, none of those)."""
    if escalated:
        return Ticket.escalation_at <= now
    return or_(Ticket.escalation_at.is_(None), Ticket.escalation_at > now)


def narrowed_by_owner_and_lock(
    query: Select[int], owner_id: int | None, locked: bool | None
) -> Select[int]:
    """The ticket id query kept to one owner and one lock state (None: any), for every list."""
    if owner_id is not None:
        query = query.where(Ticket.owner_id == owner_id)
    if locked is not None:
        query = query.where(Ticket.lock_state == ("lock" if locked else "unlock"))
    return query


def _sort_keys(sort: str, descending: bool) -> list[UnaryExpression[Any]]:
    """ORDER BY terms for a ticket list sorted by one of TICKET_SORT_COLUMNS, ties by age."""
    keys: dict[str, ColumnElement[Any] | InstrumentedAttribute[Any]] = {
        "number": Ticket.number,
        "title": Ticket.title,
        "customer": func.coalesce(CustomerUser.login, ""),
        "state": TicketState.name,
        "priority": Priority.name,
        "owner": Owner.login,
        "lock": Ticket.lock_state,
        "age": Ticket.created_at,
    }
    if sort not in keys:
        raise ValidationFailed("sort", f"must be one of {', '.join(TICKET_SORT_COLUMNS)}")
    terms = [keys[sort], Ticket.created_at, Ticket.id]
    return [term.desc() if descending else term.asc() for term in terms]


def narrowed_and_sorted(query: Select[int], view: TicketListView) -> Select[int]:
    """The ticket id query narrowed by ``view``'s priority, owner, lock and age (not its state:
    each list applies its own) and ordered by its sort column."""
    if view.priority_id is not None:
        query = query.where(Ticket.priority_id == view.priority_id)
    query = narrowed_by_owner_and_lock(query, view.owner_id, view.locked)
    if view.older_than_hours is not None:
        query = query.where(Ticket.created_at <= utcnow() - timedelta(hours=view.older_than_hours))
    if view.sort == "customer":
        query = query.outerjoin(CustomerUser, CustomerUser.id == Ticket.customer_user_id)
    elif view.sort == "state":
        query = query.join(TicketState, TicketState.id == Ticket.state_id)
    elif view.sort == "priority":
        query = query.join(Priority, Priority.id == Ticket.priority_id)
    elif view.sort == "owner":
        query = query.join(Owner, Owner.id == Ticket.owner_id)
    return query.order_by(*_sort_keys(view.sort, view.descending))


async def _sorted_list_page(
    session: AsyncSession,
    queue_ids: Sequence[int],
    state_ids: Sequence[int],
    view: TicketListView,
    page: PageRequest,
) -> Page[TicketOut]:
    """One page of a ticket list narrowed and sorted as ``view`` says."""
    query = select(Ticket.id).where(Ticket.queue_id.in_(queue_ids), Ticket.state_id.in_(state_ids))
    return await _page_of_tickets(session, narrowed_and_sorted(query, view), page)


def require_agent(actor: Actor) -> None:
    if not actor.is_agent:
        raise PermissionDenied("Only agents may do this.")


async def queue_overview(session: AsyncSession, actor: Actor) -> list[QueueSummary]:
    """Queues the agent has ro in, by name, with their open and new ticket counts."""
    require_agent(actor)
    # From the counts the triggers keep (migration 0007): counting the open tickets themselves
    # took 120 ms at 1,000,000 tickets.
    number = TicketStateCount.ticket_count
    counts = (
        select(
            TicketStateCount.queue_id,
            func.sum(number).label("open_count"),
            func.sum(case((TicketState.state_type == "new", number), else_=0)).label("new_count"),
        )
        .join(TicketState, TicketState.id == TicketStateCount.state_id)
        .where(TicketState.state_type.in_(OPEN_STATE_TYPES))
        .group_by(TicketStateCount.queue_id)
        .subquery()
    )
    rows = await session.execute(
        select(Queue.id, Queue.name, counts.c.open_count, counts.c.new_count)
        .outerjoin(counts, counts.c.queue_id == Queue.id)
        .where(Queue.valid.is_(True), Queue.group_id.in_(actor.groups_with("ro")))
        .order_by(Queue.name)
    )
    return [
        QueueSummary(id=r.id, name=r.name, open_count=r.open_count or 0, new_count=r.new_count or 0)
        for r in rows
    ]


async def queue_tickets(
    session: AsyncSession,
    actor: Actor,
    queue_id: int | None,
    page: PageRequest,
    *,
    state: str = "open",
    view: TicketListView | None = None,
) -> Page[TicketOut]:
    """The queue view: tickets of one queue (or of every queue the agent reads), oldest first.

    ``state`` is "open" (new, open and pending: the OTRS queue view), "new", "pending",
    "closed", or "all"; ``view`` (which then gives the state) may also name a state, narrow by
    priority, owner, lock and age, and sort by another column.
    """
    view = view or TicketListView(state=state)
    state = view.state
    require_agent(actor)
    readable = actor.groups_with("ro")
    if queue_id is not None:
        if not 1 <= queue_id <= MAX_ID:
            raise QueueNotFound()
        group_id = await session.scalar(select(Queue.group_id).where(Queue.id == queue_id))
        if group_id is None or group_id not in readable:
            raise QueueNotFound()
        queue_ids = [queue_id]
    else:
        queue_ids = list(
            await session.scalars(
                select(Queue.id).where(Queue.group_id.in_(readable)).order_by(Queue.id)
            )
        )
    if state != "all" and state not in STATE_GROUPS:
        named = await session.scalar(select(TicketState.id).where(TicketState.name == state))
        if named is None:
            raise ValidationFailed("state", "must be open, new, pending, closed, all or a state")
    state_ids = await _state_ids(session, None if state == "all" else state)
    if view.is_default_order and not view.narrows_beyond_state:
        return await _page_by_age(session, queue_ids, state_ids, page, newest_first=False)
    return await _sorted_list_page(session, queue_ids, state_ids, view, page)


async def dashboard(
    session: AsyncSession,
    actor: Actor,
    *,
    online_minutes: int = ONLINE_MINUTES.default,
    new_view: TicketListView | None = None,
    locked_view: TicketListView | None = None,
) -> Dashboard:
    """The agent's start page. Pass ``tx.setting(ONLINE_MINUTES)`` as ``online_minutes``;
    ``new_view`` and ``locked_view`` sort (and narrow) the two ticket panels, whose states stay
    fixed: new tickets, and the agent's locked tickets in any state."""
    require_agent(actor)
    new_page = await queue_tickets(
        session,
        actor,
        None,
        PageRequest(limit=DASHBOARD_LIMIT),
        view=replace(new_view, state="new") if new_view else TicketListView(state="new"),
    )
    locked = select(Ticket.id).where(Ticket.owner_id == actor.id, Ticket.lock_state == "lock")
    if locked_view is None:
        locked = locked.order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    else:
        locked = narrowed_and_sorted(locked, locked_view)
    locked_ids = list(await session.scalars(locked.limit(50)))
    since = utcnow() - timedelta(minutes=online_minutes)
    online = await online_agents(session, since=since)
    customers = await online_customer_users(session, since=since)
    return Dashboard(
        new_tickets=new_page.items,
        my_locked=await tickets_out(session, locked_ids),
        online_agents=[
            OnlineAgent(id=agent.id, name=agent.full_name or agent.login) for agent in online
        ],
        online_customers=[
            OnlineCustomer(login=user.login, name=f"{user.first_name} {user.last_name}".strip())
            for user in customers
        ],
    )


async def customer_tickets(
    session: AsyncSession, actor: Actor, page: PageRequest
) -> Page[TicketOut]:
    """The customer's own and company tickets, newest first."""
    if not actor.is_customer:
        raise PermissionDenied("Only customer users have their own ticket list.")
    query = (
        select(Ticket.id)
        .where(visible_tickets_filter(actor))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    return await _page_of_tickets(session, query, page, customer_view=True)
