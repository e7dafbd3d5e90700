"""Agent HTML pages: dashboard, queue view, ticket zoom and its forms, search, customers,
preferences. Driven like a browser: log in through the /login form, post the page forms with the
CSRF token read from the rendered HTML.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.core.actor import SYSTEM
from frontdesk.core.clock import as_utc
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.schemas import AgentCreate, CustomerUserCreate
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents

CUSTOMER_PASSWORD = "customer-password-1"
RAW_QUEUE_ID = 2
USERS_GROUP_ID = 1
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- helpers shared with the customer page tests ----------------------------------------------


async def log_in(client: httpx.AsyncClient, login: str, password: str, realm: str) -> str:
    """Log in through the real form; answer the CSRF token the pages carry."""
    path = "/login" if realm == "agent" else "/customer/login"
    response = await client.post(path, data={"login": login, "password": password})
    assert response.status_code == 303, response.text
    home = await client.get("/agent" if realm == "agent" else "/customer")
    assert home.status_code == 200, home.text
    match = CSRF_PATTERN.search(home.text)
    assert match is not None
    return match.group(1)


async def create_customer_user(web: WebState, login: str, customer_id: str | None = None) -> None:
    async with unit_of_work(web.session_factory) as session:
        await account_actions.do_create_customer_user(
            Tx(session=session, runtime=web.runtime),
            SYSTEM,
            CustomerUserCreate(
                login=login,
                first_name=login.capitalize(),
                last_name="Customer",
                email=f"{login}@example.com",
                password=CUSTOMER_PASSWORD,
                customer_id=customer_id,
            ),
        )


async def create_phone_ticket(
    client: httpx.AsyncClient,
    csrf: str,
    *,
    title: str,
    body: str = "The printer is on fire.",
    customer_user: str = "",
) -> int:
    response = await client.post(
        "/agent/tickets/new",
        data={
            "csrf_token": csrf,
            "customer_user": customer_user,
            "title": title,
            "queue_id": str(RAW_QUEUE_ID),
            "body": body,
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    match = re.fullmatch(r"/agent/tickets/(\d+)\?done=created", location)
    assert match is not None, location
    return int(match.group(1))


async def ticket_row(web: WebState, ticket_id: int) -> Ticket:
    async with web.session_factory() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


async def articles_of(web: WebState, ticket_id: int) -> list[Article]:
    async with web.session_factory() as session:
        result = await session.scalars(
            select(Article).where(Article.ticket_id == ticket_id).order_by(Article.id)
        )
        return list(result)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
async def agent_csrf(client: httpx.AsyncClient) -> str:
    return await log_in(client, "admin", ADMIN_PASSWORD, "agent")


@pytest.fixture
async def other_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


# --- pages ------------------------------------------------------------------------------------


async def test_pages_need_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/agent/queues")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/agent/queues"


async def test_dashboard_and_queue_view_list_the_new_ticket(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Printer on fire")
    number = (await ticket_row(web, ticket_id)).number

    dashboard = await client.get("/agent")
    assert dashboard.status_code == 200
    assert f'<a href="/agent/tickets/{ticket_id}" tabindex="-1">{number}</a>' in dashboard.text
    title_link = f'<a href="/agent/tickets/{ticket_id}" data-row-open>Printer on fire</a>'
    assert title_link in dashboard.text
    assert 'hx-get="/agent/dashboard/panels"' in dashboard.text
    assert 'hx-trigger="every 30s"' in dashboard.text
    # The pause while a form is open lives in a script file (a trigger filter needs eval).
    assert '<script type="module" src="/static/js/dashboard.js"></script>' in dashboard.text

    panels = await client.get("/agent/dashboard/panels")
    assert panels.status_code == 200
    assert number in panels.text
    assert "<html" not in panels.text

    queue = await client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}")
    assert queue.status_code == 200
    assert "Queue: Raw" in queue.text
    assert f'<a href="/agent/tickets/{ticket_id}" tabindex="-1">{number}</a>' in queue.text
    assert f'<a href="/agent/tickets/{ticket_id}" data-row-open>Printer on fire</a>' in queue.text
    assert "1–1 of 1" in queue.text

    other_queue = await client.get("/agent/queues?queue_id=4")
    assert number not in other_queue.text
    assert "No open tickets in this queue." in other_queue.text


async def test_users_online_offers_a_chat_with_every_other_agent(
    client: httpx.AsyncClient, agent_csrf: str, other_client: httpx.AsyncClient, web: WebState
) -> None:
    async with unit_of_work(web.session_factory) as session:
        olga = await account_actions.do_create_agent(
            Tx(session=session, runtime=web.runtime),
            SYSTEM,
            AgentCreate(
                login="olga",
                first_name="Olga",
                last_name="Online",
                email="olga@example.com",
                password="olga-password-1",
            ),
        )
    await log_in(other_client, "olga", "olga-password-1", "agent")

    panels = (await client.get("/agent/dashboard/panels")).text
    online = panels[panels.index('id="panel-online"') :]
    # CH-13: a chat request form for Olga, none for oneself.
    assert online.count('action="/agent/chat/start"') == 1
    assert f'<input type="hidden" name="to_agent_id" value="{olga.id}">' in online
    assert 'Chat<span class="visually-hidden"> with Olga Online</span>' in online
    assert "<li>Admin Frontdesk</li>" in online


async def test_ch34_ch14_users_online_and_customer_center_show_online_customers(
    client: httpx.AsyncClient, agent_csrf: str, other_client: httpx.AsyncClient, web: WebState
) -> None:
    await create_customer_user(web, "cleo")
    await create_customer_user(web, "carl")
    offline_ticket = await create_phone_ticket(
        client, agent_csrf, title="Offline customer", customer_user="carl"
    )
    online_ticket = await create_phone_ticket(
        client, agent_csrf, title="Online customer", customer_user="cleo"
    )

    panels = (await client.get("/agent/dashboard/panels")).text
    assert "No customer is online." in panels
    await log_in(other_client, "cleo", CUSTOMER_PASSWORD, "customer")

    panels = (await client.get("/agent/dashboard/panels")).text
    customers = panels[panels.index('id="online-customers"') :]
    assert '<a href="/agent/customers/cleo">Cleo Customer</a>' in customers
    assert customers.count('name="to_customer_user"') == 1
    assert '<input type="hidden" name="to_customer_user" value="cleo">' in customers
    assert "carl" not in customers

    online = (await client.get("/agent/customers/cleo")).text
    assert "Online now" in online
    assert '<input type="hidden" name="to_customer_user" value="cleo">' in online
    offline = (await client.get("/agent/customers/carl")).text
    assert "Not online" in offline
    assert 'name="to_customer_user"' not in offline

    zoom = (await client.get(f"/agent/tickets/{online_ticket}")).text
    assert '<input type="hidden" name="to_customer_user" value="cleo">' in zoom
    zoom = (await client.get(f"/agent/tickets/{offline_ticket}")).text
    assert 'name="to_customer_user"' not in zoom


async def test_queue_view_pages_with_previous_and_next(
    client: httpx.AsyncClient, agent_csrf: str
) -> None:
    for index in range(3):
        await create_phone_ticket(client, agent_csrf, title=f"Paged ticket {index}")

    first = await client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}&limit=2")
    assert "1–2 of 3" in first.text
    assert "Paged ticket 0" in first.text and "Paged ticket 2" not in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text

    second = await client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}&limit=2&offset=2")
    assert "3–3 of 3" in second.text
    assert "Paged ticket 2" in second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text

    bad = await client.get("/agent/queues?limit=0")
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text


async def test_queue_view_uses_the_agents_own_page_size(
    client: httpx.AsyncClient, agent_csrf: str
) -> None:
    for index in range(6):
        await create_phone_ticket(client, agent_csrf, title=f"Sized ticket {index}")
    default = await client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}")
    assert "1–6 of 6" in default.text

    saved = await client.put(
        "/api/v1/me/settings/Ticket::Frontend::QueueView::PageSize",
        json={"value": 5},
        headers={"X-CSRF-Token": agent_csrf},
    )
    assert saved.status_code == 200, saved.text
    mine = await client.get(f"/agent/queues?queue_id={RAW_QUEUE_ID}")
    assert "1–5 of 6" in mine.text
    assert "Sized ticket 4" in mine.text and "Sized ticket 5" not in mine.text
    # The search results have a page size of their own.
    search = await client.get("/agent/search", params={"query": "", "state": "any"})
    assert "1–6 of 6" in search.text
    saved = await client.put(
        "/api/v1/me/settings/Ticket::Frontend::Search::PageSize",
        json={"value": 5},
        headers={"X-CSRF-Token": agent_csrf},
    )
    assert saved.status_code == 200, saved.text
    search = await client.get("/agent/search", params={"query": "", "state": "any"})
    assert "1–5 of 6" in search.text


async def test_zoom_shows_attributes_article_and_history(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    await create_customer_user(web, "carla")
    ticket_id = await create_phone_ticket(
        client, agent_csrf, title="Cannot log in", body="Line one\nLine two", customer_user="carla"
    )
    number = (await ticket_row(web, ticket_id)).number

    zoom = await client.get(f"/agent/tickets/{ticket_id}?done=created")
    assert zoom.status_code == 200
    assert f"Ticket#{number}</span> — Cannot log in" in zoom.text
    assert "Ticket created." in zoom.text
    assert '<a href="/agent/customers/carla">carla</a>' in zoom.text
    assert "Line one<br>\nLine two" in zoom.text
    assert f'<a href="/agent/queues?queue_id={RAW_QUEUE_ID}">Raw</a></dd>' in zoom.text
    assert "3 normal" in zoom.text
    assert "<summary>History (" in zoom.text
    assert "NewTicket" in zoom.text
    first_article = (await articles_of(web, ticket_id))[0]
    # "Reply" answers the customer's article on the e-mail compose screen; the zoom holds no
    # form that would only record an answer without sending it.
    assert (
        f'<a class="btn btn-secondary" href="/agent/tickets/{ticket_id}/email?mode=reply&amp;'
        f'article_id={first_article.id}">'
    ) in zoom.text
    assert f'action="/agent/tickets/{ticket_id}/reply"' not in zoom.text
    assert 'for="reply-body"' not in zoom.text
    for label in (
        'for="note-body"',
        'for="owner-owner_id"',
        'for="state-state_id"',
        'for="priority-priority_id"',
        'for="move-queue_id"',
    ):
        assert label in zoom.text


async def test_unknown_ticket_is_a_404_page(client: httpx.AsyncClient, agent_csrf: str) -> None:
    response = await client.get("/agent/tickets/999999")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "<h1>Not found</h1>" in response.text


async def test_note_form_stores_an_internal_article(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Needs a note")
    events.clear()

    response = await client.post(
        f"/agent/tickets/{ticket_id}/note",
        data={"csrf_token": agent_csrf, "subject": "Checked", "body": "Called the vendor."},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/agent/tickets/{ticket_id}?done=note"

    note = (await articles_of(web, ticket_id))[-1]
    assert (note.channel, note.sender_type, note.visible_for_customer) == (
        "internal",
        "agent",
        False,
    )
    assert (note.subject, note.body) == ("Checked", "Called the vendor.")
    assert events.kinds() == ["ticket.article_created"]

    zoom = await client.get(response.headers["location"])
    assert "Note added." in zoom.text
    assert "Called the vendor." in zoom.text


async def test_empty_note_shows_inline_field_error_and_stores_nothing(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Empty note")
    before = len(await articles_of(web, ticket_id))
    events.clear()

    response = await client.post(
        f"/agent/tickets/{ticket_id}/note", data={"csrf_token": agent_csrf, "body": "  "}
    )
    assert response.status_code == 422
    assert '<p class="error" role="alert" id="note-error">Check the marked fields.</p>' in (
        response.text
    )
    assert 'id="note-body-error"' in response.text
    assert len(await articles_of(web, ticket_id)) == before
    assert events == []


async def test_post_without_csrf_token_is_rejected(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="CSRF target")
    before = len(await articles_of(web, ticket_id))
    events.clear()

    response = await client.post(f"/agent/tickets/{ticket_id}/note", data={"body": "forged"})
    assert response.status_code == 403
    forged = await client.post(
        f"/agent/tickets/{ticket_id}/note", data={"csrf_token": "wrong", "body": "forged"}
    )
    assert forged.status_code == 403
    assert len(await articles_of(web, ticket_id)) == before
    assert events == []


async def test_user_text_is_escaped(client: httpx.AsyncClient, agent_csrf: str) -> None:
    ticket_id = await create_phone_ticket(
        client,
        agent_csrf,
        title="<script>alert('title')</script>",
        body="<script>alert('body')</script>",
    )
    for page in (f"/agent/tickets/{ticket_id}", "/agent", "/agent/queues"):
        html = (await client.get(page)).text
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert" not in html


async def test_state_priority_lock_and_move_forms_change_the_ticket(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Change me")
    events.clear()

    for action, data in (
        ("state", {"state_id": "2"}),  # open
        ("priority", {"priority_id": "4"}),  # 4 high
        ("lock", {"lock": "lock"}),
        ("move", {"queue_id": "4"}),  # Misc
    ):
        response = await client.post(
            f"/agent/tickets/{ticket_id}/{action}", data={"csrf_token": agent_csrf, **data}
        )
        assert response.status_code == 303, (action, response.text)
        assert response.headers["location"] == f"/agent/tickets/{ticket_id}?done={action}"

    ticket = await ticket_row(web, ticket_id)
    assert (ticket.state_id, ticket.priority_id, ticket.lock_state, ticket.queue_id) == (
        2,
        4,
        "lock",
        4,
    )
    assert events.kinds() == ["ticket.updated"] * 4
    zoom = await client.get(f"/agent/tickets/{ticket_id}")
    assert "Unlock ticket" in zoom.text

    unlocked = await client.post(
        f"/agent/tickets/{ticket_id}/lock", data={"csrf_token": agent_csrf, "lock": "unlock"}
    )
    assert unlocked.status_code == 303
    assert (await ticket_row(web, ticket_id)).lock_state == "unlock"


async def test_pending_state_needs_a_time(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Pending")
    events.clear()

    response = await client.post(
        f"/agent/tickets/{ticket_id}/state",
        data={"csrf_token": agent_csrf, "state_id": "5", "pending_until": ""},  # pending reminder
    )
    assert response.status_code == 422
    assert 'id="state-pending_until-error"' in response.text
    assert (await ticket_row(web, ticket_id)).state_id == 1
    assert events == []

    garbled = await client.post(
        f"/agent/tickets/{ticket_id}/state",
        data={"csrf_token": agent_csrf, "state_id": "5", "pending_until": "soon"},
    )
    assert garbled.status_code == 422
    assert 'id="state-pending_until-error"' in garbled.text

    later = await client.post(
        f"/agent/tickets/{ticket_id}/state",
        data={"csrf_token": agent_csrf, "state_id": "5", "pending_until": "2099-01-02T03:04"},
    )
    assert later.status_code == 303
    ticket = await ticket_row(web, ticket_id)
    assert ticket.state_id == 5
    assert ticket.pending_until is not None
    assert ticket.pending_until.strftime("%Y-%m-%d %H:%M") == "2099-01-02 03:04"


async def test_denied_action_shows_the_domain_message_and_changes_nothing(
    client: httpx.AsyncClient,
    agent_csrf: str,
    other_client: httpx.AsyncClient,
    web: WebState,
    events: RecordedEvents,
) -> None:
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Read only for Rita")
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        rita = await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login="rita",
                first_name="Rita",
                last_name="Reader",
                email="rita@example.com",
                password="rita-password-1",
            ),
        )
        await account_actions.do_set_agent_group_permissions(
            tx, SYSTEM, USERS_GROUP_ID, rita.id, ["ro"]
        )
    rita_csrf = await log_in(other_client, "rita", "rita-password-1", "agent")
    before = len(await articles_of(web, ticket_id))
    events.clear()

    zoom = await other_client.get(f"/agent/tickets/{ticket_id}")
    assert zoom.status_code == 200
    denied = await other_client.post(
        f"/agent/tickets/{ticket_id}/note", data={"csrf_token": rita_csrf, "body": "Hi"}
    )
    assert denied.status_code == 403
    assert 'role="alert" id="note-error"' in denied.text
    assert len(await articles_of(web, ticket_id)) == before

    priority = await other_client.post(
        f"/agent/tickets/{ticket_id}/priority", data={"csrf_token": rita_csrf, "priority_id": "5"}
    )
    assert priority.status_code == 403
    assert 'role="alert" id="priority-error"' in priority.text
    assert (await ticket_row(web, ticket_id)).priority_id == 3
    assert events == []


async def test_new_phone_ticket_form_reports_invalid_input(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState, events: RecordedEvents
) -> None:
    events.clear()
    form = await client.get("/agent/tickets/new")
    assert form.status_code == 200
    assert ">Raw</option>" in form.text

    response = await client.post(
        "/agent/tickets/new",
        data={"csrf_token": agent_csrf, "title": "", "queue_id": "2", "body": "text"},
    )
    assert response.status_code == 422
    assert 'id="title-error"' in response.text
    assert ">text</textarea>" in response.text

    unknown_customer = await client.post(
        "/agent/tickets/new",
        data={
            "csrf_token": agent_csrf,
            "title": "For nobody",
            "queue_id": "2",
            "body": "text",
            "customer_user": "nobody",
        },
    )
    assert unknown_customer.status_code in (404, 422)
    assert 'role="alert"' in unknown_customer.text
    async with web.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert events == []


async def test_new_phone_ticket_with_attachment(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    response = await client.post(
        "/agent/tickets/new",
        data={"csrf_token": agent_csrf, "title": "With file", "queue_id": "2", "body": "See file"},
        files={"attachment": ("notes.txt", b"hello file", "text/plain")},
    )
    assert response.status_code == 303
    ticket_id = int(response.headers["location"].split("/")[3].split("?")[0])
    zoom = await client.get(f"/agent/tickets/{ticket_id}")
    match = re.search(
        rf'href="(/api/v1/tickets/{ticket_id}/articles/\d+/attachments/\d+)" '
        r'download="notes.txt">notes.txt</a>',
        zoom.text,
    )
    assert match is not None
    download = await client.get(match.group(1))
    assert download.status_code == 200
    assert download.content == b"hello file"


async def test_search_finds_by_full_text(client: httpx.AsyncClient, agent_csrf: str) -> None:
    await create_phone_ticket(client, agent_csrf, title="Broken keyboard", body="zebra keys")
    await create_phone_ticket(client, agent_csrf, title="Slow network", body="cables")

    empty = await client.get("/agent/search")
    assert empty.status_code == 200
    assert 'for="query"' in empty.text
    assert "Results" not in empty.text

    found = await client.get("/agent/search?query=zebra&state=any&queue_id=")
    assert found.status_code == 200
    assert re.search(r'<a href="/agent/tickets/\d+" data-row-open>Broken keyboard</a>', found.text)
    assert "Slow network" not in found.text
    assert "1–1 of 1" in found.text


async def test_customer_information_center(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    await create_customer_user(web, "dora")
    await create_phone_ticket(client, agent_csrf, title="Dora's question", customer_user="dora")

    jump = await client.get("/agent/customers?login=dora")
    assert jump.status_code == 303
    assert jump.headers["location"] == "/agent/customers/dora"

    page = await client.get("/agent/customers/dora")
    assert page.status_code == 200
    assert "Dora Customer" in page.text
    assert "dora@example.com" in page.text
    assert "Dora&#39;s question" in page.text

    unknown = await client.get("/agent/customers/nobody")
    assert unknown.status_code == 404
    assert "<h1>Not found</h1>" in unknown.text


async def test_preferences_change_time_zone_and_reject_unknown_ones(
    client: httpx.AsyncClient, agent_csrf: str, web: WebState
) -> None:
    page = await client.get("/agent/preferences")
    assert page.status_code == 200
    assert '<option value="Europe/Berlin">' in page.text

    bad = await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "Mars/Base"},
    )
    assert bad.status_code == 422
    assert 'id="preferences-timezone-error"' in bad.text

    saved = await client.post(
        "/agent/preferences",
        data={"csrf_token": agent_csrf, "language": "en", "timezone": "Europe/Berlin"},
    )
    assert saved.status_code == 303
    async with web.session_factory() as session:
        admin = await session.scalar(select(Agent).where(Agent.login == "admin"))
        assert admin is not None and admin.timezone == "Europe/Berlin"
    assert "Preferences saved." in (await client.get(saved.headers["location"])).text

    # Times now show in Berlin time.
    ticket_id = await create_phone_ticket(client, agent_csrf, title="Timed")
    created = as_utc((await ticket_row(web, ticket_id)).created_at)
    berlin = created.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    zoom = await client.get(f"/agent/tickets/{ticket_id}")
    assert f'Z">{berlin}</time></dd>' in zoom.text


async def test_password_change_checks_the_repeat_and_the_current_password(
    client: httpx.AsyncClient, agent_csrf: str, events: RecordedEvents
) -> None:
    events.clear()
    differ = await client.post(
        "/agent/preferences/password",
        data={
            "csrf_token": agent_csrf,
            "current_password": ADMIN_PASSWORD,
            "new_password": "new-password-1",
            "new_password_repeat": "new-password-2",
        },
    )
    assert differ.status_code == 422
    assert "The two new passwords differ." in differ.text

    wrong = await client.post(
        "/agent/preferences/password",
        data={
            "csrf_token": agent_csrf,
            "current_password": "not-it",
            "new_password": "new-password-1",
            "new_password_repeat": "new-password-1",
        },
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.text
    assert 'aria-describedby="current_password-error"' in wrong.text
    assert events == []
