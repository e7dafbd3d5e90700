"""The ticket timeline on both databases: the JSON API (classification, grouping, filter),
the zoom's timeline view with its remembered default and saved filter, chat and SMS renderers,
and who may see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from frontdesk.core.clock import utcnow
from frontdesk.domain.tickets.models import Article, TicketHistory
from frontdesk.domain.tickets.settings import TIMELINE_VIEW_ENABLED, ZOOM_DEFAULT_VIEW
from frontdesk.sysconfig.models import SettingValue
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.tickets.people import make_agent, make_customer, transaction
from tests.web.test_pages_agent import log_in

Headers = dict[str, str]
RAW = 2
T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def at(seconds: int) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


async def create_ticket(
    client: httpx.AsyncClient, headers: Headers, **article: Any
) -> dict[str, Any]:
    body = {
        "title": "Printer on fire",
        "queue_id": RAW,
        "customer_user": None,
        "article": {
            "channel": "phone",
            "sender": "customer",
            "subject": "Call",
            "body": "The printer is on fire.",
            **article,
        },
    }
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_history(
    web: WebState, ticket_id: int, history_type: str, seconds: int, **values: Any
) -> int:
    async with transaction(web) as tx:
        row = TicketHistory(
            ticket_id=ticket_id,
            history_type=history_type,
            actor_kind="agent",
            actor_id=1,
            actor_name="admin",
            values=values,
            created_at=T0 + timedelta(seconds=seconds),
        )
        tx.session.add(row)
        await tx.session.flush()
        return row.id


async def move_history(web: WebState, ticket_id: int, history_type: str, seconds: int) -> None:
    async with transaction(web) as tx:
        await tx.session.execute(
            update(TicketHistory)
            .where(TicketHistory.ticket_id == ticket_id, TicketHistory.history_type == history_type)
            .values(created_at=T0 + timedelta(seconds=seconds))
        )


@pytest.fixture
async def story(client: httpx.AsyncClient, admin_headers: Headers, web: WebState) -> dict[str, Any]:
    """A ticket whose history spans three groups, with two hidden entries."""
    ticket = await create_ticket(client, admin_headers)
    note = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json={"channel": "internal", "subject": "Checked", "body": "Toner is empty."},
        headers=admin_headers,
    )
    assert note.status_code == 201, note.text
    await move_history(web, ticket["id"], "NewTicket", 0)
    await move_history(web, ticket["id"], "PhoneCallCustomer", 0)
    await add_history(web, ticket["id"], "StateUpdate", 3, old="new", new="open")
    await move_history(web, ticket["id"], "AddNote", 30)
    await add_history(web, ticket["id"], "OwnerUpdate", 33, old="admin", new="bob")
    await add_history(web, ticket["id"], "Misc", 34, text="never shown")
    await add_history(web, ticket["id"], "Lock", 60, old="unlock", new="lock")
    await add_history(web, ticket["id"], "SendAutoReject", 61)
    async with transaction(web) as tx:
        articles = list(
            await tx.session.scalars(
                select(Article.id).where(Article.ticket_id == ticket["id"]).order_by(Article.id)
            )
        )
    return {**ticket, "call_id": articles[0], "note_id": articles[1]}


def summary(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (i["group_time"], i["time"], i["kind"], i["side"], i["label"], i["article_id"], i["text"])
        for i in items
    ]


async def test_timeline_classifies_groups_and_orders_newest_first(
    client: httpx.AsyncClient, admin_headers: Headers, story: dict[str, Any]
) -> None:
    response = await client.get(f"/api/v1/tickets/{story['id']}/timeline", headers=admin_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 6
    assert body["applied_types"] == []
    assert body["ignored_types"] == []
    assert summary(body["items"]) == [
        (at(60), at(60), "Lock", "right", "Ticket Locked", None, "unlock → lock"),
        (at(30), at(30), "AddNote", "left", "Note Added", story["note_id"], "Checked"),
        (at(30), at(33), "OwnerUpdate", "right", "New Owner", None, "admin → bob"),
        (
            at(0),
            at(0),
            "PhoneCallCustomer",
            "right",
            "Incoming Phone Call",
            story["call_id"],
            "Call",
        ),
        (at(0), at(3), "StateUpdate", "right", "State Updated", None, "new → open"),
        (
            at(0),
            at(0),
            "NewTicket",
            "right",
            "Ticket Created",
            None,
            "Printer on fire (Raw, new, 3 normal)",
        ),
    ]
    first = body["items"][0]
    assert set(first) == {
        "time",
        "group_time",
        "kind",
        "category",
        "side",
        "label",
        "actor",
        "actor_kind",
        "text",
        "article_id",
        "history_id",
    }
    assert (first["actor"], first["actor_kind"], first["category"]) == ("admin", "agent", "action")
    paged = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?limit=2&offset=1", headers=admin_headers
    )
    assert [i["kind"] for i in paged.json()["items"]] == ["AddNote", "OwnerUpdate"]
    assert paged.json()["total"] == 6


async def test_filter_keeps_ticket_created_and_ignores_unknown_types(
    client: httpx.AsyncClient, admin_headers: Headers, story: dict[str, Any]
) -> None:
    response = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?types=Lock,OwnerUpdate&types=Bogus",
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["applied_types"] == ["Lock", "OwnerUpdate"]
    assert body["ignored_types"] == ["Bogus"]
    assert [(i["group_time"], i["kind"]) for i in body["items"]] == [
        (at(60), "Lock"),
        (at(33), "OwnerUpdate"),
        (at(0), "NewTicket"),
    ]
    everything = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?types=", headers=admin_headers
    )
    assert everything.json()["total"] == 6
    only_unknown = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?types=Nope", headers=admin_headers
    )
    assert only_unknown.json()["ignored_types"] == ["Nope"]
    assert only_unknown.json()["total"] == 6


async def test_who_may_see_the_timeline(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, story: dict[str, Any]
) -> None:
    _, outsider = await make_agent(web, "outsider", ["ro"], group="stats")
    _, reader = await make_agent(web, "reader", ["ro"])
    path = f"/api/v1/tickets/{story['id']}/timeline"
    denied = await client.get(path, headers=outsider)
    assert denied.status_code == 404
    assert denied.json()["error"]["code"] == "ticket_not_found"
    missing = await client.get("/api/v1/tickets/999999/timeline", headers=outsider)
    assert missing.status_code == 404
    assert missing.json() == denied.json()
    assert (await client.get(path, headers=reader)).status_code == 200

    customer_id, customer = await make_customer(web, "jane")
    await client.patch(
        f"/api/v1/tickets/{story['id']}", json={"customer_user": "jane"}, headers=admin_headers
    )
    assert customer_id > 0
    as_customer = await client.get(path, headers=customer)
    assert as_customer.status_code == 403
    assert as_customer.json()["error"]["code"] == "permission_denied"
    assert (await client.get(path, headers={})).status_code == 401


async def own_values(web: WebState, name: str) -> list[tuple[int | None, Any]]:
    async with transaction(web) as tx:
        rows = await tx.session.execute(
            select(SettingValue.agent_id, SettingValue.value).where(SettingValue.name == name)
        )
        return [(r.agent_id, r.value) for r in rows]


async def test_zoom_timeline_view_becomes_the_agents_default(
    client: httpx.AsyncClient, web: WebState, story: dict[str, Any], events: RecordedEvents
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    first = await client.get(zoom)
    assert first.status_code == 200
    assert 'id="articles-title">Articles<' in first.text
    assert "Ticket timeline" not in first.text

    timeline = await client.get(f"{zoom}?view=timeline")
    assert timeline.status_code == 200
    text = timeline.text
    assert "Ticket timeline" in text
    for label in ("Ticket Locked", "Note Added", "New Owner", "Incoming Phone Call"):
        assert label in text
    assert "never shown" not in text
    assert 'class="timeline-item side-left category-internal" data-kind="AddNote"' in text
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', text)
    assert labels == [
        "Ticket Locked",
        "Note Added",
        "New Owner",
        "Incoming Phone Call",
        "State Updated",
        "Ticket Created",
    ]

    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == [(1, "timeline")]
    again = await client.get(zoom)
    assert "Ticket timeline" in again.text  # the last used view is now the default
    changes = len(events)
    await client.get(f"{zoom}?view=timeline")
    assert len(events) == changes  # choosing the current default again stores nothing
    back = await client.get(f"{zoom}?view=all")
    assert "Ticket timeline" not in back.text
    assert "Ticket timeline" not in (await client.get(zoom)).text
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == []  # "all" is the global value
    one = await client.get(f"{zoom}?view=one&article_id={story['call_id']}")
    assert 'id="articles-title">Article<' in one.text
    assert "The printer is on fire." in one.text
    assert "Toner is empty." not in one.text
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == [(1, "one")]


async def test_saved_filter_applies_to_page_and_api(
    client: httpx.AsyncClient, admin_headers: Headers, story: dict[str, Any]
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    applied = await client.post(
        f"{zoom}/timeline/filter",
        data={"csrf_token": csrf, "types": ["Lock", "Bogus"], "save_default": "1"},
    )
    assert applied.status_code == 303
    assert applied.headers["location"] == f"{zoom}?view=timeline&types=Lock"
    page = await client.get(f"{zoom}?view=timeline")
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', page.text)
    assert labels == ["Ticket Locked", "Ticket Created"]
    api = await client.get(f"/api/v1/tickets/{story['id']}/timeline", headers=admin_headers)
    assert [i["kind"] for i in api.json()["items"]] == ["Lock", "NewTicket"]

    unknown = await client.get(f"{zoom}?view=timeline&types=Bogus%3Cb%3E")
    assert "These event types are unknown and were ignored: Bogus&lt;b&gt;" in unknown.text

    cleared = await client.post(
        f"{zoom}/timeline/filter", data={"csrf_token": csrf, "save_default": "1"}
    )
    assert cleared.headers["location"] == f"{zoom}?view=timeline&types="
    api = await client.get(f"/api/v1/tickets/{story['id']}/timeline", headers=admin_headers)
    assert api.json()["total"] == 6

    nothing = await client.get(f"{zoom}?view=timeline&types=Merged")
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', nothing.text)
    assert labels == ["Ticket Created"]
    refused = await client.post(f"{zoom}/timeline/filter", data={"types": ["Lock"]})
    assert refused.status_code == 403


async def test_timeline_view_can_be_switched_off(
    client: httpx.AsyncClient, web: WebState, story: dict[str, Any]
) -> None:
    async with transaction(web) as tx:
        tx.session.add(
            SettingValue(
                name=TIMELINE_VIEW_ENABLED.name, agent_id=None, value=False, changed_at=utcnow()
            )
        )
    await web.runtime.config.reload()
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get(f"/agent/tickets/{story['id']}?view=timeline")
    assert page.status_code == 200
    assert "Ticket timeline" not in page.text
    assert "Show ticket timeline" not in page.text
    assert 'id="articles-title">Articles<' in page.text


async def test_an_agent_without_ro_gets_the_not_found_page(
    client: httpx.AsyncClient, web: WebState, story: dict[str, Any]
) -> None:
    async with transaction(web) as tx:
        from frontdesk.core.actor import SYSTEM
        from frontdesk.domain.accounts import actions as account_actions
        from frontdesk.domain.accounts.schemas import AgentCreate

        await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login="stranger",
                first_name="Stranger",
                last_name="Agent",
                email="stranger@example.com",
                password="stranger-password-1",
            ),
        )
    await log_in(client, "stranger", "stranger-password-1", "agent")
    for path in ("?view=timeline", "/attachments"):
        page = await client.get(f"/agent/tickets/{story['id']}{path}")
        assert page.status_code == 404, path
        assert "Printer on fire" not in page.text


async def test_chat_and_sms_articles_have_their_own_renderers(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await create_ticket(client, admin_headers, channel="chat", body="Chat transcript")
    sms = await client.post(
        f"/api/v1/tickets/{ticket['id']}/articles",
        json={"channel": "sms", "sender": "customer", "body": "Still <b>broken</b>"},
        headers=admin_headers,
    )
    assert sms.status_code == 201
    async with transaction(web) as tx:
        chat_article, sms_article = list(
            await tx.session.scalars(
                select(Article).where(Article.ticket_id == ticket["id"]).order_by(Article.id)
            )
        )
        chat_article.channel_data = {
            "transcript": [
                {"time": "2026-03-02T09:00:00Z", "from": "Jane", "text": "Hello <script>"},
                {"time": "2026-03-02T09:01:00Z", "from": "Admin Frontdesk", "text": "Hi Jane"},
                {"from": "broken line without text"},
                "not a line",
            ]
        }
        sms_article.channel_data = {"phone_number": "+49 170 1234567"}

    articles = await client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=admin_headers)
    chat_out, sms_out = articles.json()["items"]
    assert chat_out["chat_transcript"] == [
        {"time": "2026-03-02T09:00:00Z", "sender": "Jane", "text": "Hello <script>"},
        {"time": "2026-03-02T09:01:00Z", "sender": "Admin Frontdesk", "text": "Hi Jane"},
    ]
    assert (chat_out["sms_number"], sms_out["sms_number"]) == (None, "+49 170 1234567")

    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    for view in ("all", "timeline"):
        page = await client.get(f"/agent/tickets/{ticket['id']}?view={view}")
        assert page.status_code == 200
        assert 'class="chat-transcript"' in page.text, view
        assert '<p class="chat-bubble">Hello &lt;script&gt;</p>' in page.text
        assert '<li class="chat-line chat-line-own">' in page.text
        assert "+49 170 1234567" in page.text
        assert "Still &lt;b&gt;broken&lt;/b&gt;" in page.text
        assert "<script>" not in page.text.split("</head>")[1].replace('<script type="module"', "")
    timeline = await client.get(f"/api/v1/tickets/{ticket['id']}/timeline", headers=admin_headers)
    assert [(i["kind"], i["side"]) for i in timeline.json()["items"]][:2] == [
        ("AddSMSCustomer", "right"),
        ("ChatExternal", "right"),
    ]


async def test_long_timeline_page_shows_newest_events_and_older_on_request(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, story: dict[str, Any]
) -> None:
    async with transaction(web) as tx:
        for step in range(60):
            tx.session.add(
                TicketHistory(
                    ticket_id=story["id"],
                    history_type="PriorityUpdate",
                    actor_kind="agent",
                    actor_id=1,
                    actor_name="admin",
                    values={"old": "3 normal", "new": f"step {step}"},
                    created_at=T0 + timedelta(minutes=5 + step),
                )
            )
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    first = await client.get(f"{zoom}?view=timeline")
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', first.text)
    assert len(labels) == 50
    assert "3 normal → step 59" in first.text
    assert "3 normal → step 9<" not in first.text
    assert f'href="{zoom}?view=timeline&amp;shown=100&amp;types=">Show older events</a>' in (
        first.text
    )
    assert "(50 of 66 shown)" in first.text
    everything = await client.get(f"{zoom}?view=timeline&shown=100&types=")
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', everything.text)
    assert len(labels) == 66
    assert labels[-1] == "Ticket Created"
    assert "Show older events" not in everything.text
    for junk in ("-5", "abc", "99999999999"):
        assert (await client.get(f"{zoom}?view=timeline&shown={junk}")).status_code == 200

    api = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?limit=3&offset=63", headers=admin_headers
    )
    assert api.json()["total"] == 66
    assert [i["kind"] for i in api.json()["items"]] == [
        "PhoneCallCustomer",
        "StateUpdate",
        "NewTicket",
    ]
