"""Bulk actions on the agent ticket lists: the checkbox column and the bar on the queue view and
the search results, and POST /agent/tickets/bulk with its page of per-ticket results.

Each ticket is changed in its own transaction: one that refuses leaves the others changed. A bad
request (nothing selected, nothing to change, an unknown value, too many tickets) changes
nothing, writes no history and sends no event.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.schemas import GroupCreate
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue.models import TicketState
from frontdesk.domain.ticket_catalogue.schemas import QueueCreate
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.access import queue_group_id
from frontdesk.domain.tickets.bulk import MAX_BULK_TICKETS
from frontdesk.domain.tickets.events import ArticleCreated, TicketUpdated
from frontdesk.domain.tickets.models import Article, TicketHistory
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.tickets.people import actor_of, make_agent, transaction
from tests.web.test_pages_agent import create_phone_ticket, log_in, ticket_row

BOB_PASSWORD = "bob-password-12"
VERY_HIGH = 5  # priority "5 very high"
ROW = re.compile(
    r'<tr data-list-row data-ticket-id="(\d+)" data-bulk-result="(ok|failed)">(.*?)</tr>', re.S
)


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def results(page: str) -> list[tuple[int, str, str]]:
    return [(int(i), state, text_of(cells)) for i, state, cells in ROW.findall(page)]


async def history_count(web: WebState, ticket_id: int) -> int:
    async with web.session_factory() as session:
        count = await session.scalar(
            select(func.count()).where(TicketHistory.ticket_id == ticket_id)
        )
        return int(count or 0)


async def note_bodies(web: WebState, ticket_id: int) -> list[str]:
    async with web.session_factory() as session:
        rows = await session.scalars(
            select(Article.body)
            .where(Article.ticket_id == ticket_id, Article.channel == "internal")
            .order_by(Article.id)
        )
        return list(rows)


async def snapshot(web: WebState, ticket_id: int) -> tuple[Any, ...]:
    ticket = await ticket_row(web, ticket_id)
    return (
        ticket.owner_id,
        ticket.priority_id,
        ticket.state_id,
        ticket.queue_id,
        ticket.lock_state,
        await history_count(web, ticket_id),
    )


async def vip_ticket(web: WebState, title: str) -> int:
    """A ticket in the queue VIP of the group vip (made by admin, who holds rw there too)."""
    admin = await actor_of(web, "agent", "admin")
    async with transaction(web) as tx:
        group = await account_actions.do_create_group(tx, admin, GroupCreate(name="vip"))
        await account_actions.do_set_agent_group_permissions(tx, admin, group.id, 1, ["rw"])
        queue = await catalogue_actions.do_create_queue(
            tx, admin, QueueCreate(name="VIP", group_id=group.id)
        )
    admin = await actor_of(web, "agent", "admin")
    async with transaction(web) as tx:
        ticket = await ticket_actions.do_create_ticket(
            tx,
            admin,
            TicketCreate(title=title, queue_id=queue.id, article=ArticleCreate(body="Hello")),
        )
        return ticket.id


async def bulk(client: httpx.AsyncClient, csrf: str, **fields: Any) -> httpx.Response:
    data: dict[str, Any] = {"csrf_token": csrf, "back": "/agent/queues?sort=age&order=desc"}
    data.update(fields)
    return await client.post("/agent/tickets/bulk", data=data)


@pytest.fixture
async def agent_csrf(client: httpx.AsyncClient) -> str:
    return await log_in(client, "admin", ADMIN_PASSWORD, "agent")


@pytest.fixture
async def bob(web: WebState) -> int:
    agent_id, _ = await make_agent(web, "bob", ["rw"], password=BOB_PASSWORD)
    return agent_id


# --- the list pages ---------------------------------------------------------------------------


async def test_queue_view_and_search_have_row_checkboxes_and_the_bulk_bar(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, bob: int
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Checkbox row")
    number = (await ticket_row(web, ticket_id)).number
    for url in ("/agent/queues?sort=age", "/agent/search?query=Checkbox"):
        page = (await client.get(url)).text
        assert (
            f'<input type="checkbox" id="select-ticket-{ticket_id}" name="ticket_id" '
            f'value="{ticket_id}" data-row-select form="bulk-form">'
        ) in page
        assert (
            f'<label for="select-ticket-{ticket_id}" class="visually-hidden">'
            f"Select ticket {number}</label>"
        ) in page
        assert 'aria-label="Select all tickets on this page"' in page
        assert '<form id="bulk-form" class="bulk-bar card" method="post"' in page
        assert f'<input type="hidden" name="back" value="{html.escape(url)}">' in page
        assert '<option value="2">Bob Agent</option>' in page
        assert "No tickets selected." in page


async def test_lists_without_a_bulk_bar_have_no_checkboxes(
    client: httpx.AsyncClient, agent_csrf: str
) -> None:
    await create_phone_ticket(client, agent_csrf, title="Dashboard row")
    page = (await client.get("/agent")).text
    assert "Dashboard row" in page
    assert "data-row-select" not in page


# --- changes ----------------------------------------------------------------------------------


async def test_bulk_change_reports_each_ticket_exactly(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents, bob: int
) -> None:
    ids = [await create_phone_ticket(client, agent_csrf, title=f"Bulk {i}") for i in range(3)]
    numbers = [(await ticket_row(web, i)).number for i in ids]
    events.clear()
    response = await bulk(
        client,
        agent_csrf,
        ticket_id=[str(i) for i in ids],
        owner_id=str(bob),
        priority_id=str(VERY_HIGH),
        note_subject="Bulk",
        note_body="Taken over by Bob.",
    )
    assert response.status_code == 200, response.text
    assert "3 of 3 tickets done, 0 failed." in response.text
    assert results(response.text) == [
        (i, "ok", f"Ticket#{n} note added, priority set, owner set")
        for i, n in zip(ids, numbers, strict=True)
    ]
    assert 'href="/agent/queues?sort=age&amp;order=desc">Back to the list</a>' in response.text
    for ticket_id in ids:
        ticket = await ticket_row(web, ticket_id)
        assert (ticket.owner_id, ticket.priority_id) == (bob, VERY_HIGH)
        assert await note_bodies(web, ticket_id) == ["Taken over by Bob."]
    updated = [e for e in events if isinstance(e, TicketUpdated)]
    assert [(e.ticket_id, e.fields) for e in updated] == [
        (i, ("priority", "owner_id")) for i in ids
    ]
    assert [e.ticket_id for e in events if isinstance(e, ArticleCreated)] == ids


async def test_a_ticket_without_permission_fails_while_the_others_change(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents, bob: int
) -> None:
    vip = await vip_ticket(web, "VIP ticket")
    admin_csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    first = await create_phone_ticket(client, admin_csrf, title="Mine 1")
    second = await create_phone_ticket(client, admin_csrf, title="Mine 2")
    # Bob reads the VIP queue but may not change its tickets.
    admin = await actor_of(web, "agent", "admin")
    async with transaction(web) as tx:
        vip_group = (await ticket_row(web, vip)).queue_id
        group_id = await queue_group_id(tx.session, vip_group)
        await account_actions.do_set_agent_group_permissions(tx, admin, group_id, bob, ["ro"])
    bob_csrf = await log_in(client, "bob", BOB_PASSWORD, "agent")
    numbers = {i: (await ticket_row(web, i)).number for i in (first, vip, second)}
    before = await snapshot(web, vip)
    events.clear()

    response = await bulk(
        client, bob_csrf, ticket_id=[str(first), str(vip), str(second), "99999"], lock="lock"
    )

    assert response.status_code == 200, response.text
    assert "2 of 4 tickets done, 2 failed." in response.text
    assert results(response.text) == [
        (first, "ok", f"Ticket#{numbers[first]} owner set, lock changed"),
        (
            vip,
            "failed",
            f"Ticket#{numbers[vip]} Failed: You need the owner permission to lock this ticket.",
        ),
        (second, "ok", f"Ticket#{numbers[second]} owner set, lock changed"),
        (99999, "failed", "Ticket id 99999 Failed: There is no such ticket."),
    ]
    for ticket_id in (first, second):
        ticket = await ticket_row(web, ticket_id)
        assert (ticket.owner_id, ticket.lock_state) == (bob, "lock")
    assert await snapshot(web, vip) == before
    assert [e.ticket_id for e in events if isinstance(e, TicketUpdated)] == [first, second]


async def test_a_ticket_that_cannot_take_the_state_fails_alone(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    # "pending reminder" needs a pending time, which a bulk change does not give.
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Pending")
    async with web.session_factory() as session:
        pending = await session.scalar(
            select(TicketState.id).where(TicketState.name == "pending reminder")
        )
    before = await snapshot(web, ticket_id)
    events.clear()
    response = await bulk(client, agent_csrf, ticket_id=str(ticket_id), state_id=str(pending))
    number = (await ticket_row(web, ticket_id)).number
    assert results(response.text) == [
        (
            ticket_id,
            "failed",
            f"Ticket#{number} Failed: Pending until: a pending state needs a pending time",
        )
    ]
    assert await snapshot(web, ticket_id) == before
    assert events == []


# --- refused requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"owner_id": "2"}, "none_selected", "Select at least one ticket."),
        ({"ticket_id": "TICKET"}, "nothing_to_change", "Choose at least one change."),
        ({"ticket_id": "TICKET", "owner_id": "9999"}, "owner_id", "Choose an agent from the list."),
        ({"ticket_id": "TICKET", "owner_id": "bob"}, "owner_id", "Choose an agent from the list."),
        ({"ticket_id": "TICKET", "state_id": "9999"}, "state_id", "Choose a state from the list."),
        ({"ticket_id": "TICKET", "queue_id": "9999"}, "queue_id", "Choose a queue from the list."),
        ({"ticket_id": "TICKET", "lock": "maybe"}, "lock", "Choose lock or unlock."),
        (
            {"ticket_id": "TICKET", "note_subject": "Only a subject"},
            "note_body",
            "Write the note&#39;s text, or leave the subject empty.",
        ),
        ({"ticket_id": "TICKET,abc", "lock": "lock"}, "ticket_id", "Select tickets from the list."),
    ],
)
async def test_a_bad_request_changes_nothing(
    client: httpx.AsyncClient,
    agent_csrf: str,
    web: WebState,
    events: RecordedEvents,
    bob: int,
    fields: dict[str, str],
    code: str,
    message: str,
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Untouched")
    form: dict[str, Any] = dict(fields)
    if "ticket_id" in form:
        form["ticket_id"] = form["ticket_id"].replace("TICKET", str(ticket_id)).split(",")
    before = await snapshot(web, ticket_id)
    events.clear()

    response = await bulk(client, agent_csrf, **form)

    assert response.status_code == 303
    location = response.headers["location"]
    kept = f"&bulk_selected={ticket_id}" if "ticket_id" in form else ""
    assert location == f"/agent/queues?sort=age&order=desc&bulk_error={code}{kept}"
    page = await client.get(location)
    assert f'<p class="error" role="alert" id="bulk-error">{message}</p>' in page.text
    # The checked row is checked again, so the agent can fix the request and send it.
    box = f'value="{ticket_id}" data-row-select form="bulk-form"'
    assert (f"{box} checked>" in page.text) == bool(kept)
    assert '<input type="hidden" name="back" value="/agent/queues?sort=age&amp;order=desc">' in (
        page.text
    )
    assert await snapshot(web, ticket_id) == before
    assert events == []


async def test_more_tickets_than_the_cap_are_refused(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Capped")
    before = await snapshot(web, ticket_id)
    ids = [str(ticket_id)] + [str(100000 + i) for i in range(MAX_BULK_TICKETS)]
    events.clear()
    response = await bulk(client, agent_csrf, ticket_id=ids, lock="lock")
    # Too many to carry back in the address: the list comes back unchecked.
    assert (
        response.headers["location"]
        == "/agent/queues?sort=age&order=desc&bulk_error=too_many_tickets"
    )
    page = await client.get(response.headers["location"])
    assert "Select at most 500 tickets at once." in page.text
    assert await snapshot(web, ticket_id) == before
    assert events == []


async def test_the_cap_itself_is_allowed(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="At the cap")
    ids = [str(ticket_id)] + [str(100000 + i) for i in range(MAX_BULK_TICKETS - 1)]
    response = await bulk(client, agent_csrf, ticket_id=ids, priority_id=str(VERY_HIGH))
    assert response.status_code == 200
    assert f"1 of {MAX_BULK_TICKETS} tickets done, {MAX_BULK_TICKETS - 1} failed." in response.text
    assert (await ticket_row(web, ticket_id)).priority_id == VERY_HIGH


async def test_without_the_csrf_token_nothing_changes(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Forged")
    before = await snapshot(web, ticket_id)
    events.clear()
    response = await client.post(
        "/agent/tickets/bulk", data={"ticket_id": str(ticket_id), "lock": "lock"}
    )
    assert response.status_code == 403
    assert await snapshot(web, ticket_id) == before
    assert events == []


async def test_back_goes_only_to_a_ticket_list(client: httpx.AsyncClient, agent_csrf: str) -> None:
    for back in ("https://evil.example/agent/queues", "//evil.example/x", "/agent/preferences"):
        response = await client.post(
            "/agent/tickets/bulk", data={"csrf_token": agent_csrf, "back": back}
        )
        assert response.headers["location"] == "/agent/queues?bulk_error=none_selected"
    response = await client.post(
        "/agent/tickets/bulk",
        data={"csrf_token": agent_csrf, "back": "/agent/search?query=x&bulk_error=old"},
    )
    assert response.headers["location"] == "/agent/search?query=x&bulk_error=none_selected"
