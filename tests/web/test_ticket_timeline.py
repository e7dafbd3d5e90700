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
from frontdesk.domain.tickets.models import Article, ArticleSeen, TicketHistory
from frontdesk.domain.tickets.settings import (
    TIMELINE_FILTER_DEFAULT,
    TIMELINE_VIEW_ENABLED,
    ZOOM_DEFAULT_VIEW,
)
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
        "unread",
    }
    assert (first["actor"], first["actor_kind"], first["category"]) == ("admin", "agent", "action")
    # The admin wrote both articles: seen by them from the start.
    assert [i["unread"] for i in body["items"]] == [False] * 6
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
    # The unknown name stays in the address so the page names it; only "Lock" is saved.
    assert applied.headers["location"] == f"{zoom}?view=timeline&types=Lock&types=Bogus"
    notice = await client.get(applied.headers["location"])
    assert "These event types are unknown and were ignored: Bogus" in notice.text
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', notice.text)
    assert labels == ["Ticket Locked", "Ticket Created"]
    page = await client.get(f"{zoom}?view=timeline")
    assert "were ignored" not in page.text
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


async def test_unknown_types_alone_show_every_event_and_the_notice(
    client: httpx.AsyncClient, story: dict[str, Any]
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    posted = await client.post(
        f"{zoom}/timeline/filter", data={"csrf_token": csrf, "types": ["Nope", "<i>x</i>"]}
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == (
        f"{zoom}?view=timeline&types=Nope&types=%3Ci%3Ex%3C%2Fi%3E"
    )
    page = await client.get(posted.headers["location"])
    assert "These event types are unknown and were ignored: Nope, &lt;i&gt;x&lt;/i&gt;" in (
        page.text
    )
    labels = re.findall(r'<strong class="timeline-label">([^<]+)</strong>', page.text)
    assert len(labels) == 6


async def test_system_articles_are_shown_with_their_article(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, story: dict[str, Any]
) -> None:
    system = await client.post(
        f"/api/v1/tickets/{story['id']}/articles",
        json={
            "channel": "email",
            "sender": "system",
            "subject": "Your request was received",
            "body": "We will answer within one day.",
        },
        headers=admin_headers,
    )
    assert system.status_code == 201, system.text
    await move_history(web, story["id"], "SystemRequest", 90)
    await add_history(web, story["id"], "SystemRequest", 120, text="without an article")

    response = await client.get(f"/api/v1/tickets/{story['id']}/timeline", headers=admin_headers)
    body = response.json()
    assert body["total"] == 7  # the entry without an article stays hidden
    first = body["items"][0]
    assert (
        first["time"],
        first["kind"],
        first["category"],
        first["side"],
        first["label"],
        first["article_id"],
        first["text"],
    ) == (
        at(90),
        "SystemRequest",
        "automatic",
        "left",
        "System Message",
        system.json()["id"],
        "Your request was received",
    )
    only = await client.get(
        f"/api/v1/tickets/{story['id']}/timeline?types=SystemRequest", headers=admin_headers
    )
    assert [i["kind"] for i in only.json()["items"]] == ["SystemRequest", "NewTicket"]

    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get(f"/agent/tickets/{story['id']}?view=timeline")
    assert (
        '<li class="timeline-item side-left category-automatic" data-kind="SystemRequest">'
        in page.text
    )
    assert '<strong class="timeline-label">System Message</strong>' in page.text
    assert "We will answer within one day." in page.text
    assert "without an article" not in page.text


async def make_page_agent(web: WebState, login: str, group: str = "users") -> None:
    """An agent with a password (to log in through the form) and ro in ``group``."""
    await make_agent(web, login, ["ro"], group, password=f"{login}-password-1")


async def seen_rows(web: WebState) -> list[tuple[int, int]]:
    async with transaction(web) as tx:
        rows = await tx.session.execute(
            select(ArticleSeen.agent_id, ArticleSeen.article_id).order_by(
                ArticleSeen.agent_id, ArticleSeen.article_id
            )
        )
        return [(r.agent_id, r.article_id) for r in rows]


async def test_unread_marker_until_the_agent_has_seen_the_article(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    web: WebState,
    story: dict[str, Any],
    events: RecordedEvents,
) -> None:
    _, jane = await make_customer(web, "jane")
    await client.patch(
        f"/api/v1/tickets/{story['id']}", json={"customer_user": "jane"}, headers=admin_headers
    )
    follow_up = await client.post(
        f"/api/v1/tickets/{story['id']}/articles",
        json={"subject": "Still burning", "body": "Please hurry."},
        headers=jane,
    )
    assert follow_up.status_code == 201, follow_up.text
    follow_up_id = follow_up.json()["id"]
    reader_id, reader = await make_agent(web, "reader", ["ro"])
    api = f"/api/v1/tickets/{story['id']}/timeline"

    def unread(items: list[dict[str, Any]]) -> dict[int, bool]:
        return {i["article_id"]: i["unread"] for i in items if i["article_id"]}

    # The admin wrote the call and the note; the follow-up is new to them. Reading the JSON
    # marks nothing.
    for _ in range(2):
        items = (await client.get(api, headers=admin_headers)).json()["items"]
        assert unread(items) == {
            follow_up_id: True,
            story["note_id"]: False,
            story["call_id"]: False,
        }
    before = await seen_rows(web)
    assert (1, follow_up_id) not in before

    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    events.clear()
    first = await client.get(f"{zoom}?view=timeline")
    markers = re.findall(
        r'data-kind="(\w+)">\s*<div class="timeline-head">\s*<strong[^>]*>[^<]*'
        r'</strong>\s*(<span class="badge badge-unread")?',
        first.text,
    )
    assert [(kind, bool(badge)) for kind, badge in markers] == [
        ("FollowUp", True),
        ("CustomerUpdate", False),
        ("Lock", False),
        ("AddNote", False),
        ("OwnerUpdate", False),
        ("PhoneCallCustomer", False),
        ("StateUpdate", False),
        ("NewTicket", False),
    ]
    assert first.text.count(">Unread</span>") == 1
    second = await client.get(f"{zoom}?view=timeline")
    assert ">Unread</span>" not in second.text
    # Seeing an article is nobody else's news: only choosing the view made one.
    assert [type(event).__name__ for event in events] == ["SettingsChanged"]
    assert (1, follow_up_id) in await seen_rows(web)
    items = (await client.get(api, headers=admin_headers)).json()["items"]
    assert unread(items)[follow_up_id] is False

    # Another agent has seen none of them.
    items = (await client.get(api, headers=reader)).json()["items"]
    assert unread(items) == {follow_up_id: True, story["note_id"]: True, story["call_id"]: True}
    assert [row for row in await seen_rows(web) if row[0] == reader_id] == []


async def test_unread_marker_in_the_article_views(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, story: dict[str, Any]
) -> None:
    await make_page_agent(web, "reader")
    await log_in(client, "reader", "reader-password-1", "agent")
    zoom = f"/agent/tickets/{story['id']}"
    one = await client.get(f"{zoom}?view=one&article_id={story['call_id']}")
    # The index marks both; only the article shown is seen now.
    assert one.text.count(">Unread</span>") == 3  # two index entries and the article shown
    everything = await client.get(f"{zoom}?view=all")
    headers = re.findall(
        r'id="article-(\d+)-subject">[^<]*</strong>\s*(<span class="badge badge-unread")?',
        everything.text,
    )
    assert [(int(i), bool(badge)) for i, badge in headers] == [
        (story["call_id"], False),
        (story["note_id"], True),
    ]
    again = await client.get(f"{zoom}?view=all")
    assert ">Unread</span>" not in again.text
    # Marking what is already seen (another tab) is harmless.
    assert (await client.get(f"{zoom}?view=all")).status_code == 200


async def test_every_history_type_has_its_kind_and_side_in_the_json(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    from frontdesk.domain.tickets.timeline import HIDDEN_HISTORY_TYPES, SIDES
    from tests.domain.tickets.test_timeline_classification import CASES

    ticket = await create_ticket(client, admin_headers)
    async with transaction(web) as tx:
        await tx.session.execute(
            update(TicketHistory)
            .where(TicketHistory.ticket_id == ticket["id"])
            .values(history_type="Misc")  # the ticket's own entries out of the way
        )
        articles: dict[tuple[str, bool], int] = {}
        for sender in ("customer", "agent", "system"):
            for visible in (True, False):
                article = Article(
                    ticket_id=ticket["id"],
                    channel="email",
                    sender_type=sender,
                    visible_for_customer=visible,
                    subject=f"{sender} {visible}",
                    body="text",
                    from_display=sender,
                    channel_data={},
                    created_at=T0,
                )
                tx.session.add(article)
                await tx.session.flush()
                articles[(sender, visible)] = article.id
        expected = []
        rows = [(t, a, e) for t, a, e in CASES] + [
            (t, None, None) for t in sorted(HIDDEN_HISTORY_TYPES)
        ]
        for step, (history_type, facts, outcome) in enumerate(rows):
            article_id = (
                articles[(facts.sender_type, facts.visible_for_customer)] if facts else None
            )
            tx.session.add(
                TicketHistory(
                    ticket_id=ticket["id"],
                    history_type=history_type,
                    article_id=article_id,
                    actor_kind="agent",
                    actor_id=1,
                    actor_name="admin",
                    values={},
                    created_at=T0 + timedelta(minutes=step),
                )
            )
            if outcome is not None:
                kind, label, category = outcome
                carries = category in ("incoming", "outgoing", "internal") or kind in (
                    "SystemRequest",
                    "SendCustomerNotification",
                )
                expected.append(
                    (
                        at(60 * step),
                        kind,
                        label,
                        category,
                        SIDES[category],
                        article_id if carries else None,
                    )
                )
    response = await client.get(
        f"/api/v1/tickets/{ticket['id']}/timeline?limit=200", headers=admin_headers
    )
    assert response.status_code == 200, response.text
    got = [
        (i["time"], i["kind"], i["label"], i["category"], i["side"], i["article_id"])
        for i in response.json()["items"]
    ]
    assert got == list(reversed(expected))
    assert len(got) == len(CASES)


async def test_open_article_links_keep_the_default_view(
    client: httpx.AsyncClient, web: WebState, story: dict[str, Any]
) -> None:
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = f"/agent/tickets/{story['id']}"
    timeline = await client.get(f"{zoom}?view=timeline")
    link = f'href="{zoom}?view=one&amp;article_id={story["call_id"]}&amp;remember=0"'
    assert link in timeline.text
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == [(1, "timeline")]
    opened = await client.get(f"{zoom}?view=one&article_id={story['call_id']}&remember=0")
    assert 'id="articles-title">Article<' in opened.text
    assert "The printer is on fire." in opened.text
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == [(1, "timeline")]
    overview = await client.get(f"{zoom}/attachments")
    assert overview.status_code == 200
    from_overview = await client.get(f"{zoom}?view=all&remember=0")
    assert 'id="articles-title">Articles<' in from_overview.text
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == [(1, "timeline")]
    assert "Ticket timeline" in (await client.get(zoom)).text


async def test_an_agent_with_other_groups_but_no_ro_here_changes_nothing(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    web: WebState,
    story: dict[str, Any],
    events: RecordedEvents,
) -> None:
    await make_page_agent(web, "statsman", group="stats")
    csrf = await log_in(client, "statsman", "statsman-password-1", "agent")
    seen_before = await seen_rows(web)
    settings_before = await own_values(web, ZOOM_DEFAULT_VIEW.name)
    events.clear()
    zoom = f"/agent/tickets/{story['id']}"
    for path in ("?view=timeline", "?view=all", "?view=one&remember=0"):
        page = await client.get(f"{zoom}{path}")
        assert page.status_code == 404, path
        assert "Printer on fire" not in page.text
    archive = await client.post(
        f"{zoom}/attachments/archive", data={"csrf_token": csrf, "attachment_id": ["1"]}
    )
    assert archive.status_code == 404
    assert archive.headers["content-type"].startswith("text/html")
    assert "Printer on fire" not in archive.text
    refused_filter = await client.post(
        f"{zoom}/timeline/filter", data={"csrf_token": csrf, "types": ["Lock"]}
    )
    assert refused_filter.status_code == 404
    assert await seen_rows(web) == seen_before
    assert await own_values(web, ZOOM_DEFAULT_VIEW.name) == settings_before
    assert await own_values(web, TIMELINE_FILTER_DEFAULT.name) == []
    assert events == []


async def test_times_in_the_agents_zone_and_five_second_groups(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await create_ticket(client, admin_headers)
    await move_history(web, ticket["id"], "NewTicket", 0)
    await move_history(web, ticket["id"], "PhoneCallCustomer", 0)
    # Exactly 5 s after the previous event still joins its group; 6 s starts a new one; a
    # chain of events each within 5 s of the previous stays one group (0 → 4 → 8 → 13).
    await add_history(web, ticket["id"], "StateUpdate", 5, old="new", new="open")
    await add_history(web, ticket["id"], "PriorityUpdate", 11, old="3 normal", new="4 high")
    await add_history(web, ticket["id"], "Lock", 100, old="unlock", new="lock")
    await add_history(web, ticket["id"], "OwnerUpdate", 104, old="admin", new="bob")
    await add_history(web, ticket["id"], "TitleUpdate", 108, old="a", new="b")
    await add_history(web, ticket["id"], "TypeUpdate", 113, old="c", new="d")
    changed = await client.patch(
        "/api/v1/me/preferences", json={"timezone": "Asia/Kolkata"}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.text

    body = (
        await client.get(f"/api/v1/tickets/{ticket['id']}/timeline", headers=admin_headers)
    ).json()
    assert [(i["group_time"], i["kind"]) for i in body["items"]] == [
        (at(100), "TypeUpdate"),
        (at(100), "TitleUpdate"),
        (at(100), "OwnerUpdate"),
        (at(100), "Lock"),
        (at(11), "PriorityUpdate"),
        (at(0), "PhoneCallCustomer"),
        (at(0), "StateUpdate"),
        (at(0), "NewTicket"),
    ]

    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get(f"/agent/tickets/{ticket['id']}?view=timeline")
    # 09:00:00 UTC is 14:30:00 in Kolkata (UTC+5:30).
    groups = re.findall(r'<time class="timeline-time" datetime="([^"]+)">([^<]+)</time>', page.text)
    assert groups == [
        (at(100), "2026-03-02 14:31:40"),
        (at(11), "2026-03-02 14:30:11"),
        (at(0), "2026-03-02 14:30:00"),
    ]
    assert f'<time datetime="{at(113)}">14:31:53</time>' in page.text
    assert f'<time datetime="{at(5)}">14:30:05</time>' in page.text
