"""Every chat action for every kind of caller: visitor, customer, agent without chat permission,
observer, participant, owner and admin. Allowed calls succeed; denied ones answer 403/404/409
and change nothing: no stored event, no bus event (CH-3 … CH-7, CH-50)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.core.actor import SYSTEM
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.chat.models import Chat, ChatEvent, ChatMember
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk
from tests.domain.tickets.people import bearer, transaction

Headers = dict[str, str]
ROLES = ("visitor", "customer", "no_chat_agent", "observer", "participant", "owner", "admin")


@pytest.fixture
async def scene(client: httpx.AsyncClient, web: WebState) -> tuple[Desk, int, dict[str, Headers]]:
    desk = await make_desk(client, web)
    async with transaction(web) as tx:
        await account_actions.do_set_agent_group_permissions(
            tx, SYSTEM, 1, desk.olga_id, ["ro", "create", "rw", "chat_owner"]
        )
        admin = await bearer(tx, "agent", 1)
    chat_id, visitor = await desk.accepted_public_chat()
    for agent_id, headers, role in (
        (desk.otto_id, desk.otto, "observer"),
        (desk.paul_id, desk.paul, "participant"),
    ):
        await desk.invite_and_accept(chat_id, agent_id, headers)
        joined = await client.post(
            f"/api/v1/chats/{chat_id}/join", json={"as": role}, headers=headers
        )
        assert joined.status_code == 200, joined.text
    callers = {
        "visitor": visitor,
        "customer": desk.cora,
        "no_chat_agent": desk.nick,
        "observer": desk.otto,
        "participant": desk.paul,
        "owner": desk.olga,
        "admin": admin,
    }
    return desk, chat_id, callers


async def snapshot(web: WebState) -> tuple[int, ...]:
    async with unit_of_work(web.session_factory) as session:
        counts = []
        for model in (Chat, ChatEvent, ChatMember):
            counts.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
        closed = await session.scalar(
            select(func.count()).select_from(Chat).where(Chat.status == "closed")
        )
        counts.append(int(closed or 0))
        return tuple(counts)


def call(action: str, chat_id: int, desk: Desk) -> tuple[str, str, Any]:
    return {
        "get": ("GET", f"/api/v1/chats/{chat_id}", None),
        "events": ("GET", f"/api/v1/chats/{chat_id}/events", None),
        "message": ("POST", f"/api/v1/chats/{chat_id}/messages", {"text": "hello"}),
        "accept": ("POST", f"/api/v1/chats/{chat_id}/accept", None),
        "monitor": ("PUT", f"/api/v1/chats/{chat_id}/monitor", {"level": "all"}),
        "invite": ("POST", f"/api/v1/chats/{chat_id}/invite", {"agent_id": 1}),
        "join_observer": ("POST", f"/api/v1/chats/{chat_id}/join", {"as": "observer"}),
        "channel": (
            "POST",
            f"/api/v1/chats/{chat_id}/channel",
            {"channel_id": desk.default_channel_id},
        ),
        "phone_ticket": ("POST", f"/api/v1/chats/{chat_id}/phone-ticket", {"queue_id": 2}),
        "close": ("POST", f"/api/v1/chats/{chat_id}/close", None),
    }[action]


# Expected status per caller; state-changing actions list the allowed callers last, and only the
# first allowed one of those runs (the chat is closed afterwards).
MATRIX: dict[str, dict[str, int]] = {
    "get": dict(zip(ROLES, (200, 404, 404, 200, 200, 200, 404), strict=True)),
    "events": dict(zip(ROLES, (200, 404, 404, 200, 200, 200, 404), strict=True)),
    "message": dict(zip(ROLES, (201, 404, 404, 403, 201, 201, 404), strict=True)),
    # The admin owns the channel: the request was offered to it, so it learns it was taken.
    "accept": dict(zip(ROLES, (409, 404, 404, 409, 409, 409, 409), strict=True)),
    "monitor": dict(zip(ROLES, (403, 404, 404, 200, 200, 200, 404), strict=True)),
    "invite": dict(zip(ROLES, (403, 404, 404, 201, 201, 201, 404), strict=True)),
    "join_observer": dict(zip(ROLES, (403, 404, 404, 200, 200, 409, 404), strict=True)),
    "channel": dict(zip(ROLES, (403, 404, 404, 403, 200, 200, 404), strict=True)),
    "phone_ticket": dict(zip(ROLES, (403, 404, 404, 403, 403, 201, 404), strict=True)),
    "close": dict(zip(ROLES, (200, 404, 404, 403, 200, 200, 404), strict=True)),
}
CLOSING = {"phone_ticket", "close"}


@pytest.mark.parametrize("action", list(MATRIX))
async def test_chat_permission_matrix(
    action: str, scene: tuple[Desk, int, dict[str, Headers]], events: RecordedEvents
) -> None:
    desk, chat_id, callers = scene
    method, url, body = call(action, chat_id, desk)
    expected = MATRIX[action]
    denied = [role for role in ROLES if expected[role] >= 400]
    allowed = [role for role in ROLES if expected[role] < 400]
    for role in denied:
        before = await snapshot(desk.web)
        events.clear()
        response = await desk.client.request(method, url, json=body, headers=callers[role])
        assert response.status_code == expected[role], (role, response.text)
        assert set(response.json()) == {"error"}
        assert await snapshot(desk.web) == before, role
        assert events == [], role
    for role in allowed[:1] if action in CLOSING else allowed:
        response = await desk.client.request(method, url, json=body, headers=callers[role])
        assert response.status_code == expected[role], (role, response.text)
