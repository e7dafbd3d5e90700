"""Read side of tickets: the ticket as the API shows it, lists, searches and overviews.

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
from sqlalchemy.orm import InstrumentedAttribute, aliased, defer

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z, utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    CustomerCompany,
    CustomerUser,
    Group,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.queries import (
    customer_user_online,
    online_agents,
    online_customer_users,
)
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    SlaService,
    TicketState,
    TicketType,
)
from frontdesk.domain.ticket_catalogue.schemas import DIALOG_MESSAGE_KEY
from frontdesk.domain.tickets.access import access_ticket_by_id, visible_tickets_filter
from frontdesk.domain.tickets.errors import (
    ArticleNotFound,
    AttachmentNotFound,
    CustomerUserNotFound,
    QueueNotFound,
)
from frontdesk.domain.tickets.models import (
    Article,
    ArticleSeen,
    Attachment,
    Ticket,
    TicketHistory,
    TicketStateCount,
)
from frontdesk.domain.tickets.schemas import (
    MAX_ID,
    ArticleOut,
    AttachmentDirection,
    AttachmentOut,
    ChatLine,
    CustomerInfo,
    Dashboard,
    HistoryActor,
    HistoryOut,
    NamedOption,
    OnlineAgent,
    OnlineCustomer,
    QueueSummary,
    SlaChoice,
    TicketFormOptions,
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
CUSTOMER_INFO_TICKETS = 50
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


_Owner = aliased(Agent)
_Responsible = aliased(Agent)


def _ticket_rows() -> Select[Ticket, str, str, str, str, str | None, str | None, str, str]:
    return (
        select(
            Ticket,
            Queue.name,
            TicketState.name,
            TicketState.state_type,
            Priority.name,
            TicketType.name,
            Sla.name,
            _Owner.login,
            _Responsible.login,
        )
        .join(Queue, Queue.id == Ticket.queue_id)
        .join(TicketState, TicketState.id == Ticket.state_id)
        .join(Priority, Priority.id == Ticket.priority_id)
        .join(_Owner, _Owner.id == Ticket.owner_id)
        .join(_Responsible, _Responsible.id == Ticket.responsible_id)
        .outerjoin(TicketType, TicketType.id == Ticket.type_id)
        .outerjoin(Sla, Sla.id == Ticket.sla_id)
    )


async def service_full_names(session: AsyncSession) -> dict[int, str]:
    """Every service as "Parent::Child" (services nest)."""
    rows = (await session.execute(select(Service.id, Service.name, Service.parent_id))).all()
    by_id = {r.id: (r.name, r.parent_id) for r in rows}
    names: dict[int, str] = {}
    for service_id in by_id:
        parts: list[str] = []
        current: int | None = service_id
        seen: set[int] = set()
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            name, current = by_id[current]
            parts.append(name)
        names[service_id] = "::".join(reversed(parts))
    return names


async def tickets_out(session: AsyncSession, ticket_ids: Sequence[int]) -> list[TicketOut]:
    """The tickets with these ids, in the given order, as the API shows them."""
    if not ticket_ids:
        return []
    rows = (await session.execute(_ticket_rows().where(Ticket.id.in_(ticket_ids)))).all()
    customer_ids = {r[0].customer_user_id for r in rows if r[0].customer_user_id is not None}
    customers: dict[int, str] = {}
    if customer_ids:
        customers = {
            r.id: r.login
            for r in await session.execute(
                select(CustomerUser.id, CustomerUser.login).where(CustomerUser.id.in_(customer_ids))
            )
        }
    services = (
        await service_full_names(session) if any(r[0].service_id is not None for r in rows) else {}
    )
    by_id: dict[int, TicketOut] = {}
    for ticket, queue, state, state_type, priority, type_name, sla, owner, responsible in rows:
        created_at = isoformat_z(ticket.created_at)
        updated_at = isoformat_z(ticket.updated_at)
        assert created_at is not None and updated_at is not None
        by_id[ticket.id] = TicketOut(
            id=ticket.id,
            number=ticket.number,
            title=ticket.title,
            queue_id=ticket.queue_id,
            queue=queue,
            state_id=ticket.state_id,
            state=state,
            state_type=state_type,
            priority_id=ticket.priority_id,
            priority=priority,
            type_id=ticket.type_id,
            type=type_name,
            service_id=ticket.service_id,
            service=services.get(ticket.service_id) if ticket.service_id else None,
            sla_id=ticket.sla_id,
            sla=sla,
            lock="lock" if ticket.lock_state == "lock" else "unlock",
            owner_id=ticket.owner_id,
            owner=owner,
            responsible_id=ticket.responsible_id,
            responsible=responsible,
            customer_user=customers.get(ticket.customer_user_id)
            if ticket.customer_user_id
            else None,
            customer_id=ticket.customer_id,
            pending_until=isoformat_z(ticket.pending_until),
            escalation_response_at=isoformat_z(ticket.escalation_response_at),
            escalation_update_at=isoformat_z(ticket.escalation_update_at),
            escalation_solution_at=isoformat_z(ticket.escalation_solution_at),
            created_at=created_at,
            updated_at=updated_at,
        )
    return [by_id[i] for i in ticket_ids if i in by_id]


async def ticket_out(session: AsyncSession, ticket: Ticket) -> TicketOut:
    await session.flush()
    (out,) = await tickets_out(session, [ticket.id])
    return out


def attachment_direction(sender_type: str, visible_for_customer: bool) -> AttachmentDirection:
    if not visible_for_customer:
        return "internal"
    return "incoming" if sender_type == "customer" else "outgoing"


def attachment_out(
    attachment: Attachment, sender_type: str, visible_for_customer: bool
) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        article_id=attachment.article_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        inline=attachment.disposition == "inline",
        direction=attachment_direction(sender_type, visible_for_customer),
    )


def attachment_rows() -> Select[Attachment, str, bool]:
    """Attachments with their article's sender and visibility; everything but the content:
    lists never load file bytes."""
    return (
        select(Attachment, Article.sender_type, Article.visible_for_customer)
        .join(Article, Article.id == Attachment.article_id)
        .options(
            defer(Attachment.content),
        )
        .order_by(Attachment.article_id, Attachment.id)
    )


def _chat_transcript(article: Article) -> list[ChatLine]:
    """The transcript a chat article carries in ``channel_data``; malformed lines are skipped.

    The chat feature stores ``messages`` (every stored chat event, with the name each author
    showed the customer); only customer-visible messages are rendered, because the article may
    be shown to the customer. ``transcript`` (time/from/text) is the simple form other sources
    (imports, tests) write.
    """
    if article.channel != "chat" or not isinstance(article.channel_data, dict):
        return []
    messages = article.channel_data.get("messages")
    if isinstance(messages, list):
        return [
            ChatLine(
                time=str(line.get("at", "")),
                sender=str(line.get("author_public_name", "")),
                text=line["text"],
            )
            for line in messages
            if isinstance(line, dict)
            and line.get("kind") == "message"
            and line.get("visible_to_customer") is True
            and isinstance(line.get("text"), str)
        ]
    lines = article.channel_data.get("transcript")
    if not isinstance(lines, list):
        return []
    return [
        ChatLine(
            time=str(line.get("time", "")),
            sender=str(line.get("from", "")),
            text=str(line.get("text", "")),
        )
        for line in lines
        if isinstance(line, dict) and isinstance(line.get("text"), str)
    ]


def _sms_number(article: Article) -> str | None:
    if article.channel != "sms" or not isinstance(article.channel_data, dict):
        return None
    for key in ("phone_number", "phone", "to", "from"):
        value = article.channel_data.get(key)
        if isinstance(value, str) and value:
            return value
    return None


async def articles_out(session: AsyncSession, articles: Sequence[Article]) -> list[ArticleOut]:
    """Articles as the API shows them, with their attachments (one query for all)."""
    ids = [a.id for a in articles]
    by_article: dict[int, list[AttachmentOut]] = {}
    if ids:
        attachments_query = attachment_rows().where(Attachment.article_id.in_(ids))
        for attachment, sender_type, visible in await session.execute(attachments_query):
            by_article.setdefault(attachment.article_id, []).append(
                attachment_out(attachment, sender_type, visible)
            )
    result = []
    for article in articles:
        created_at = isoformat_z(article.created_at)
        assert created_at is not None
        result.append(
            ArticleOut(
                id=article.id,
                ticket_id=article.ticket_id,
                channel=article.channel,
                sender=article.sender_type,
                visible_for_customer=article.visible_for_customer,
                subject=article.subject,
                body=article.body,
                from_display=article.from_display,
                created_at=created_at,
                attachments=by_article.get(article.id, []),
                chat_transcript=_chat_transcript(article),
                sms_number=_sms_number(article),
            )
        )
    return result


async def list_articles(session: AsyncSession, actor: Actor, ticket: Ticket) -> list[ArticleOut]:
    """The ticket's articles, oldest first; customers get only those visible to them."""
    query = select(Article).where(Article.ticket_id == ticket.id).order_by(Article.id)
    if actor.is_customer:
        query = query.where(Article.visible_for_customer.is_(True))
    articles = list(await session.scalars(query))
    return await articles_out(session, articles)


