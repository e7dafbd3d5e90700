"""Every ticket list of the agent interface: sort and filters on search results, the dashboard
panels and a customer's tickets (exact row order, inline messages, pager links that keep the
parameters); the agent's columns and density; saved views.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.tickets.models import SavedTicketView
from frontdesk.web.state import WebState
from tests.web.test_pages_agent import RAW_QUEUE_ID, log_in
from tests.web.ticket_list_seeding import (
    ADMIN_ID,
    BEA_PASSWORD,
    STATE_CLOSED,
    STATE_NEW,
    STATE_OPEN,
    SeededTickets,
    TicketRows,
    seed_tickets,
)

NEXT_PATTERN = re.compile(r'<a href="([^"]+)" rel="next">')

TICKETS: TicketRows = {
    "A": ("Bravo printer", "alice", 3, STATE_NEW, 30, False, False),
    "B": ("Alpha invoice", "alice", 5, STATE_OPEN, 10, True, True),
    "C": ("Charlie login", "alice", 1, STATE_NEW, 2, False, True),
    "D": ("Delta closed", "bob", 2, STATE_CLOSED, 50, False, True),
    "E": ("Echo new", "alice", 4, STATE_NEW, 20, False, False),
}


@dataclass
class Lists(SeededTickets):
    client: httpx.AsyncClient = field(kw_only=True)

    async def get(self, url: str, status: int = 200) -> str:
        response = await self.client.get(url)
        assert response.status_code == status, response.text
        return response.text

    async def rows(self, url: str) -> str:
        return self.letters(await self.get(url))


@pytest.fixture
async def lists(client: httpx.AsyncClient, web: WebState) -> Lists:
    seeded = await seed_tickets(client, web, TICKETS, ("alice", "bob"))
    return Lists(seeded.csrf, seeded.ids, seeded.bea_id, client=client)


def problems(text: str) -> list[str]:
    block = re.search(r'<div class="notice list-problems" role="status">(.*?)</div>', text, re.S)
    if block is None:
        return []
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", block.group(1))]


# --- search -------------------------------------------------------------------------------------

SEARCH = "/agent/search?query=&state=any"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "CBEAD"),
        ("&sort=priority", "CDAEB"),
        ("&sort=priority&order=desc", "BEADC"),
        ("&sort=title", "BACDE"),
        ("&owner=me", "CEAD"),
        ("&lock=locked", "CBD"),
        ("&age=25", "AD"),
        ("&priority=4", "E"),
        ("&owner=me&lock=unlocked&sort=age&order=asc", "AE"),
    ],
)
async def test_search_results_sort_and_filter(lists: Lists, query: str, expected: str) -> None:
    text = await lists.get(SEARCH + query)
    assert lists.letters(text) == expected
    assert problems(text) == []


async def test_search_sorts_full_text_matches(lists: Lists) -> None:
    # Every ticket's first article says "The printer is on fire."
    assert await lists.rows("/agent/search?query=printer&state=any&sort=customer") == "AEBCD"
    assert await lists.rows("/agent/search?query=printer&state=any&sort=priority") == "CDAEB"


async def test_pager_drops_the_report_of_the_last_form(lists: Lists) -> None:
    text = await lists.get(QUEUE + "&limit=2&done=columns")
    next_url = html.unescape(NEXT_PATTERN.search(text).group(1))  # type: ignore[union-attr]
    assert "done" not in next_url
    assert next_url == f"/agent/queues?queue_id={RAW_QUEUE_ID}&state=all&offset=2&limit=2"


async def test_search_keeps_its_own_state_field_with_the_list_filters(lists: Lists) -> None:
    assert await lists.rows("/agent/search?query=&state=closed&sort=title") == "D"
    assert await lists.rows("/agent/search?query=&state=open&lock=locked") == "CB"


async def test_search_bad_values_answer_inline_and_show_the_default_list(lists: Lists) -> None:
    text = await lists.get(SEARCH + "&sort=colour&order=sideways&priority=9&owner=x&age=-1")
    assert lists.letters(text) == "CBEAD"
    assert problems(text) == [
        "Unknown sort column; sorted by age.",
        "The order must be asc or desc; sorted descending.",
        "Unknown priority; showing every priority.",
        "The owner must be me, unassigned or an agent id; showing every owner.",
        "The age must be a whole number of hours; showing every age.",
    ]


async def test_search_pager_and_headers_keep_the_parameters(lists: Lists) -> None:
    text = await lists.get(SEARCH + "&sort=title&owner=me&limit=2")
    assert lists.letters(text) == "AC"
    next_url = html.unescape(NEXT_PATTERN.search(text).group(1))  # type: ignore[union-attr]
    assert await lists.rows(next_url) == "DE"
    header = re.search(r'<a class="sort-link" href="([^"]+)">Priority', text)
    assert header is not None
    assert await lists.rows(html.unescape(header.group(1))) == "CD"


# --- dashboard ----------------------------------------------------------------------------------


async def dashboard_panels(lists: Lists, query: str = "") -> tuple[str, str, str]:
    """The rows of the new and the locked panel, and the page."""
    text = await lists.get(f"/agent{query}")
    new, locked = text.split('id="panel-locked"', 1)
    return lists.letters(new), lists.letters(locked.split('id="panel-online"', 1)[0]), text


@pytest.mark.parametrize(
    ("query", "new", "locked"),
    [
        ("?new_sort=age", "AEC", None),
        ("?new_sort=priority", "CAE", None),
        ("?new_sort=priority&new_order=desc", "EAC", None),
        ("?locked_sort=age", "AEC", "DC"),
        ("?locked_sort=priority&locked_order=desc", "AEC", "DC"),
        ("?locked_sort=title", "AEC", "CD"),
        ("?new_sort=title&new_order=desc&locked_sort=title", "ECA", "CD"),
    ],
)
async def test_each_dashboard_panel_sorts_by_its_own_parameters(
    lists: Lists, query: str, new: str, locked: str | None
) -> None:
    shown_new, shown_locked, text = await dashboard_panels(lists, query)
    assert shown_new == new
    if locked is not None:
        assert shown_locked == locked
    assert problems(text) == []


async def test_dashboard_default_order_and_bad_panel_sort(lists: Lists) -> None:
    shown_new, _locked, text = await dashboard_panels(lists, "?new_sort=colour&locked_order=up")
    assert shown_new == "AEC"
    assert problems(text) == ["Unknown sort column; sorted by age."]
    assert "The order must be asc or desc; sorted ascending." in text


async def test_dashboard_sort_links_and_refresh_keep_both_panels(lists: Lists) -> None:
    _new, _locked, text = await dashboard_panels(lists, "?locked_sort=title")
    new_part = text.split('id="panel-locked"', 1)[0]
    header = re.search(r'<a class="sort-link" href="([^"]+)">Priority', new_part)
    assert header is not None
    assert html.unescape(header.group(1)) == (
        "/agent?locked_sort=title&new_sort=priority&new_order=asc"
    )
    assert 'hx-get="/agent/dashboard/panels?locked_sort=title"' in text
    panels = await lists.get("/agent/dashboard/panels?locked_sort=title&new_sort=priority")
    assert lists.letters(panels) == "CAE" + "CD"


async def test_dashboard_panels_open_as_list_in_the_queue_view(lists: Lists) -> None:
    _new, _locked, text = await dashboard_panels(lists, "?new_sort=priority")
    links = [html.unescape(m) for m in re.findall(r'<a href="([^"]+)">Open as list', text)]
    assert links == [
        "/agent/queues?state=new&sort=priority",
        "/agent/queues?state=all&owner=me&lock=locked",
    ]
    assert await lists.rows(links[0]) == "CAE"
    assert await lists.rows(links[1]) == "DC"


# --- customer information center ----------------------------------------------------------------

ALICE = "/agent/customers/alice"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "CBEA"),
        ("?sort=priority", "CAEB"),
        ("?sort=age&order=asc", "AEBC"),
        ("?state=new", "CEA"),
        ("?state=open&sort=title", "BACE"),
        ("?state=closed", ""),
        ("?priority=4", "E"),
        ("?owner=me", "CEA"),
        ("?owner=" + "unassigned", "CEA"),
        ("?lock=locked&sort=title", "BC"),
        ("?age=15", "EA"),
    ],
)
async def test_customer_tickets_sort_and_filter(lists: Lists, query: str, expected: str) -> None:
    text = await lists.get(ALICE + query)
    assert lists.letters(text) == expected
    assert problems(text) == []
    assert "Tickets (4 open of 4)" in text


async def test_customer_tickets_bad_values_answer_inline(lists: Lists) -> None:
    text = await lists.get(ALICE + "?state=gone&lock=maybe")
    assert lists.letters(text) == "CBEA"
    assert problems(text) == [
        "Unknown state; showing every state.",
        "The lock must be locked or unlocked; showing both.",
    ]


async def test_customer_tickets_pager_keeps_the_parameters(lists: Lists) -> None:
    text = await lists.get(ALICE + "?sort=priority&limit=2")
    assert lists.letters(text) == "CA"
    next_url = html.unescape(NEXT_PATTERN.search(text).group(1))  # type: ignore[union-attr]
    assert next_url.startswith(ALICE + "?")
    assert await lists.rows(next_url) == "EB"


# --- columns and density ------------------------------------------------------------------------

QUEUE = f"/agent/queues?queue_id={RAW_QUEUE_ID}&state=all"


def headers(text: str) -> list[str]:
    """The data columns' headers; the bulk bar's checkbox column is not one of them."""
    table = text.split('<table class="data density-', 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r"<th scope=\"col\"(?! class=\"select-cell\")[^>]*>(.*?)</th>", table, re.S)
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip() for cell in cells]


def first_row_cells(text: str) -> int:
    row = text.split("<tr data-list-row", 1)[1].split("</tr>", 1)[0]
    return row.count("<td") - row.count('<td class="select-cell"')


@pytest.fixture
async def bea_client(app: Any) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, ""


async def log_in_bea(bea_client: tuple[httpx.AsyncClient, str]) -> tuple[httpx.AsyncClient, str]:
    client, _ = bea_client
    return client, await log_in(client, "bea", BEA_PASSWORD, "agent")


async def choose_columns(lists: Lists, columns: list[str], back: str = QUEUE) -> httpx.Response:
    return await lists.client.post(
        "/agent/lists/columns",
        data={"csrf_token": lists.csrf, "columns": columns, "back": back},
    )


ALL_HEADERS = ["Ticket#", "Title", "Customer", "State", "Priority", "Queue", "Owner", "Lock"]


async def test_every_column_shows_until_the_agent_chooses(lists: Lists) -> None:
    text = await lists.get(QUEUE)
    assert headers(text) == [*ALL_HEADERS, "Created"]
    assert first_row_cells(text) == 9


async def test_chosen_columns_are_exactly_the_ones_shown_on_every_list(lists: Lists) -> None:
    response = await choose_columns(lists, ["owner", "state"], QUEUE + "&sort=title")
    assert response.status_code == 303
    assert response.headers["location"] == QUEUE + "&sort=title&done=columns"
    text = await lists.get(response.headers["location"])
    assert headers(text) == ["Ticket#", "Title", "State", "Owner"]
    assert first_row_cells(text) == 4
    assert "Columns saved." in text
    assert re.findall(r'name="columns" value="(\w+)" checked', text) == ["state", "owner"]
    for url in (SEARCH, ALICE, "/agent"):
        assert headers(await lists.get(url)) == ["Ticket#", "Title", "State", "Owner"]


async def test_no_optional_column_leaves_ticket_number_and_title(lists: Lists) -> None:
    assert (await choose_columns(lists, [])).status_code == 303
    text = await lists.get(QUEUE)
    assert headers(text) == ["Ticket#", "Title"]
    assert first_row_cells(text) == 2


async def test_an_unknown_column_is_refused_and_nothing_changes(lists: Lists) -> None:
    assert (await choose_columns(lists, ["queue"])).status_code == 303
    response = await choose_columns(lists, ["owner", "colour"])
    assert response.status_code == 422
    assert headers(await lists.get(QUEUE)) == ["Ticket#", "Title", "Queue"]


async def test_columns_are_per_agent(
    lists: Lists, bea_client: tuple[httpx.AsyncClient, str]
) -> None:
    await choose_columns(lists, ["lock"])
    client, _csrf = await log_in_bea(bea_client)
    response = await client.get(QUEUE)
    assert headers(response.text) == [*ALL_HEADERS, "Created"]


async def test_the_form_comes_back_only_to_an_agent_page(lists: Lists) -> None:
    for back in ("https://evil.example/agent", "//evil.example/agent", "/customer"):
        response = await choose_columns(lists, ["state"], back)
        assert response.headers["location"] == "/agent/queues?done=columns"


async def test_density_toggles_the_table_class_per_agent(
    lists: Lists, bea_client: tuple[httpx.AsyncClient, str]
) -> None:
    text = await lists.get(QUEUE)
    assert '<table class="data density-comfortable">' in text
    assert '<input type="hidden" name="density" value="compact">' in text
    response = await lists.client.post(
        "/agent/lists/density", data={"csrf_token": lists.csrf, "density": "compact", "back": QUEUE}
    )
    assert response.status_code == 303
    assert response.headers["location"] == QUEUE + "&done=density"
    for url in (QUEUE, SEARCH, ALICE):
        assert '<table class="data density-compact">' in await lists.get(url)
    assert ">Comfortable rows</button>" in await lists.get(QUEUE)
    refused = await lists.client.post(
        "/agent/lists/density", data={"csrf_token": lists.csrf, "density": "tiny", "back": QUEUE}
    )
    assert refused.status_code == 422
    assert '<table class="data density-compact">' in await lists.get(QUEUE)
    client, _csrf = await log_in_bea(bea_client)
    assert '<table class="data density-comfortable">' in (await client.get(QUEUE)).text


# --- saved views --------------------------------------------------------------------------------

SAVED_LINK = re.compile(r'<a href="([^"]+)" data-saved-view>([^<]*)</a>')


async def save_view(client: httpx.AsyncClient, csrf: str, name: str, back: str) -> httpx.Response:
    return await client.post("/agent/views", data={"csrf_token": csrf, "name": name, "back": back})


def saved_links(text: str) -> list[tuple[str, str]]:
    return [(html.unescape(url), html.unescape(name)) for url, name in SAVED_LINK.findall(text)]


async def stored_views(web: WebState) -> list[tuple[int, str, str]]:
    async with unit_of_work(web.session_factory) as session:
        rows = await session.execute(
            select(SavedTicketView.agent_id, SavedTicketView.name, SavedTicketView.query).order_by(
                SavedTicketView.id
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_save_a_view_keeping_only_the_list_parameters(lists: Lists, web: WebState) -> None:
    back = (
        f"/agent/queues?queue_id={RAW_QUEUE_ID}&offset=25&state=new&bogus=1&sort=priority"
        "&done=columns"
    )
    response = await save_view(lists.client, lists.csrf, "  New by priority ", back)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/agent/queues?queue_id={RAW_QUEUE_ID}&offset=25&state=new&bogus=1&sort=priority"
        "&done=view_saved"
    )
    url = f"/agent/queues?queue_id={RAW_QUEUE_ID}&sort=priority&state=new"
    assert await stored_views(web) == [(ADMIN_ID, "New by priority", url.split("?", 1)[1])]
    text = await lists.get(response.headers["location"])
    assert "View saved." in text
    assert saved_links(text) == [(url, "New by priority")]
    assert saved_links(await lists.get("/agent")) == [(url, "New by priority")]
    assert await lists.rows(url) == "CAE"


async def test_saved_views_are_listed_by_name(lists: Lists) -> None:
    for name, query in (("zeta", "state=closed"), ("Alpha", "owner=me"), ("mid", "")):
        await save_view(lists.client, lists.csrf, name, f"/agent/queues?{query}")
    assert saved_links(await lists.get("/agent/queues")) == [
        ("/agent/queues?owner=me", "Alpha"),
        ("/agent/queues", "mid"),
        ("/agent/queues?state=closed", "zeta"),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The name must have 1 to 60 characters."),
        ("   ", "The name must have 1 to 60 characters."),
        ("x" * 61, "The name must have 1 to 60 characters."),
        ("tab\there", "The name must not contain control characters."),
        ("MINE", "You already have a saved view of this name."),
    ],
)
async def test_a_bad_name_is_answered_on_the_list_and_nothing_is_saved(
    lists: Lists, web: WebState, name: str, message: str
) -> None:
    await save_view(lists.client, lists.csrf, "mine", "/agent/queues?state=new")
    response = await save_view(lists.client, lists.csrf, name, "/agent/queues?state=all")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/agent/queues?state=all&view_error=")
    text = await lists.get(location)
    assert f'<p class="field-error" id="view-name-error">{html.escape(message)}</p>' in text
    assert await stored_views(web) == [(ADMIN_ID, "mine", "state=new")]


async def test_sixty_characters_are_enough(lists: Lists, web: WebState) -> None:
    response = await save_view(lists.client, lists.csrf, "y" * 60, "/agent/queues")
    assert response.headers["location"] == "/agent/queues?done=view_saved"
    assert await stored_views(web) == [(ADMIN_ID, "y" * 60, "")]


async def test_delete_own_saved_view(lists: Lists, web: WebState) -> None:
    await save_view(lists.client, lists.csrf, "mine", "/agent/queues?state=new")
    async with unit_of_work(web.session_factory) as session:
        view_id = await session.scalar(select(SavedTicketView.id))
    response = await lists.client.post(
        f"/agent/views/{view_id}/delete", data={"csrf_token": lists.csrf, "back": QUEUE}
    )
    assert response.status_code == 303
    assert response.headers["location"] == QUEUE + "&done=view_deleted"
    text = await lists.get(response.headers["location"])
    assert "Saved view deleted." in text
    assert saved_links(text) == []
    assert await stored_views(web) == []


async def test_another_agent_neither_sees_nor_deletes_a_saved_view(
    lists: Lists, web: WebState, bea_client: tuple[httpx.AsyncClient, str]
) -> None:
    await save_view(lists.client, lists.csrf, "mine", "/agent/queues?state=new")
    async with unit_of_work(web.session_factory) as session:
        view_id = await session.scalar(select(SavedTicketView.id))
    client, csrf = await log_in_bea(bea_client)
    assert saved_links((await client.get("/agent/queues")).text) == []
    assert saved_links((await client.get("/agent")).text) == []
    response = await client.post(
        f"/agent/views/{view_id}/delete", data={"csrf_token": csrf, "back": QUEUE}
    )
    assert response.status_code == 404
    assert "This ticket or page does not exist, or you may not see it." in response.text
    assert await stored_views(web) == [(ADMIN_ID, "mine", "state=new")]
    # Bea may use the same name for a view of her own.
    await save_view(client, csrf, "mine", "/agent/queues?owner=me")
    assert saved_links((await client.get("/agent/queues")).text) == [
        ("/agent/queues?owner=me", "mine")
    ]
    assert saved_links(await lists.get("/agent/queues")) == [("/agent/queues?state=new", "mine")]
