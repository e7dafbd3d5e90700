"""The tickets domain without HTTP: numbers, full-text quoting, overviews, demo data, jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from frontdesk.core.actor import SYSTEM
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.core.pagination import PageRequest
from frontdesk.demo import load_demo_data
from frontdesk.domain.tickets import actions, queries
from frontdesk.domain.tickets.models import Article, Ticket, TicketHistory
from frontdesk.domain.tickets.numbers import next_ticket_number
from frontdesk.domain.tickets.schemas import ArticleCreate, OnlineAgent, TicketCreate, TicketUpdate
from frontdesk.domain.tickets.search import fts5_match_expression
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import (
    actor_of,
    make_agent,
    make_company,
    make_customer,
    transaction,
)

RAW, JUNK, MISC = 2, 3, 4


def test_fts5_match_expression_quotes_every_word() -> None:
    assert fts5_match_expression('printer "on" fire*') == '"printer" """on""" "fire*"'
    assert fts5_match_expression("  ") == ""
    assert fts5_match_expression("a\x00b") == '"ab"'


async def test_ticket_numbers_count_per_day(web: WebState) -> None:
    day = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
    async with transaction(web) as tx:
        first = await next_ticket_number(tx.session, 10, day)
        second = await next_ticket_number(tx.session, 10, day)
        next_day = await next_ticket_number(tx.session, 10, day + timedelta(minutes=1))
    assert (first, second, next_day) == ("2026013110000001", "2026013110000002", "2026020110000001")


async def _ticket(
    web: WebState, login: str, title: str, queue_id: int = RAW, **extra: object
) -> int:
    actor = await actor_of(web, "agent", login)
    async with transaction(web) as tx:
        ticket = await actions.do_create_ticket(
            tx,
            actor,
            TicketCreate(
                title=title,
                queue_id=queue_id,
                article=ArticleCreate(body=title),
                **extra,
            ),
        )
        return ticket.id


async def test_queue_overview_queue_view_and_dashboard(web: WebState) -> None:
    await make_agent(web, "worker", ["rw"])
    first = await _ticket(web, "worker", "First")
    second = await _ticket(web, "worker", "Second", state="open")
    third = await _ticket(web, "worker", "Third", queue_id=MISC)
    closed = await _ticket(web, "worker", "Closed", state="closed successful")
    worker = await actor_of(web, "agent", "worker")
    async with transaction(web) as tx:
        await actions.do_update_ticket(tx, worker, second, TicketUpdate(lock="lock"))
        overview = await queries.queue_overview(tx.session, worker)
        assert [(q.name, q.open_count, q.new_count) for q in overview] == [
            ("Junk", 0, 0),
            ("Misc", 1, 1),
            ("Postmaster", 0, 0),
            ("Raw", 2, 1),
        ]
        raw = await queries.queue_tickets(tx.session, worker, RAW, PageRequest())
        assert [t.id for t in raw.items] == [first, second]  # oldest first, open only
        everything = await queries.queue_tickets(tx.session, worker, None, PageRequest())
        assert [t.id for t in everything.items] == [first, second, third]
        done = await queries.queue_tickets(tx.session, worker, None, PageRequest(), state="closed")
        assert [t.id for t in done.items] == [closed]
        board = await queries.dashboard(tx.session, worker)
        assert [t.id for t in board.new_tickets] == [first, third]
        assert [t.id for t in board.my_locked] == [second]
        # its API token was just issued
        assert board.online_agents == [OnlineAgent(id=worker.id, name="Worker Agent")]


async def test_queue_view_of_an_unreadable_queue_is_404(web: WebState) -> None:
    await make_agent(web, "stranger", ["ro"], group="stats")
    stranger = await actor_of(web, "agent", "stranger")
    async with transaction(web) as tx:
        with pytest.raises(NotFound):
            await queries.queue_tickets(tx.session, stranger, RAW, PageRequest())
        assert await queries.queue_overview(tx.session, stranger) == []


async def test_form_options_and_customer_info(web: WebState) -> None:
    await make_agent(web, "worker", ["rw"])
    await make_agent(web, "mover", ["ro", "move_into"])
    await make_company(web, "acme", "Acme Corp")
    await make_customer(web, "jane", "acme")
    ticket_id = await _ticket(web, "worker", "Jane's ticket", customer_user="jane")
    mover = await actor_of(web, "agent", "mover")
    worker = await actor_of(web, "agent", "worker")
    jane = await actor_of(web, "customer", "jane")
    async with transaction(web) as tx:
        ticket = await tx.session.get(Ticket, ticket_id)
        assert ticket is not None
        options = await queries.ticket_form_options(tx.session, mover, ticket)
        assert options.queues_create == []
        assert [q.name for q in options.queues_move] == ["Junk", "Misc", "Postmaster", "Raw"]
        assert [s.name for s in options.states][:2] == ["new", "open"]
        assert "merged" not in [s.name for s in options.states]
        assert [p.name for p in options.priorities] == [
            "1 very low",
            "2 low",
            "3 normal",
            "4 high",
            "5 very high",
        ]
        assert [o.name for o in options.owners] == ["Admin Frontdesk", "Worker Agent"]
        customer_options = await queries.ticket_form_options(tx.session, jane, None)
        assert [q.name for q in customer_options.queues_create] == [
            "Junk",
            "Misc",
            "Postmaster",
            "Raw",
        ]
        assert customer_options.queues_move == [] and customer_options.owners == []

        info = await queries.customer_info(tx.session, worker, "JANE")
        assert (info.login, info.company, info.customer_id, info.email) == (
            "jane",
            "Acme Corp",
            "acme",
            "jane@customer.example",
        )
        assert [t.id for t in info.tickets] == [ticket_id]
        assert (info.ticket_total, info.open_ticket_count) == (1, 1)
        with pytest.raises(NotFound):
            await queries.customer_info(tx.session, worker, "nobody")
        with pytest.raises(PermissionDenied):
            await queries.customer_info(tx.session, jane, "jane")
        mine = await queries.customer_tickets(tx.session, jane, PageRequest())
        assert [t.id for t in mine.items] == [ticket_id]


async def test_pending_auto_close_job_closes_due_tickets_once(web: WebState) -> None:
    await make_agent(web, "worker", ["rw"])
    soon = datetime.now(UTC) + timedelta(minutes=5)
    due = await _ticket(web, "worker", "Due", state="pending auto close+", pending_until=soon)
    later = await _ticket(
        web, "worker", "Later", state="pending auto close-", pending_until=soon + timedelta(days=1)
    )
    async with transaction(web) as tx:
        closed = await actions.do_close_expired_pending_tickets(tx, soon + timedelta(hours=1))
    assert closed == [due]
    async with transaction(web) as tx:
        again = await actions.do_close_expired_pending_tickets(tx, soon + timedelta(hours=1))
        ticket = await tx.session.get(Ticket, due)
        assert ticket is not None and ticket.pending_until is None
        out = await queries.ticket_out(tx.session, ticket)
        assert out.state == "closed successful"
        history = await queries.ticket_history(tx.session, ticket)
        assert (history[-1].type, history[-1].actor.kind, history[-1].values) == (
            "StateUpdate",
            "system",
            {"old": "pending auto close+", "new": "closed successful"},
        )
        still = await tx.session.get(Ticket, later)
        assert still is not None and still.pending_until is not None
    assert again == []


async def test_demo_data_loads_once(web: WebState) -> None:
    async with transaction(web) as tx:
        assert await load_demo_data(tx) is True
    async with transaction(web) as tx:
        assert await load_demo_data(tx) is False
        tickets = await tx.session.scalar(select(func.count()).select_from(Ticket))
        articles = await tx.session.scalar(select(func.count()).select_from(Article))
        history = await tx.session.scalar(select(func.count()).select_from(TicketHistory))
    assert (tickets, articles) == (13, 21)
    assert history is not None and history > 30
    jane = await actor_of(web, "customer", "jane")
    async with transaction(web) as tx:
        # Jane sees her own and John's tickets (same company), not the licence ticket.
        page = await queries.customer_tickets(tx.session, jane, PageRequest(limit=50))
        assert page.total == 12


async def test_system_created_tickets_belong_to_agent_1(
    web: WebState, events: RecordedEvents
) -> None:
    async with transaction(web) as tx:
        ticket = await actions.do_create_ticket(
            tx,
            SYSTEM,
            TicketCreate(
                title="From a job",
                queue_id=JUNK,
                article=ArticleCreate(channel="email", sender="system", body="Automatic message"),
            ),
        )
        out = await queries.ticket_out(tx.session, ticket)
        history = await queries.ticket_history(tx.session, ticket)
    assert (out.owner_id, out.responsible_id, out.queue) == (1, 1, "Junk")
    assert [(h.type, h.actor.kind, h.actor.id, h.actor.name) for h in history] == [
        ("NewTicket", "system", None, "system"),
        ("SystemRequest", "system", None, "system"),
    ]
    assert events.kinds() == ["ticket.created", "ticket.article_created"]


async def test_marking_articles_seen_is_idempotent_and_per_agent(
    web: WebState, events: RecordedEvents
) -> None:
    await make_agent(web, "writer", ["rw"])
    await make_agent(web, "reader", ["ro"])
    await make_agent(web, "stranger", ["ro"], group="stats")
    mine = await _ticket(web, "writer", "Mine")
    other = await _ticket(web, "writer", "Other")
    writer = await actor_of(web, "agent", "writer")
    reader = await actor_of(web, "agent", "reader")
    stranger = await actor_of(web, "agent", "stranger")
    _, jane_headers = await make_customer(web, "jane")
    assert jane_headers
    jane = await actor_of(web, "customer", "jane")
    async with transaction(web) as tx:
        (first,) = await tx.session.scalars(select(Article.id).where(Article.ticket_id == mine))
        (foreign,) = await tx.session.scalars(select(Article.id).where(Article.ticket_id == other))
        # The writer saw their own article when they wrote it.
        assert await queries.unread_article_ids(tx.session, writer, mine, [first]) == set()
        assert await queries.unread_article_ids(tx.session, reader, mine, [first, foreign]) == {
            first,
            foreign,
        }
        assert await queries.unread_article_ids(tx.session, jane, mine, [first]) == set()
    events.clear()
    for _ in range(2):  # the second time changes nothing and does not fail
        async with transaction(web) as tx:
            # An article of another ticket is skipped, not marked.
            await actions.do_mark_articles_seen(tx, reader, mine, [first, foreign])
    async with transaction(web) as tx:
        assert await queries.unread_article_ids(tx.session, reader, mine, [first, foreign]) == {
            foreign
        }
        with pytest.raises(NotFound):
            await actions.do_mark_articles_seen(tx, stranger, mine, [first])
        with pytest.raises(PermissionDenied):
            await actions.do_mark_articles_seen(tx, jane, mine, [first])
        assert await queries.unread_article_ids(tx.session, stranger, mine, [first]) == {first}
        history = await tx.session.scalar(
            select(func.count()).select_from(TicketHistory).where(TicketHistory.ticket_id == mine)
        )
        assert history == 2  # NewTicket and its article: seeing writes no history
    assert events == []