async def unread_article_ids(
    session: AsyncSession, actor: Actor, ticket_id: int, article_ids: Sequence[int]
) -> set[int]:
    """Which of these articles of the ticket the agent has not seen yet (no ``ArticleSeen``
    row). Customers have no unread marker: the empty set. Selected by ticket, not by listing
    the ids: a long ticket would exceed the drivers' limit on bound parameters."""
    if not actor.is_agent or not article_ids:
        return set()
    seen = await session.scalars(
        select(ArticleSeen.article_id)
        .join(Article, Article.id == ArticleSeen.article_id)
        .where(ArticleSeen.agent_id == actor.id, Article.ticket_id == ticket_id)
    )
    return set(article_ids) - set(seen)


async def article_out(session: AsyncSession, article: Article) -> ArticleOut:
    """One article as the API shows it (for the answer to the one who just wrote it)."""
    await session.flush()
    (out,) = await articles_out(session, [article])
    return out


async def ticket_history(session: AsyncSession, ticket: Ticket) -> list[HistoryOut]:
    rows = await session.scalars(
        select(TicketHistory).where(TicketHistory.ticket_id == ticket.id).order_by(TicketHistory.id)
    )
    result = []
    for row in rows:
        time = isoformat_z(row.created_at)
        assert time is not None
        result.append(
            HistoryOut(
                id=row.id,
                type=row.history_type,
                article_id=row.article_id,
                actor=HistoryActor(kind=row.actor_kind, id=row.actor_id, name=row.actor_name),
                time=time,
                values=dict(row.values),
            )
        )
    return result


