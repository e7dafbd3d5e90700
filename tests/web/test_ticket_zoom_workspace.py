"""The ticket zoom workspace: the sticky header's actions, sender avatars, relative times with
the exact local time, and per-agent unread marks that viewing clears."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from frontdesk.core.clock import utcnow
from frontdesk.domain.tickets.models import Article
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.domain.tickets.people import make_agent
from tests.web.test_pages_agent import articles_of, create_phone_ticket, log_in

UNREAD = (
    '<span class="badge badge-unread" title="You had not seen this article before">'
    '<span class="unread-icon" aria-hidden="true">●</span>Unread</span>'
)


@pytest.fixture
async def clients(app: Any) -> AsyncIterator[list[httpx.AsyncClient]]:
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as one,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as two,
    ):
        yield [one, two]


async def set_created(web: WebState, article_id: int, ago: timedelta) -> tuple[str, datetime]:
    """Date the article back; answer its new time as the zoom's UTC datetime."""
    moment = (utcnow() - ago).replace(microsecond=0)
    async with web.session_factory() as session, session.begin():
        await session.execute(
            update(Article).where(Article.id == article_id).values(created_at=moment)
        )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment


async def test_header_avatars_and_relative_times(client: httpx.AsyncClient, web: WebState) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    ticket_id = await create_phone_ticket(client, csrf, title="Printer", body="It smokes.")
    note = await client.post(
        f"/agent/tickets/{ticket_id}/note",
        data={"csrf_token": csrf, "subject": "Checked", "body": "Called the vendor."},
    )
    assert note.status_code == 303
    first, second = await articles_of(web, ticket_id)
    # At least a day back, and still on yesterday's date whenever the test runs.
    now = utcnow()
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    back = timedelta(days=1) + min(timedelta(minutes=1), since_midnight)
    first_iso, first_at = await set_created(web, first.id, back)
    second_iso, second_at = await set_created(web, second.id, timedelta(minutes=5, seconds=10))

    page = (await client.get(f"/agent/tickets/{ticket_id}?view=all")).text

    header = page[
        page.index('<header class="zoom-header"') : page.index(
            "</header>", page.index('<header class="zoom-header"')
        )
    ]
    assert re.search(r"<h1><span class=\"muted\">Ticket#\d+</span> — Printer</h1>", header)
    assert '<span class="badge badge-state-new">State: new</span>' in header
    assert '<span class="badge badge-priority-3">Priority: 3 normal</span>' in header
    assert (
        '<span class="badge"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-unlock"></use></svg>unlocked</span>'
    ) in header
    for name, key, label in (
        ("note", "n", "Note"),
        ("owner", "o", "Owner"),
        ("state", "s", "State"),
        ("priority", "", "Priority"),
        ("move", "m", "Move"),
    ):
        shortcut = f' data-shortcut="{key}" aria-keyshortcuts="{key}"' if key else ""
        assert (
            f'<button type="button" class="btn btn-secondary" data-zoom-open="{name}" '
            f'aria-haspopup="dialog" aria-controls="action-{name}"{shortcut} hidden="">'
            f"{label}</button>"
        ) in header, name
    assert (
        '<button type="submit" class="btn btn-secondary"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-lock"></use></svg>Lock ticket</button>'
    ) in header
    # "Reply" opens the e-mail compose screen answering the newest article the customer saw
    # (here the note is internal, so the phone call).
    assert (
        f'<a class="btn btn-secondary" href="/agent/tickets/{ticket_id}/email?mode=reply&amp;'
        f'article_id={first.id}"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-reply"></use></svg>Reply</a>'
    ) in header
    assert 'data-zoom-open="reply"' not in page
    assert 'id="action-reply"' not in page
    # Every action's form sits in its dialog, still posting to its own route.
    for name in ("note", "owner", "state", "priority", "move"):
        dialog = re.search(
            rf'<dialog class="dialog zoom-action card" id="action-{name}"[^>]*>(.*?)</dialog>',
            page,
            re.S,
        )
        assert dialog is not None, name
        assert f'action="/agent/tickets/{ticket_id}/{name}"' in dialog.group(1)

    # Avatars: the initials, hidden from screen readers; the name is text beside them.
    assert page.count('<span class="avatar" aria-hidden="true">') == 2
    assert page.count('<span class="avatar" aria-hidden="true">AF</span>') == 2
    assert page.count('<span class="article-from">From: Admin Frontdesk</span>') == 2

    def exact(moment: datetime) -> str:  # the agent's time zone is UTC
        return moment.strftime("%Y-%m-%d %H:%M")

    assert (
        f'<time datetime="{first_iso}" title="{exact(first_at)}" data-relative-time>'
        "yesterday</time>" in page
    )
    assert (
        f'<time datetime="{second_iso}" title="{exact(second_at)}" data-relative-time>'
        "5 minutes ago</time>" in page
    )
    assert '<link rel="stylesheet" href="/static/css/ticket-zoom.css">' in page
    assert '<script type="module" src="/static/js/ticket-zoom.js"></script>' in page


