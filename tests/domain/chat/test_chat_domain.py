"""Chat actions without HTTP: permissions from roles (CH-1), housekeeping with a frozen clock
(CH-40), the gap-free event log (CH-46) and HTML kept as text (CH-50)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.core.actor import SYSTEM
from frontdesk.core.clock import utcnow
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.schemas import RoleCreate
from frontdesk.domain.chat.actions import do_delete_expired_chats
from frontdesk.domain.chat.jobs import HOUSEKEEPING_JOB, register
from frontdesk.domain.chat.models import Chat, ChatEvent, ChatMember
from frontdesk.jobs.scheduler import JobScheduler
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.chat.desk import Desk, make_desk, set_settings
from tests.domain.tickets.people import make_agent, transaction


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


async def test_ch1_chat_owner_through_a_role_implies_every_chat_right(
    desk: Desk, web: WebState
) -> None:
    rita_id, rita = await make_agent(web, "rita", ["ro"])
    async with transaction(web) as tx:
        role = await account_actions.do_create_role(tx, SYSTEM, RoleCreate(name="Chatters"))
        await account_actions.do_set_role_group_permissions(tx, SYSTEM, 1, role.id, ["chat_owner"])
        await account_actions.do_add_role_member(tx, SYSTEM, role.id, rita_id)
    chat_id, _ = await desk.public_chat()
    accepted = await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=rita)
    assert accepted.status_code == 200, accepted.text
    # rita may take part and observe in other chats too (owner ⊃ participant ⊃ observer).
    response = await desk.client.put(
        "/api/v1/me/chat-channels", json={"channel_ids": [desk.default_channel_id]}, headers=rita
    )
    assert response.status_code == 200


async def test_ch1_participant_implies_observer_but_not_owner(desk: Desk) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    await desk.make_available(desk.paul)
    await desk.invite_and_accept(chat_id, desk.paul_id, desk.paul)
    observer = await desk.client.post(
        f"/api/v1/chats/{chat_id}/join", json={"as": "observer"}, headers=desk.paul
    )
    assert observer.status_code == 200
    other, _ = await desk.public_chat()
    assert (
        await desk.client.post(f"/api/v1/chats/{other}/accept", headers=desk.paul)
    ).status_code == 403


async def test_ch40_housekeeping_deletes_expired_chats_and_keeps_articles(
    desk: Desk, web: WebState, events: RecordedEvents
) -> None:
    await set_settings(web, {"ChatEngine::ChatTTL": 2, "ChatEngine::ChatDecayTime": 3})
    closed_id, visitor = await desk.accepted_public_chat()
    await desk.client.post(f"/api/v1/chats/{closed_id}/close", headers=visitor)
    open_id, _ = await desk.accepted_public_chat()
    now = utcnow()
    async with transaction(web) as tx:
        assert await do_delete_expired_chats(tx, now + timedelta(hours=1)) == []
    events.clear()
    async with transaction(web) as tx:
        assert await do_delete_expired_chats(tx, now + timedelta(hours=2, minutes=1)) == [closed_id]
    assert [e.kind for e in events] == ["chat.deleted"]
    async with transaction(web) as tx:
        assert await do_delete_expired_chats(tx, now + timedelta(days=2)) == []
        assert await do_delete_expired_chats(tx, now + timedelta(days=3, minutes=1)) == [open_id]
    async with transaction(web) as tx:
        for model in (Chat, ChatEvent, ChatMember):
            assert await tx.session.scalar(select(func.count()).select_from(model)) == 0


async def test_ch40_housekeeping_is_a_periodic_job(web: WebState) -> None:
    scheduler = JobScheduler(web.session_factory, worker_id="test")
    register(scheduler, web.runtime)
    assert HOUSEKEEPING_JOB in scheduler.periodic_jobs


async def test_ch46_seq_is_gap_free_after_a_refused_message(desk: Desk) -> None:
    chat_id, visitor = await desk.accepted_public_chat()
    await desk.say(chat_id, visitor, "")  # refused: nothing stored, no number used
    await desk.say(chat_id, desk.otto, "not a member")  # refused too
    ok = await desk.say(chat_id, visitor, "fine")
    assert ok.json()["seq"] == 3
    async with transaction(desk.web) as tx:
        seqs = list(
            await tx.session.scalars(
                select(ChatEvent.seq).where(ChatEvent.chat_id == chat_id).order_by(ChatEvent.seq)
            )
        )
        last = await tx.session.scalar(select(Chat.last_seq).where(Chat.id == chat_id))
    assert seqs == [1, 2, 3] and last == 3


async def test_ch50_html_in_names_and_messages_is_stored_as_text(desk: Desk) -> None:
    chat_id, _ = await desk.public_chat(
        name="<img src=x onerror=alert(1)>", message="<b>bold</b> & <script>1</script>"
    )
    events = await desk.events(chat_id, desk.olga)
    assert events[0]["author"]["name"] == "<img src=x onerror=alert(1)>"
    assert events[0]["text"] == "<b>bold</b> & <script>1</script>"