async def agent_ticket_history(
    session: AsyncSession, actor: Actor, ticket: Ticket
) -> list[HistoryOut]:
    """The history for the API: agents only (as in OTRS, customers never see the history)."""
    _require_agent(actor)
    return await ticket_history(session, ticket)


async def _page_of_tickets(
    session: AsyncSession, query: Select[int], page: PageRequest
) -> Page[TicketOut]:
    """Run an id query (already filtered and ordered) as one page of tickets."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    ids = list(await session.scalars(query.limit(page.limit).offset(page.offset)))
    return Page(
        items=await tickets_out(session, ids),
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
    if view is not None:
        query = narrowed_and_sorted(query, view)
    elif criteria.escalated:
        query = query.order_by(Ticket.escalation_at, Ticket.id)
    else:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return await _page_of_tickets(session, query, page)


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
        "owner": _Owner.login,
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
        query = query.join(_Owner, _Owner.id == Ticket.owner_id)
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


def _require_agent(actor: Actor) -> None:
    if not actor.is_agent:
        raise PermissionDenied("Only agents may do this.")


async def queue_overview(session: AsyncSession, actor: Actor) -> list[QueueSummary]:
    """Queues the agent has ro in, by name, with their open and new ticket counts."""
    _require_agent(actor)
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
    _require_agent(actor)
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
    _require_agent(actor)
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
    return await _page_of_tickets(session, query, page)


async def get_attachment(
    session: AsyncSession, actor: Actor, ticket_id: int, article_id: int, attachment_id: int
) -> Attachment:
    """An attachment with its content, if the actor may read its article (404 otherwise)."""
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    if not (1 <= article_id <= MAX_ID and 1 <= attachment_id <= MAX_ID):
        raise AttachmentNotFound()
    article = await session.get(Article, article_id)
    if article is None or article.ticket_id != ticket.id:
        raise ArticleNotFound()
    if actor.is_customer and not article.visible_for_customer:
        raise ArticleNotFound()
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.article_id != article.id:
        raise AttachmentNotFound()
    return attachment


async def _options(session: AsyncSession, query: Select[int, str]) -> list[NamedOption]:
    return [NamedOption(id=r[0], name=r[1]) for r in await session.execute(query)]


async def agents_with_permission(
    session: AsyncSession, group_id: int, permission: str
) -> list[NamedOption]:
    """Valid agents holding ``permission`` (directly, through a role, or as rw) in the group."""
    granted = (permission, "rw")
    direct = select(AgentGroupPermission.agent_id).where(
        AgentGroupPermission.group_id == group_id, AgentGroupPermission.permission.in_(granted)
    )
    via_roles = (
        select(AgentRole.agent_id)
        .join(RoleGroupPermission, RoleGroupPermission.role_id == AgentRole.role_id)
        .where(
            RoleGroupPermission.group_id == group_id, RoleGroupPermission.permission.in_(granted)
        )
    )
    group_valid = await session.scalar(select(Group.valid).where(Group.id == group_id))
    if not group_valid:
        return []
    rows = await session.execute(
        select(Agent.id, Agent.login, Agent.first_name, Agent.last_name)
        .where(Agent.valid.is_(True), or_(Agent.id.in_(direct), Agent.id.in_(via_roles)))
        .order_by(Agent.first_name, Agent.last_name, Agent.login)
    )
    return [
        NamedOption(id=r.id, name=f"{r.first_name} {r.last_name}".strip() or r.login) for r in rows
    ]


async def creatable_queues(session: AsyncSession, actor: Actor) -> list[NamedOption]:
    """The valid queues the actor may create tickets in (agents: create; customers: rw)."""
    permission = "rw" if actor.is_customer else "create"
    return await _options(
        session,
        select(Queue.id, Queue.name)
        .where(Queue.valid.is_(True), Queue.group_id.in_(actor.groups_with(permission)))
        .order_by(Queue.name),
    )


async def ticket_list_choices(session: AsyncSession) -> tuple[list[str], list[NamedOption]]:
    """The state names and priorities a ticket list's filter form offers."""
    states = list(
        await session.scalars(
            select(TicketState.name)
            .where(
                TicketState.valid.is_(True),
                TicketState.state_type.not_in(("merged", "removed")),
            )
            .order_by(TicketState.id)
        )
    )
    priorities = await _options(
        session,
        select(Priority.id, Priority.name).where(Priority.valid.is_(True)).order_by(Priority.name),
    )
    return states, priorities


