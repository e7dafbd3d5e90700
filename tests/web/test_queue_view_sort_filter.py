"""The agent queue view sorted and filtered through its URL: row order for every sort column,
every filter, pager and header links that keep the parameters, and bad values answered with an
inline message and the default list.
"""

from __future__ import annotations

import re

import httpx
import pytest

from frontdesk.web.state import WebState
from tests.web.test_pages_agent import RAW_QUEUE_ID
from tests.web.ticket_list_seeding import (
    ROW_PATTERN,
    STATE_CLOSED,
    STATE_NEW,
    STATE_OPEN,
    STATE_PENDING,
    TicketRows,
    seed_tickets,
)

TICKETS: TicketRows = {
    "A": ("Bravo printer", "carol", 3, STATE_NEW, 30, False, False),
    "B": ("Alpha invoice", "alice", 5, STATE_OPEN, 10, True, True),
    "C": ("Charlie login", "", 1, STATE_PENDING, 2, False, True),
    "D": ("Delta closed", "bob", 2, STATE_CLOSED, 50, True, False),
}


class QueueList:
    def __init__(self, client: httpx.AsyncClient, ids: dict[str, int], bea_id: int) -> None:
        self.client = client
        self.ids = ids
        self.names = {ticket_id: name for name, ticket_id in ids.items()}
        self.bea_id = bea_id

    async def get(self, query: str) -> httpx.Response:
        response = await self.client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}&{query}")
        assert response.status_code == 200, response.text
        return response

    async def rows(self, query: str) -> str:
        """The tickets of the list in the order shown, as their letters ("ABC")."""
        response = await self.get(query)
        return "".join(self.names[int(i)] for i in ROW_PATTERN.findall(response.text))


@pytest.fixture
async def queue_list(client: httpx.AsyncClient, web: WebState) -> QueueList:
    seeded = await seed_tickets(client, web, TICKETS, ("alice", "bob", "carol"))
    return QueueList(client, seeded.ids, seeded.bea_id)


async def test_default_is_open_tickets_oldest_first(queue_list: QueueList) -> None:
    assert await queue_list.rows("") == "ABC"


@pytest.mark.parametrize(
    ("sort", "ascending", "descending"),
    [
        ("number", "ABCD", "DCBA"),
        ("title", "BACD", "DCAB"),
        ("customer", "CBDA", "ADBC"),
        ("state", "DABC", "CBAD"),
        ("priority", "CDAB", "BADC"),
        ("owner", "ACDB", "BDCA"),
        ("lock", "BCDA", "ADCB"),
        ("age", "DABC", "CBAD"),
    ],
)
async def test_every_column_sorts_both_ways(
    queue_list: QueueList, sort: str, ascending: str, descending: str
) -> None:
    assert await queue_list.rows(f"state=all&sort={sort}&order=asc") == ascending
    assert await queue_list.rows(f"state=all&sort={sort}&order=desc") == descending
    # Without an order a column sorts ascending.
    assert await queue_list.rows(f"state=all&sort={sort}") == ascending


async def test_sorted_header_carries_aria_sort_an_arrow_and_the_toggle_link(
    queue_list: QueueList,
) -> None:
    page = (await queue_list.get("sort=title&order=asc&state=all")).text
    base = f"/agent/queues?queue_id={RAW_QUEUE_ID}&amp;state=all"
    assert (
        f'<th scope="col" aria-sort="ascending"><a class="sort-link" '
        f'href="{base}&amp;sort=title&amp;order=desc">Title<svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-chevron-up"></use></svg></a></th>'
    ) in page
    # The other headers sort ascending by their own column and carry no aria-sort.
    assert (
        f'<th scope="col"><a class="sort-link" href="{base}&amp;sort=priority&amp;order=asc">'
        'Priority<svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-sort"></use></svg></a></th>'
    ) in page
    assert page.count("aria-sort=") == 1
    assert '<link rel="stylesheet" href="/static/css/ticket-lists.css">' in page

    descending = (await queue_list.get("sort=title&order=desc&state=all")).text
    assert (
        f'<th scope="col" aria-sort="descending"><a class="sort-link" '
        f'href="{base}&amp;sort=title&amp;order=asc">Title<svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-chevron-down"></use></svg></a></th>'
    ) in descending


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("state=all", "DABC"),
        ("state=open", "ABC"),
        ("state=new", "A"),
        ("state=pending", "C"),
        ("state=closed", "D"),
        ("state=closed+successful", "D"),
        ("state=pending+reminder", "C"),
        ("priority=5", "B"),
        ("priority=2", ""),
        ("priority=2&state=all", "D"),
        ("owner=me", "AC"),
        ("owner=unassigned", "AC"),
        ("owner={bea}", "B"),
        ("owner={bea}&state=all", "DB"),
        ("lock=locked", "BC"),
        ("lock=unlocked", "A"),
        ("age=24", "A"),
        ("age=24&state=all", "DA"),
        ("age=0", "ABC"),
        ("age=100", ""),
        ("lock=locked&owner=me&sort=age&order=desc", "C"),
    ],
)
async def test_filters(queue_list: QueueList, query: str, rows: str) -> None:
    assert await queue_list.rows(query.format(bea=queue_list.bea_id)) == rows


