"""Which ticket permission allows which action, through the API, on both databases.

Rows are what the test agent holds in the group ``users`` (the group of every default queue);
OTRS admins grant the narrower types together with ``ro``, so each type is tested with ``ro``.
The rows ``none`` (nothing at all) and ``note without ro`` show that without ``ro`` the ticket is
invisible (404) whatever else is held. Columns are the actions. Each cell asserts the exact
status; for every refusal the ticket is unchanged and no event went out.

Each row is tested twice: granted to the agent directly, and granted to a role the agent is a
member of (OTRS adds both up).

One test per row (each runs every action on a fresh ticket): a test per cell would start the
application 180 times.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.accounts.schemas import RoleCreate
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import Headers, make_agent, transaction

RAW, MISC = 2, 4

ROWS: dict[str, list[str]] = {
    "none": [],
    "ro": ["ro"],
    "move_into": ["ro", "move_into"],
    "create": ["ro", "create"],
    "note": ["ro", "note"],
    "owner": ["ro", "owner"],
    "priority": ["ro", "priority"],
    "rw": ["rw"],
    "note without ro": ["note"],
}
ACTIONS = (
    "view",
    "create in queue",
    "move into queue",
    "add note",
    "change owner",
    "lock",
    "change priority",
    "change state",
    "reply visible to customer",
    "change title",
)
# The action that each permission type unlocks (besides rw, which unlocks all).
UNLOCKS = {
    "create in queue": "create",
    "move into queue": "move_into",
    "add note": "note",
    "change owner": "owner",
    "lock": "owner",
    "change priority": "priority",
}
SUCCESS = {"create in queue": 201, "add note": 201, "reply visible to customer": 201}


def expected_status(row: str, action: str) -> int:
    granted = set(ROWS[row])
    if action == "create in queue":
        # Creating needs no visible ticket: a refusal is 403.
        return 201 if granted & {"create", "rw"} else 403
    if not granted & {"ro", "rw"}:
        return 404
    if action == "view" or "rw" in granted or UNLOCKS.get(action) in granted:
        return SUCCESS.get(action, 200)
    return 403


Request = Callable[[httpx.AsyncClient, int, Headers, int], Awaitable[httpx.Response]]


def _patch(body: dict[str, Any]) -> Request:
    async def run(
        client: httpx.AsyncClient, ticket_id: int, headers: Headers, _: int
    ) -> httpx.Response:
        return await client.patch(f"/api/v1/tickets/{ticket_id}", json=body, headers=headers)

    return run


def _article(body: dict[str, Any]) -> Request:
    async def run(
        client: httpx.AsyncClient, ticket_id: int, headers: Headers, _: int
    ) -> httpx.Response:
        return await client.post(
            f"/api/v1/tickets/{ticket_id}/articles", json=body, headers=headers
        )

    return run


async def _view(
    client: httpx.AsyncClient, ticket_id: int, headers: Headers, _: int
) -> httpx.Response:
    return await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)


async def _create(client: httpx.AsyncClient, _: int, headers: Headers, __: int) -> httpx.Response:
    return await client.post("/api/v1/tickets", json=_new_ticket(), headers=headers)


async def _change_owner(
    client: httpx.AsyncClient, ticket_id: int, headers: Headers, new_owner_id: int
) -> httpx.Response:
    return await _patch({"owner_id": new_owner_id})(client, ticket_id, headers, new_owner_id)


REQUESTS: dict[str, Request] = {
    "view": _view,
    "create in queue": _create,
    "move into queue": _patch({"queue_id": MISC}),
    "add note": _article({"channel": "internal", "body": "note"}),
    "change owner": _change_owner,
    "lock": _patch({"lock": "lock"}),
    "change priority": _patch({"priority": "5 very high"}),
    "change state": _patch({"state": "open"}),
    "reply visible to customer": _article({"channel": "email", "body": "Dear customer"}),
    "change title": _patch({"title": "New title"}),
}


def _new_ticket() -> dict[str, Any]:
    return {"title": "Matrix", "queue_id": RAW, "article": {"body": "Hello"}}


async def _snapshot(client: httpx.AsyncClient, ticket_id: int, headers: Headers) -> Any:
    ticket = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    articles = await client.get(f"/api/v1/tickets/{ticket_id}/articles", headers=headers)
    history = await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=headers)
    return ticket.json(), articles.json()["total"], history.json()["total"]


async def _grant_through_role(web: WebState, agent_id: int, permissions: list[str]) -> None:
    async with transaction(web) as tx:
        role = await account_actions.do_create_role(tx, SYSTEM, RoleCreate(name="Matrix role"))
        group_id = await group_id_by_name(tx.session, "users")
        assert group_id is not None
        if permissions:
            await account_actions.do_set_role_group_permissions(
                tx, SYSTEM, group_id, role.id, permissions
            )
        await account_actions.do_add_role_member(tx, SYSTEM, role.id, agent_id)


@pytest.mark.parametrize("granted_through", ["agent", "role"])
@pytest.mark.parametrize("row", list(ROWS))
async def test_permission_matrix(
    row: str,
    granted_through: str,
    client: httpx.AsyncClient,
    web: WebState,
    events: RecordedEvents,
) -> None:
    _, boss = await make_agent(web, "boss", ["rw"])
    new_owner_id, _ = await make_agent(web, "heir", ["owner"])
    if granted_through == "agent":
        _, agent = await make_agent(web, "tester", ROWS[row])
    else:
        tester_id, agent = await make_agent(web, "tester", [])
        await _grant_through_role(web, tester_id, ROWS[row])
    outcomes: dict[str, int] = {}
    for action in ACTIONS:
        created = await client.post("/api/v1/tickets", json=_new_ticket(), headers=boss)
        assert created.status_code == 201
        ticket_id = created.json()["id"]
        before = await _snapshot(client, ticket_id, boss)
        tickets_before = (await client.get("/api/v1/tickets", headers=boss)).json()["total"]
        events.clear()
        response = await REQUESTS[action](client, ticket_id, agent, new_owner_id)
        outcomes[action] = response.status_code
        if response.status_code >= 400:
            assert await _snapshot(client, ticket_id, boss) == before, action
            tickets_after = (await client.get("/api/v1/tickets", headers=boss)).json()["total"]
            assert tickets_after == tickets_before, action
            assert events == [], action
            code = response.json()["error"]["code"]
            assert code == (
                "ticket_not_found" if response.status_code == 404 else "permission_denied"
            ), action
        elif action != "view":
            assert events != [], action
    assert outcomes == {action: expected_status(row, action) for action in ACTIONS}
