"""Escalated tickets through the API and the agent pages: ``?escalated=true`` returns exactly the
escalated tickets the caller may read, earliest escalation first, and tickets carry their
escalation times. Tickets are created with the ticket actions' clock frozen in January 2026, so
their escalation times lie in the past of the real clock the lists compare with."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue.schemas import QueueCreate
from frontdesk.domain.tickets import actions
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate
from frontdesk.web.state import WebState
from tests.domain.escalations.clock import (
    MISC,
    RAW,
    FrozenClock,
    berlin_calendar,
    freeze,
    set_queue_targets,
)
from tests.domain.tickets.people import Headers, actor_of, make_agent, transaction
from tests.web.test_pages_agent import CUSTOMER_PASSWORD, create_customer_user, log_in

PASSWORD = "agent-password-1"
ROW = re.compile(r'data-ticket-id="(\d+)"')
CALL = {"channel": "phone", "sender": "customer", "body": "The printer is on fire."}


async def _create(client: httpx.AsyncClient, headers: Headers, **fields: Any) -> int:
    body = {"title": "Printer", "queue_id": RAW, "article": CALL, **fields}
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket_id: int = response.json()["id"]
    return ticket_id


async def _listed(client: httpx.AsyncClient, headers: Headers, query: str) -> list[int]:
    response = await client.get(f"/api/v1/tickets?{query}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [item["id"] for item in body["items"]]


class Seeded:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.worker: Headers = {}
        self.boss: Headers = {}
        self.clock: FrozenClock | None = None


@pytest.fixture
async def seeded(
    web: WebState, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> Seeded:
    """Raw escalates after 4 working hours (Berlin office week); Secret, in the admin group,
    the same; Misc never."""
    seeded = Seeded()
    calendar_id = await berlin_calendar(web)
    targets = {"business_calendar_id": calendar_id, "first_response_minutes": 240}
    await set_queue_targets(web, RAW, **targets)
    admin = await actor_of(web, "agent", "admin")
    async with transaction(web) as tx:
        admin_group = await group_id_by_name(tx.session, "admin")
        assert admin_group is not None
        secret = await catalogue_actions.do_create_queue(
            tx, admin, QueueCreate(name="Secret", group_id=admin_group)
        )
    await set_queue_targets(web, secret.id, **targets)
    _, seeded.worker = await make_agent(web, "worker", ["rw"], password=PASSWORD)
    _, seeded.boss = await make_agent(web, "boss", ["ro"], group="admin", password=PASSWORD)
    async with transaction(web) as tx:
        await tx.session.execute(
            update(Agent).where(Agent.login == "worker").values(timezone="Europe/Berlin")
        )

    clock = seeded.clock = freeze(monkeypatch, "2026-01-09 15:00")  # Friday 16:00 in Berlin
    ids = seeded.ids
    ids["friday"] = await _create(client, seeded.worker)  # escalated Monday 11:00
    ids["pending"] = await _create(
        client, seeded.worker, state="pending reminder", pending_until="2026-01-20T09:00:00Z"
    )
    ids["misc"] = await _create(client, seeded.worker, queue_id=MISC)
    ids["answered"] = await _create(client, seeded.worker)
    async with transaction(web) as tx:
        secret_ticket = await actions.do_create_ticket(
            tx,
            SYSTEM,
            TicketCreate(
                title="Secret",
                queue_id=secret.id,
                article=ArticleCreate.model_validate(CALL),
            ),
        )
        ids["secret"] = secret_ticket.id
    clock.set("2026-01-12 08:30")  # Monday 09:30: the answer comes in time
    response = await client.post(
        f"/api/v1/tickets/{ids['answered']}/articles",
        json={"channel": "phone", "body": "Called back"},
        headers=seeded.worker,
    )
    assert response.status_code == 201
    clock.set("2026-01-12 09:00")  # Monday 10:00: escalates at 14:00
    ids["monday"] = await _create(client, seeded.worker)
    clock.now = datetime.now(UTC)  # escalates four working hours from now: not yet
    ids["fresh"] = await _create(client, seeded.worker)
    return seeded


async def test_escalated_true_lists_exactly_the_escalated_tickets_earliest_first(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    ids = seeded.ids
    assert await _listed(client, seeded.worker, "escalated=true") == [
        ids["friday"],
        ids["monday"],
    ]
    not_escalated = await _listed(client, seeded.worker, "escalated=false")
    assert sorted(not_escalated) == sorted(
        [ids["pending"], ids["misc"], ids["answered"], ids["fresh"]]
    )
    # Combined with the other criteria.
    assert await _listed(client, seeded.worker, f"escalated=true&queue_id={MISC}") == []


async def test_tickets_carry_their_escalation_times(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    ids = seeded.ids
    friday = (await client.get(f"/api/v1/tickets/{ids['friday']}", headers=seeded.worker)).json()
    assert {k: v for k, v in friday.items() if k.startswith("escalation_")} == {
        "escalation_response_at": "2026-01-12T10:00:00.000Z",
        "escalation_update_at": None,
        "escalation_solution_at": None,
    }
    monday = (await client.get(f"/api/v1/tickets/{ids['monday']}", headers=seeded.worker)).json()
    assert monday["escalation_response_at"] == "2026-01-12T13:00:00.000Z"
    for name in ("answered", "pending", "misc"):
        ticket = (await client.get(f"/api/v1/tickets/{ids[name]}", headers=seeded.worker)).json()
        assert ticket["escalation_response_at"] is None, name
    fresh = (await client.get(f"/api/v1/tickets/{ids['fresh']}", headers=seeded.worker)).json()
    due = datetime.fromisoformat(fresh["escalation_response_at"].replace("Z", "+00:00"))
    assert due > datetime.now(UTC)


async def test_an_agent_sees_only_escalated_tickets_of_queues_they_may_read(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    assert await _listed(client, seeded.boss, "escalated=true") == [seeded.ids["secret"]]
    assert seeded.ids["secret"] not in await _listed(client, seeded.worker, "escalated=true")


async def test_escalated_must_be_a_boolean(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/api/v1/tickets?escalated=maybe", headers=seeded.worker)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "escalated"


# --- agent pages -------------------------------------------------------------------------------


def _row(html: str, ticket_id: int) -> str:
    start = html.index(f'data-ticket-id="{ticket_id}"')
    return html[start : html.index("</tr>", start)]


async def test_the_escalated_tickets_page_lists_them_earliest_first_in_the_agents_zone(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    await log_in(client, "worker", PASSWORD, "agent")
    response = await client.get("/agent/escalated")
    assert response.status_code == 200
    html = response.text
    assert '<a href="/agent/escalated" aria-current="page">' in html
    assert "<h1>Escalated tickets</h1>" in html
    ids = seeded.ids
    assert [int(i) for i in ROW.findall(html)] == [ids["friday"], ids["monday"]]
    friday = _row(html, ids["friday"])
    # Monday 11:00 in Berlin, the worker's zone; long ago, so its date.
    assert (
        '<span class="badge badge-escalated" data-escalated><time datetime="2026-01-12T10:00:00Z"'
        ' title="2026-01-12 11:00">Escalated 2026-01-12</time></span>'
    ) in friday
    # Paged: one per page, the second page holds the later one.
    second = await client.get("/agent/escalated?limit=1&offset=1")
    assert [int(i) for i in ROW.findall(second.text)] == [ids["monday"]]
    assert (await client.get("/agent/escalated?limit=0")).status_code == 422


async def test_the_escalated_page_of_another_agent_holds_only_their_queues(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    await log_in(client, "boss", PASSWORD, "agent")
    html = (await client.get("/agent/escalated")).text
    assert [int(i) for i in ROW.findall(html)] == [seeded.ids["secret"]]


async def test_queue_view_and_zoom_show_the_escalation(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    ids = seeded.ids
    await log_in(client, "worker", PASSWORD, "agent")
    html = (await client.get(f"/agent/queues?queue_id={RAW}")).text
    assert "badge-escalated" in _row(html, ids["friday"])
    assert "badge-escalates" in _row(html, ids["fresh"])
    assert "badge-escalat" not in _row(html, ids["answered"])

    zoom = (await client.get(f"/agent/tickets/{ids['friday']}")).text
    assert (
        '<dt>First response due</dt><dd data-escalation-time><span class="badge badge-escalated"'
    ) in zoom
    assert '<time datetime="2026-01-12T10:00:00.000Z">2026-01-12 11:00</time></dd>' in zoom
    assert "<dt>Solution due</dt>" not in zoom
    answered = (await client.get(f"/agent/tickets/{ids['answered']}")).text
    assert "data-escalation-time" not in answered and "badge-escalat" not in answered


async def test_customers_see_no_escalation_on_their_pages(
    web: WebState, client: httpx.AsyncClient, seeded: Seeded
) -> None:
    await create_customer_user(web, "jane")
    assert seeded.clock is not None
    seeded.clock.set("2026-01-09 15:00")
    ticket_id = await _create(client, seeded.worker, customer_user="jane")
    ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=seeded.worker)).json()
    assert ticket["escalation_response_at"] == "2026-01-12T10:00:00.000Z"

    await log_in(client, "jane", CUSTOMER_PASSWORD, "customer")
    listing = await client.get("/customer")
    assert listing.status_code == 200
    assert f'data-ticket-id="{ticket_id}"' in listing.text
    assert "badge-escalat" not in listing.text and "Escalat" not in listing.text
    zoom = await client.get(f"/customer/tickets/{ticket_id}")
    assert zoom.status_code == 200
    assert "Escalat" not in zoom.text
