"""The top bar's search suggestions (GET /agent/search/suggest), on both databases.

The agent ``tester`` holds ro in the group ``users`` only; a queue of the group ``secret`` is
out of reach (its tickets belong to the admin, the default owner), so its tickets never appear.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest
from sqlalchemy import update

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.schemas import CustomerUserCreate, GroupCreate
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue.schemas import QueueCreate
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate, TicketCreate
from frontdesk.web.state import WebState
from tests.domain.tickets.people import actor_of, make_agent, transaction
from tests.web.test_pages_agent import log_in

RAW_QUEUE_ID = 2
TESTER_PASSWORD = "tester-password-1"
OPTION = re.compile(r'<a role="option" id="([^"]+)" href="([^"]+)"[^>]*>(.*?)</a>', re.S)
TAG = re.compile(r"<[^>]+>")


async def make_ticket(
    web: WebState, title: str, body: str, *, queue_id: int = RAW_QUEUE_ID, number: str = ""
) -> int:
    async with transaction(web) as tx:
        ticket = await ticket_actions.do_create_ticket(
            tx,
            SYSTEM,
            TicketCreate(title=title, queue_id=queue_id, article=ArticleCreate(body=body)),
        )
        if number:
            await tx.session.execute(
                update(Ticket).where(Ticket.id == ticket.id).values(number=number)
            )
        return ticket.id


async def make_secret_queue(web: WebState) -> int:
    admin = await actor_of(web, "agent", "admin")  # queues are made by administrators only
    async with transaction(web) as tx:
        group = await account_actions.do_create_group(tx, SYSTEM, GroupCreate(name="secret"))
        queue = await catalogue_actions.do_create_queue(
            tx, admin, QueueCreate(name="Secret", group_id=group.id)
        )
        return queue.id


async def make_customer(web: WebState, login: str, first: str, last: str, email: str) -> None:
    async with transaction(web) as tx:
        await account_actions.do_create_customer_user(
            tx,
            SYSTEM,
            CustomerUserCreate(login=login, first_name=first, last_name=last, email=email),
        )


def options(fragment: str) -> list[tuple[str, str, str]]:
    """(id, href, text with the whitespace squeezed) of every option, in order."""
    return [
        (option_id, href, " ".join(html.unescape(TAG.sub(" ", inner)).split()))
        for option_id, href, inner in OPTION.findall(fragment)
    ]


@pytest.fixture
async def tester(client: httpx.AsyncClient, web: WebState) -> httpx.AsyncClient:
    await make_agent(web, "tester", ["ro"], password=TESTER_PASSWORD)
    await log_in(client, "tester", TESTER_PASSWORD, "agent")
    return client


async def suggest(client: httpx.AsyncClient, q: str) -> httpx.Response:
    return await client.get("/agent/search/suggest", params={"q": q})


async def number_of(web: WebState, ticket_id: int) -> str:
    async with web.session_factory() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.number


def ticket_option(ticket_id: int, text: str) -> tuple[str, str, str]:
    return (f"suggest-ticket-{ticket_id}", f"/agent/tickets/{ticket_id}", text)


async def test_number_then_prefix_then_title_then_text(
    tester: httpx.AsyncClient, web: WebState
) -> None:
    secret = await make_secret_queue(web)
    exact = await make_ticket(web, "Printer jams", "Paper everywhere.", number="4711")
    prefix = await make_ticket(web, "Scanner offline", "No light.", number="47115")
    by_title = await make_ticket(web, "Invoice 4711 missing", "Where is it?")
    by_text = await make_ticket(web, "Other", "The customer refers to order 4711 again.")
    await make_ticket(web, "Unrelated", "Nothing here.", number="4712")
    await make_ticket(web, "Secret 4711", "4711", queue_id=secret, number="47119")
    await make_customer(web, "cust4711", "Carla", "Four", "carla@example.com")

    response = await suggest(tester, " 4711 ")

    assert response.status_code == 200
    assert '<ul class="search-suggest-list" role="listbox"' in response.text
    assert options(response.text) == [
        ticket_option(exact, "4711 Printer jams new"),
        ticket_option(prefix, "47115 Scanner offline new"),
        ticket_option(by_title, f"{await number_of(web, by_title)} Invoice 4711 missing new"),
        ticket_option(by_text, f"{await number_of(web, by_text)} Other new"),
        ("suggest-customer-1", "/agent/customers/cust4711", "Customer cust4711 Carla Four"),
    ]


async def test_title_words_before_text_newest_first_ignoring_case(
    tester: httpx.AsyncClient, web: WebState
) -> None:
    secret = await make_secret_queue(web)
    in_text = await make_ticket(web, "Paper jam", "The PRINTER in room 4 is stuck.")
    older_title = await make_ticket(web, "Printer jams", "Paper everywhere.")
    newer_title = await make_ticket(web, "Printers on floor 2", "All of them.")
    await make_ticket(web, "Printer in the vault", "Secret printer.", queue_id=secret)
    await make_ticket(web, "Sprint planning", "A word that only holds the text.")
    await make_customer(web, "pat", "Pat", "Printz", "pat@example.com")
    numbers = {t: await number_of(web, t) for t in (in_text, older_title, newer_title)}

    for q in ("print", "PRINT", "Print"):
        response = await suggest(tester, q)
        assert response.status_code == 200
        assert options(response.text) == [
            ticket_option(newer_title, f"{numbers[newer_title]} Printers on floor 2 new"),
            ticket_option(older_title, f"{numbers[older_title]} Printer jams new"),
            ticket_option(in_text, f"{numbers[in_text]} Paper jam new"),
            ("suggest-customer-1", "/agent/customers/pat", "Customer pat Pat Printz"),
        ], q
    # Every word must match; the last one, still being typed, as the start of a word.
    both = await suggest(tester, "printer JA")
    assert options(both.text) == [
        ticket_option(older_title, f"{numbers[older_title]} Printer jams new")
    ]


async def test_customers_by_login_name_and_email_at_most_five(
    tester: httpx.AsyncClient, web: WebState
) -> None:
    await make_customer(web, "jdoe", "John", "Doe", "john@example.com")
    await make_customer(web, "mmax", "Maria", "Max", "maria@doehring.example")
    await make_customer(web, "ÜLRICH", "Ülrich", "Öster", "u@example.com")
    for index in range(7):
        await make_customer(web, f"bulk{index}", "Bulk", "Person", f"bulk{index}@example.com")

    assert [o[2] for o in options((await suggest(tester, "DOE")).text)] == [
        "Customer jdoe John Doe",
        "Customer mmax Maria Max",
    ]
    assert [o[2] for o in options((await suggest(tester, "john d")).text)] == [
        "Customer jdoe John Doe"
    ]
    assert [o[2] for o in options((await suggest(tester, "ülr")).text)] == [
        "Customer ÜLRICH Ülrich Öster"
    ]
    bulk = options((await suggest(tester, "bulk")).text)
    assert [o[1] for o in bulk] == [f"/agent/customers/bulk{i}" for i in range(5)]


async def test_at_most_eight_tickets(tester: httpx.AsyncClient, web: WebState) -> None:
    ids = [await make_ticket(web, f"Laptop {i}", "Broken.") for i in range(10)]

    found = options((await suggest(tester, "laptop")).text)

    assert [o[0] for o in found] == [f"suggest-ticket-{i}" for i in reversed(ids[2:])]


async def test_unreadable_queue_never_shows(tester: httpx.AsyncClient, web: WebState) -> None:
    secret = await make_secret_queue(web)
    hidden = await make_ticket(web, "Vault printer", "Vault body text.", queue_id=secret)
    number = await number_of(web, hidden)

    for q in (number, number[:-1], "vault", "vault body", "Vault printer"):
        response = await suggest(tester, q)
        assert response.status_code == 200, q
        assert f"/agent/tickets/{hidden}" not in response.text, q
        assert "Vault" not in response.text, q


async def test_empty_query_answers_an_empty_fragment(tester: httpx.AsyncClient) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = await tester.get("/agent/search/suggest", params=params)
        assert response.status_code == 200
        assert response.text.strip() == ""


async def test_no_match_says_so(tester: httpx.AsyncClient) -> None:
    # Full-text operators of both databases are plain characters here.
    for q in ("nothing-matches-this", '"*(:&|!', "a:* | !b", "x" * 200):
        response = await suggest(tester, q)
        assert response.status_code == 200, q
        assert 'role="listbox"' not in response.text
        assert '<p class="search-suggest-message muted" role="status">' in response.text
        assert "No tickets or customers match." in response.text


async def test_too_long_query_is_refused_inline(tester: httpx.AsyncClient) -> None:
    response = await suggest(tester, "x" * 201)

    assert response.status_code == 422
    assert response.text.strip() == (
        '<p class="search-suggest-message field-error" role="alert">'
        "Search for at most 200 characters.</p>"
    )


async def test_markup_in_a_title_is_escaped(tester: httpx.AsyncClient, web: WebState) -> None:
    ticket_id = await make_ticket(web, '<img src=x onerror="alert(1)"> Alarm & co', "Body.")

    response = await suggest(tester, "alarm")

    assert "<img" not in response.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; Alarm &amp; co" in response.text
    assert options(response.text)[0][0] == f"suggest-ticket-{ticket_id}"


async def test_needs_an_agent_login(client: httpx.AsyncClient) -> None:
    response = await suggest(client, "x")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/agent/search/suggest")