async def test_filter_form_shows_the_current_values(queue_list: QueueList) -> None:
    page = (await queue_list.get("state=closed&priority=2&owner=me&lock=unlocked&age=5")).text
    assert '<form class="list-filters" method="get" action="/agent/queues"' in page
    assert f'<input type="hidden" name="queue_id" value="{RAW_QUEUE_ID}">' in page
    assert '<label for="filter-state">State</label>' in page
    assert '<option value="closed" selected>closed</option>' in page
    assert '<option value="2" selected>2 low</option>' in page
    assert '<option value="me" selected>me</option>' in page
    assert '<option value="unlocked" selected>unlocked</option>' in page
    assert (
        '<input id="filter-age" name="age" type="number" value="5" min="0" step="1"'
        ' inputmode="numeric">'
    ) in page
    assert "No tickets match these filters." in page


async def test_pager_links_keep_sort_and_filters(queue_list: QueueList) -> None:
    query = "state=all&sort=title&order=desc&lock=unlocked&limit=1"
    first = (await queue_list.get(query)).text
    assert [queue_list.names[int(i)] for i in ROW_PATTERN.findall(first)] == ["D"]
    assert "1–1 of 2" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_link is not None
    assert next_link.group(1) == (
        f"/agent/queues?queue_id={RAW_QUEUE_ID}&amp;state=all&amp;sort=title"
        "&amp;order=desc&amp;lock=unlocked&amp;offset=1&amp;limit=1"
    )
    second = await queue_list.client.get(next_link.group(1).replace("&amp;", "&"))
    assert [queue_list.names[int(i)] for i in ROW_PATTERN.findall(second.text)] == ["A"]
    assert "2–2 of 2" in second.text
    prev_link = re.search(r'<a href="([^"]+)" rel="prev">', second.text)
    assert prev_link is not None
    assert "sort=title&amp;order=desc&amp;lock=unlocked" in prev_link.group(1)
    # A header link starts again at the first page.
    assert "offset=" not in re.findall(r'class="sort-link" href="([^"]+)"', second.text)[0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=bogus", "Unknown sort column; sorted by age."),
        ("sort=age&order=up", "The order must be asc or desc; sorted ascending."),
        ("state=nope", "Unknown state; showing open tickets."),
        ("state=merged", "Unknown state; showing open tickets."),
        ("priority=99", "Unknown priority; showing every priority."),
        ("priority=abc", "Unknown priority; showing every priority."),
        ("priority=99999999999999999999", "Unknown priority; showing every priority."),
        (
            "owner=someone",
            "The owner must be me, unassigned or an agent id; showing every owner.",
        ),
        ("owner=-1", "The owner must be me, unassigned or an agent id; showing every owner."),
        ("lock=maybe", "The lock must be locked or unlocked; showing both."),
        ("age=-3", "The age must be a whole number of hours; showing every age."),
        ("age=1e9", "The age must be a whole number of hours; showing every age."),
        ("age=%C2%B2", "The age must be a whole number of hours; showing every age."),
        ("age=99999999999", "The age must be a whole number of hours; showing every age."),
    ],
)
async def test_bad_values_give_a_message_and_the_default_list(
    queue_list: QueueList, query: str, message: str
) -> None:
    response = await queue_list.get(query)
    assert f"<li>{message}</li>" in response.text
    assert '<div class="notice list-problems" role="status">' in response.text
    assert "".join(queue_list.names[int(i)] for i in ROW_PATTERN.findall(response.text)) == "ABC"


async def test_good_values_keep_working_next_to_a_bad_one(queue_list: QueueList) -> None:
    response = await queue_list.get("state=all&sort=bogus&lock=locked")
    assert "<li>Unknown sort column; sorted by age.</li>" in response.text
    assert "".join(queue_list.names[int(i)] for i in ROW_PATTERN.findall(response.text)) == "BC"


async def test_no_message_without_bad_values(queue_list: QueueList) -> None:
    response = await queue_list.get("state=all&sort=owner&order=desc")
    assert "list-problems" not in response.text
