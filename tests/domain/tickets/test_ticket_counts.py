"""The ticket counts per (queue, state) that triggers keep, and the queue view built on them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from frontdesk.core.pagination import PageRequest
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.models import Ticket, TicketStateCount
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate, TicketSearch, TicketUpdate
from frontdesk.web.state import WebState
from tests.domain.tickets.people import actor_of, make_agent, transaction

RAW, JUNK, MISC = 2, 3, 4


async def _counts(web: WebState) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """The kept counts (zeros left out) and COUNT(*) of the tickets, by (queue, state)."""
    async with transaction(web) as tx:
        kept = {
            (r.queue_id, r.state_id): r.ticket_count
            for r in await tx.session.scalars(select(TicketStateCount))
            if r.ticket_count
        }
        counted = {
            (r.queue_id, r.state_id): r.n
            for r in await tx.session.execute(
                select(Ticket.queue_id, Ticket.state_id, func.count().label("n")).group_by(
                    Ticket.queue_id, Ticket.state_id
                )
            )
        }
    return kept, counted


async def _create(web: WebState, login: str, title: str, queue_id: int, state: str = "new") -> int:
    actor = await actor_of(web, "agent", login)
    async with transaction(web) as tx:
        ticket = await actions.do_create_ticket(
            tx,
            actor,
            TicketCreate(
                title=title,
                queue_id=queue_id,
                state=state,
                pending_until=datetime.now(UTC) + timedelta(days=1) if "pending" in state else None,
                article=ArticleCreate(body=title),
            ),
        )
        return ticket.id


async def test_counts_follow_creates_moves_state_changes_and_deletes(web: WebState) -> None:
    await make_agent(web, "counter", ["rw"])
    worker = await actor_of(web, "agent", "counter")
    ids = [await _create(web, "counter", f"T{n}", (RAW, JUNK, MISC)[n % 3]) for n in range(9)]
    kept, counted = await _counts(web)
    assert kept == counted and sum(counted.values()) == 9

    async def change(ticket_id: int, data: TicketUpdate) -> None:
        async with transaction(web) as tx:
            await actions.do_update_ticket(tx, worker, ticket_id, data)

    # Concurrent writers: moves in opposite directions, state changes, a move and a close at once.
    await asyncio.gather(
        change(ids[0], TicketUpdate(queue_id=JUNK)),
        change(ids[1], TicketUpdate(queue_id=RAW)),
        change(ids[2], TicketUpdate(state="closed successful")),
        change(ids[3], TicketUpdate(queue_id=MISC, state="open")),
        change(ids[4], TicketUpdate(title="Only the title")),
    )
    kept, counted = await _counts(web)
    assert kept == counted
    async with transaction(web) as tx:  # a bulk move, and deletes, outside any action
        await tx.session.execute(update(Ticket).where(Ticket.id.in_(ids[5:7])).values(queue_id=RAW))
        await tx.session.execute(delete(Ticket).where(Ticket.id.in_(ids[7:])))
    kept, counted = await _counts(web)
    assert kept == counted and sum(counted.values()) == 7
    async with transaction(web) as tx:
        overview = {q.id: q for q in await queries.queue_overview(tx.session, worker)}
        open_raw = await queries.queue_tickets(tx.session, worker, RAW, PageRequest())
    assert overview[RAW].open_count == open_raw.total == len(open_raw.items)


async def test_queue_view_and_search_page_by_age_across_states(web: WebState) -> None:
    await make_agent(web, "ager", ["rw"])
    worker = await actor_of(web, "agent", "ager")
    states = ["new", "open", "pending reminder", "closed successful", "new", "open"] * 3
    ids = [await _create(web, "ager", f"Age {n}", RAW, state) for n, state in enumerate(states)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    async with transaction(web) as tx:
        # Ages that interleave the states; two tickets share an age (the id breaks the tie).
        for position, ticket_id in enumerate(ids):
            created = start + timedelta(hours=(position * 7) % len(ids))
            await tx.session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(created_at=created)
            )
        await tx.session.execute(
            update(Ticket).where(Ticket.id == ids[1]).values(created_at=start + timedelta(hours=5))
        )
        rows = (
            await tx.session.execute(
                select(Ticket.id, Ticket.created_at, Ticket.state_id).where(Ticket.id.in_(ids))
            )
        ).all()
    closed = {r.id for r in rows if r.id in ids[3::6]}
    oldest_first = [r.id for r in sorted(rows, key=lambda r: (r.created_at, r.id))]
    open_oldest_first = [i for i in oldest_first if i not in closed]
    async with transaction(web) as tx:
        first = await queries.queue_tickets(tx.session, worker, RAW, PageRequest(limit=4))
        second = await queries.queue_tickets(
            tx.session, worker, RAW, PageRequest(limit=4, offset=4)
        )
        every = await queries.queue_tickets(
            tx.session, worker, None, PageRequest(limit=50), state="all"
        )
        newest = await queries.search_tickets(
            tx.session, worker, TicketSearch(queue_id=RAW, state="open"), PageRequest(limit=5)
        )
        any_state = await queries.search_tickets(
            tx.session, worker, TicketSearch(queue_id=RAW), PageRequest(limit=50)
        )
    assert [t.id for t in first.items + second.items] == open_oldest_first[:8]
    assert first.total == second.total == len(open_oldest_first)
    assert [t.id for t in every.items if t.id in ids] == oldest_first
    assert every.total == len(every.items)
    assert [t.id for t in newest.items] == open_oldest_first[::-1][:5]
    assert newest.total == len(open_oldest_first)
    assert [t.id for t in any_state.items] == oldest_first[::-1]
    assert any_state.total == len(ids)
