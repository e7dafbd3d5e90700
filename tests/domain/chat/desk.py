"""A small chat desk for tests: agents with chat permissions, a customer, settings, a visitor.

Agents and customers come without passwords (``tests/domain/tickets/people.py``): fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from frontdesk.core.actor import SYSTEM
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.sysconfig import actions as sysconfig_actions
from frontdesk.web.state import WebState
from tests.domain.tickets.people import make_agent, make_customer

Headers = dict[str, str]


async def set_settings(web: WebState, values: dict[str, Any]) -> None:
    """Stage and deploy setting values, then make this process see them at once."""
    async with unit_of_work(web.session_factory) as session:
        await sysconfig_actions.do_stage_values(session, web.runtime.bus, SYSTEM, values)
        await sysconfig_actions.do_deploy(session, web.runtime.bus, SYSTEM, "test")
    await web.runtime.config.reload()


@dataclass
class Desk:
    client: httpx.AsyncClient
    web: WebState
    default_channel_id: int
    olga: Headers  # owner, available externally in the default channel
    olga_id: int
    paul: Headers  # participant
    paul_id: int
    otto: Headers  # observer
    otto_id: int
    nick: Headers  # ro only, no chat permission
    nick_id: int
    cora: Headers  # customer user
    cora_id: int

    async def public_chat(
        self, name: str = "Vera Visitor", message: str = "Hello?"
    ) -> tuple[int, Headers]:
        response = await self.client.post(
            "/api/v1/public/chats", json={"name": name, "message": message}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return body["chat"]["id"], {"Authorization": f"Bearer {body['visitor_token']}"}

    async def accepted_public_chat(self) -> tuple[int, Headers]:
        chat_id, visitor = await self.public_chat()
        response = await self.client.post(f"/api/v1/chats/{chat_id}/accept", headers=self.olga)
        assert response.status_code == 200, response.text
        return chat_id, visitor

    async def events(self, chat_id: int, headers: Headers, after: int = 0) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/api/v1/chats/{chat_id}/events", params={"after_seq": after}, headers=headers
        )
        assert response.status_code == 200, response.text
        return [item["event"] for item in response.json()["items"]]

    async def say(
        self, chat_id: int, headers: Headers, text: str, cid: str | None = None
    ) -> httpx.Response:
        body: dict[str, Any] = {"text": text}
        if cid is not None:
            body["client_message_id"] = cid
        return await self.client.post(
            f"/api/v1/chats/{chat_id}/messages", json=body, headers=headers
        )

    async def chat(self, chat_id: int, headers: Headers) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/chats/{chat_id}", headers=headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def make_available(self, headers: Headers, channel_ids: list[int] | None = None) -> None:
        ids = channel_ids or [self.default_channel_id]
        response = await self.client.put(
            "/api/v1/me/chat-channels", json={"channel_ids": ids}, headers=headers
        )
        assert response.status_code == 200, response.text
        response = await self.client.put(
            "/api/v1/me/chat-availability", json={"availability": "external"}, headers=headers
        )
        assert response.status_code == 200, response.text

    async def invite_and_accept(self, chat_id: int, agent_id: int, agent: Headers) -> None:
        response = await self.client.post(
            f"/api/v1/chats/{chat_id}/invite", json={"agent_id": agent_id}, headers=self.olga
        )
        assert response.status_code == 201, response.text
        internal = response.json()["id"]
        response = await self.client.post(f"/api/v1/chats/{internal}/accept", headers=agent)
        assert response.status_code == 200, response.text


async def make_desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    olga_id, olga = await make_agent(web, "olga", ["ro", "chat_owner"])
    paul_id, paul = await make_agent(web, "paul", ["ro", "chat_participant"])
    otto_id, otto = await make_agent(web, "otto", ["ro", "chat_observer"])
    nick_id, nick = await make_agent(web, "nick", ["ro"])
    cora_id, cora = await make_customer(web, "cora")
    response = await client.get("/api/v1/chat/channels", headers=olga)
    assert response.status_code == 200, response.text
    (default,) = [c for c in response.json()["items"] if c["is_default"]]
    desk = Desk(
        client,
        web,
        default["id"],
        olga,
        olga_id,
        paul,
        paul_id,
        otto,
        otto_id,
        nick,
        nick_id,
        cora,
        cora_id,
    )
    await desk.make_available(olga)
    return desk