async def ticket_form_options(
    session: AsyncSession, actor: Actor, ticket: Ticket | None
) -> TicketFormOptions:
    """The choices of the ticket forms (create, move, change) for this actor."""
    queues = select(Queue.id, Queue.name).where(Queue.valid.is_(True)).order_by(Queue.name)
    queues_create = await creatable_queues(session, actor)
    queues_move = (
        []
        if actor.is_customer
        else await _options(
            session, queues.where(Queue.group_id.in_(actor.groups_with("move_into")))
        )
    )
    states = await _options(
        session,
        select(TicketState.id, TicketState.name)
        .where(TicketState.valid.is_(True), TicketState.state_type.not_in(("merged", "removed")))
        .order_by(TicketState.id),
    )
    priorities = await _options(
        session,
        select(Priority.id, Priority.name).where(Priority.valid.is_(True)).order_by(Priority.name),
    )
    types = await _options(
        session,
        select(TicketType.id, TicketType.name)
        .where(TicketType.valid.is_(True))
        .order_by(TicketType.name),
    )
    valid_services = set(await session.scalars(select(Service.id).where(Service.valid.is_(True))))
    service_names = await service_full_names(session)
    services = sorted(
        (NamedOption(id=i, name=n) for i, n in service_names.items() if i in valid_services),
        key=lambda option: option.name,
    )
    slas = await _options(
        session, select(Sla.id, Sla.name).where(Sla.valid.is_(True)).order_by(Sla.name)
    )
    owners: list[NamedOption] = []
    if ticket is not None and actor.is_agent:
        group_id = await session.scalar(select(Queue.group_id).where(Queue.id == ticket.queue_id))
        if group_id is not None:
            owners = await agents_with_permission(session, group_id, "owner")
    return TicketFormOptions(
        queues_create=queues_create,
        queues_move=queues_move,
        states=states,
        priorities=priorities,
        types=types,
        services=services,
        slas=slas,
        owners=owners,
    )


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
    _require_agent(actor)
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


async def customer_sla_choices(session: AsyncSession, service_id: int | None) -> list[SlaChoice]:
    """The SLAs of the customer's new-ticket form: every valid SLA, or those of the chosen
    service; each with the dialog message to confirm when the customer picks it (spec §9)."""
    query = select(Sla).where(Sla.valid.is_(True)).order_by(Sla.name)
    if service_id is not None:
        if not 1 <= service_id <= MAX_ID:
            return []
        query = query.where(
            Sla.id.in_(select(SlaService.sla_id).where(SlaService.service_id == service_id))
        )
    choices = []
    for sla in await session.scalars(query):
        message = (sla.preferences or {}).get(DIALOG_MESSAGE_KEY)
        choices.append(
            SlaChoice(
                id=sla.id,
                name=sla.name,
                dialog_message=message if isinstance(message, str) and message.strip() else None,
            )
        )
    return choices