def unread_articles(page: str) -> list[tuple[int, bool]]:
    """Each article of the zoom's "all" view, and whether it carries the unread mark."""
    return [
        (int(article_id), bool(mark))
        for article_id, mark in re.findall(
            r'id="article-(\d+)-subject">[^<]*</strong>\s*(<span class="badge badge-unread"[^>]*>'
            r'<span class="unread-icon" aria-hidden="true">●</span>Unread</span>)?',
            page,
        )
    ]


async def test_unread_marks_are_per_agent_and_cleared_by_viewing(
    client: httpx.AsyncClient, clients: list[httpx.AsyncClient], web: WebState
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    ticket_id = await create_phone_ticket(client, csrf, title="Unread", body="First words.")
    for login in ("rita", "sam"):
        await make_agent(web, login, ["ro"], "users", password=f"{login}-password-1")
    rita, sam = clients
    await log_in(rita, "rita", "rita-password-1", "agent")
    await log_in(sam, "sam", "sam-password-1", "agent")
    zoom = f"/agent/tickets/{ticket_id}?view=all"
    (first,) = await articles_of(web, ticket_id)

    # The author has seen their own article; Rita has not, until this view.
    assert unread_articles((await client.get(zoom)).text) == [(first.id, False)]
    page = (await rita.get(zoom)).text
    assert unread_articles(page) == [(first.id, True)]
    assert page.count(UNREAD) == 1
    assert f'class="article sender-customer is-unread" id="article-{first.id}"' in page
    assert unread_articles((await rita.get(zoom)).text) == [(first.id, False)]

    # Rita's visit clears nothing for Sam.
    assert unread_articles((await sam.get(zoom)).text) == [(first.id, True)]

    # A note by someone else is new to Rita (and only it), never to its author.
    note = await client.post(
        f"/agent/tickets/{ticket_id}/note",
        data={"csrf_token": csrf, "subject": "Update", "body": "Vendor called back."},
    )
    assert note.status_code == 303
    second = (await articles_of(web, ticket_id))[-1]
    assert unread_articles((await client.get(zoom)).text) == [(first.id, False), (second.id, False)]
    assert unread_articles((await rita.get(zoom)).text) == [(first.id, False), (second.id, True)]
    assert unread_articles((await rita.get(zoom)).text) == [(first.id, False), (second.id, False)]

    # The one-article view marks its index too and clears only the article it shows.
    index_mark = (
        '<span class="badge badge-unread"><span class="unread-icon" aria-hidden="true">●</span>'
        "Unread</span>"
    )
    one = (await sam.get(f"/agent/tickets/{ticket_id}?view=one&article_id={first.id}")).text
    assert one.count(UNREAD) == 0  # the article shown (the first) Sam has seen
    assert one.count(index_mark) == 1  # the note, in the index
    assert unread_articles((await sam.get(zoom)).text) == [(first.id, False), (second.id, True)]
