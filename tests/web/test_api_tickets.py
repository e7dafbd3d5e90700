"""The ticket REST API on both databases: create, read, change, articles, attachments, history,
search, and who sees what."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import make_agent, make_company, make_customer

Headers = dict[str, str]
RAW, JUNK, MISC = 2, 3, 4


def today_prefix() -> str:
    return datetime.now(UTC).strftime("%Y%m%d") + "10"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def create(client: httpx.AsyncClient, headers: Headers, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Printer on fire",
        "queue_id": RAW,
        "article": {"channel": "phone", "subject": "Call", "body": "The printer is on fire."},
    }
    body.update(fields)
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def ticket_count(client: httpx.AsyncClient, headers: Headers) -> int:
    response = await client.get("/api/v1/tickets", headers=headers)
    assert response.status_code == 200
    total: int = response.json()["total"]
    return total


def error_field(response: httpx.Response) -> str:
    field: str = response.json()["error"]["details"][0]["field"]
    return field


@pytest.fixture
async def acme(web: WebState) -> dict[str, Headers]:
    """Customers jane and john of Acme Corp, and bob without a company."""
    await make_company(web, "acme", "Acme Corp")
    _, jane = await make_customer(web, "jane", "acme")
    _, john = await make_customer(web, "john", "acme")
    _, bob = await make_customer(web, "bob")
    return {"jane": jane, "john": john, "bob": bob}


async def test_create_and_get_ticket(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    acme: dict[str, Headers],
    events: RecordedEvents,
) -> None:
    created = await create(client, admin_headers, customer_user="jane")
    assert created["number"] == today_prefix() + "000001"
    expected = {
        "id": created["id"],
        "number": today_prefix() + "000001",
        "title": "Printer on fire",
        "queue_id": RAW,
        "queue": "Raw",
        "state_id": 1,
        "state": "new",
        "state_type": "new",
        "priority_id": 3,
        "priority": "3 normal",
        "type_id": None,
        "type": None,
        "service_id": None,
        "service": None,
        "sla_id": None,
        "sla": None,
        "lock": "unlock",
        "owner_id": 1,
        "owner": "admin",
        "responsible_id": 1,
        "responsible": "admin",
        "customer_user": "jane",
        "customer_id": "acme",
        "pending_until": None,
        "escalation_response_at": None,
        "escalation_update_at": None,
        "escalation_solution_at": None,
        "created_at": created["created_at"],
        "updated_at": created["updated_at"],
        "dynamic_fields": {},
    }
    assert created == expected
    assert created["created_at"].endswith("Z")
    assert events.kinds() == ["ticket.created", "ticket.article_created"]

    fetched = await client.get(f"/api/v1/tickets/{created['id']}", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == expected

    second = await create(client, admin_headers, title="Second", state="open", priority="4 high")
    assert second["number"] == today_prefix() + "000002"
    assert (second["state"], second["priority"]) == ("open", "4 high")


async def test_create_validation_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    article = {"body": "text"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"queue_id": RAW, "article": article}, "title"),
        ({"title": "x", "queue_id": 999, "article": article}, "queue_id"),
        ({"title": "x", "queue_id": RAW, "state": "nonsense", "article": article}, "state"),
        ({"title": "x", "queue_id": RAW, "state": "merged", "article": article}, "state"),
        ({"title": "x", "queue_id": RAW, "priority_id": 77, "article": article}, "priority_id"),
        (
            {"title": "x", "queue_id": RAW, "customer_user": "ghost", "article": article},
            "customer_user",
        ),
        (
            {"title": "x", "queue_id": RAW, "state": "pending reminder", "article": article},
            "pending_until",
        ),
        ({"title": "x", "queue_id": RAW, "owner_id": 555, "article": article}, "owner_id"),
        (
            {"title": "x", "queue_id": RAW, "article": {"body": "b", "subject": "s" * 256}},
            "article.subject",
        ),
        (
            {"title": "x", "queue_id": RAW, "article": {"body": "b", "channel": "fax"}},
            "article.channel",
        ),
        ({"title": "x", "queue_id": "abc", "article": article}, "queue_id"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/tickets", json=body, headers=admin_headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == "validation_failed"
        assert error_field(response) == field, body
    assert await ticket_count(client, admin_headers) == 0
    assert events == []


async def test_articles_attachments_upload_and_download(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    created = await create(
        client,
        admin_headers,
        article={
            "channel": "email",
            "subject": "Logs",
            "body": "See attached.",
            "attachments": [
                {
                    "filename": "../../etc/log\x07.txt",
                    "content_type": "text/plain",
                    "content_base64": b64(b"hello world\n"),
                },
                {
                    "filename": "page.html",
                    "content_type": "text/html",
                    "content_base64": b64(b"<script>alert(1)</script>"),
                },
                {
                    "filename": "Grüße €.bin",
                    "content_type": "not a type",
                    "content_base64": b64(b"\x00\x01\x02"),
                },
            ],
        },
    )
    ticket_id = created["id"]
    note = await client.post(
        f"/api/v1/tickets/{ticket_id}/articles",
        json={"channel": "internal", "subject": "Note", "body": "Internal remark"},
        headers=admin_headers,
    )
    assert note.status_code == 201
    assert note.json()["visible_for_customer"] is False
    assert note.json()["channel"] == "internal"
    assert note.json()["sender"] == "agent"

    listing = await client.get(f"/api/v1/tickets/{ticket_id}/articles", headers=admin_headers)
    assert listing.status_code == 200
    body = listing.json()
    assert body["total"] == 2
    first, second = body["items"]
    assert (first["subject"], first["body"], first["channel"]) == ("Logs", "See attached.", "email")
    assert first["visible_for_customer"] is True
    assert first["from_display"] == "Admin Frontdesk"
    assert second["id"] == note.json()["id"]
    files = first["attachments"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("log.txt", "text/plain", 12),
        ("page.html", "text/html", 25),
        ("Grüße €.bin", "application/octet-stream", 3),
    ]
    assert {f["direction"] for f in files} == {"outgoing"}
    assert {f["inline"] for f in files} == {False}

    all_files = await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=admin_headers)
    assert all_files.json()["total"] == 3
    # The overview adds each file's kind and its article's number, sender and time.
    assert [{key: item[key] for key in files[0]} for item in all_files.json()["items"]] == files
    assert [
        (f["file_kind"], f["article_number"], f["article_sender"], f["article_time"])
        for f in all_files.json()["items"]
    ] == [
        ("text", 1, "agent", first["created_at"]),
        ("text", 1, "agent", first["created_at"]),
        ("generic", 1, "agent", first["created_at"]),
    ]

    url = f"/api/v1/tickets/{ticket_id}/articles/{first['id']}/attachments"
    text_file = await client.get(f"{url}/{files[0]['id']}", headers=admin_headers)
    assert text_file.status_code == 200
    assert text_file.content == b"hello world\n"
    assert text_file.headers["content-type"] == "text/plain"
    assert text_file.headers["x-content-type-options"] == "nosniff"
    assert text_file.headers["content-disposition"] == (
        "attachment; filename=\"log.txt\"; filename*=UTF-8''log.txt"
    )
    html_file = await client.get(f"{url}/{files[1]['id']}", headers=admin_headers)
    assert html_file.content == b"<script>alert(1)</script>"
    assert html_file.headers["content-type"] == "application/octet-stream"
    assert html_file.headers["content-disposition"].startswith("attachment;")
    unicode_file = await client.get(f"{url}/{files[2]['id']}", headers=admin_headers)
    assert unicode_file.headers["content-disposition"] == (
        "attachment; filename=\"Gr__e _.bin\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E2%82%AC.bin"
    )
    # The attachment must belong to that article of that ticket.
    wrong_article = await client.get(
        f"/api/v1/tickets/{ticket_id}/articles/{second['id']}/attachments/{files[0]['id']}",
        headers=admin_headers,
    )
    assert wrong_article.status_code == 404


async def test_oversized_attachment_is_413_and_nothing_is_written(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    created = await create(client, admin_headers)
    events.clear()
    too_big = b64(b"x" * (1024 * 1024 + 1))  # the tests' limit is 1 MiB
    response = await client.post(
        f"/api/v1/tickets/{created['id']}/articles",
        json={
            "body": "big",
            "attachments": [
                {"filename": "ok.txt", "content_base64": b64(b"fine")},
                {"filename": "big.bin", "content_base64": too_big},
            ],
        },
        headers=admin_headers,
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "attachment_too_large"
    assert error_field(response) == "attachments.1.content_base64"
    articles = await client.get(f"/api/v1/tickets/{created['id']}/articles", headers=admin_headers)
    assert articles.json()["total"] == 1
    files = await client.get(f"/api/v1/tickets/{created['id']}/attachments", headers=admin_headers)
    assert files.json()["total"] == 0
    assert events == []

    new_ticket = await client.post(
        "/api/v1/tickets",
        json={
            "title": "t",
            "queue_id": RAW,
            "article": {
                "body": "b",
                "attachments": [{"filename": "big.bin", "content_base64": too_big}],
            },
        },
        headers=admin_headers,
    )
    assert new_ticket.status_code == 413
    assert await ticket_count(client, admin_headers) == 1


async def test_bad_base64_is_422_naming_the_attachment(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    response = await client.post(
        "/api/v1/tickets",
        json={
            "title": "t",
            "queue_id": RAW,
            "article": {
                "body": "b",
                "attachments": [
                    {"filename": "a.txt", "content_base64": b64(b"ok")},
                    {"filename": "b.txt", "content_base64": "%%% not base64 %%%"},
                ],
            },
        },
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert error_field(response) == "article.attachments.1.content_base64"
    assert await ticket_count(client, admin_headers) == 0
    created = await create(client, admin_headers)
    events.clear()
    on_article = await client.post(
        f"/api/v1/tickets/{created['id']}/articles",
        json={"body": "b", "attachments": [{"filename": "a", "content_base64": "abc"}]},
        headers=admin_headers,
    )
    assert on_article.status_code == 422
    assert error_field(on_article) == "attachments.0.content_base64"
    assert events == []


async def test_patch_changes_fields_and_writes_history(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    acme: dict[str, Headers],
    events: RecordedEvents,
) -> None:
    created = await create(client, admin_headers)
    ticket_id = created["id"]
    events.clear()
    response = await client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={
            "title": "Printer fixed?",
            "queue_id": MISC,
            "state": "open",
            "priority": "4 high",
            "customer_user": "john",
            "type_id": 1,
        },
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    ticket = response.json()
    assert (ticket["title"], ticket["queue"], ticket["state"], ticket["priority"]) == (
        "Printer fixed?",
        "Misc",
        "open",
        "4 high",
    )
    assert (ticket["customer_user"], ticket["customer_id"], ticket["type"]) == (
        "john",
        "acme",
        "Unclassified",
    )
    assert events.kinds() == ["ticket.updated"]
    assert events[0].fields == (  # type: ignore[attr-defined]
        "queue_id",
        "title",
        "state",
        "priority",
        "type_id",
        "customer_user",
    )

    history = await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=admin_headers)
    assert history.status_code == 200
    items = history.json()["items"]
    assert history.json()["total"] == 8
    assert [(h["type"], h["values"]) for h in items] == [
        (
            "NewTicket",
            {
                "number": created["number"],
                "title": "Printer on fire",
                "queue": "Raw",
                "state": "new",
                "priority": "3 normal",
            },
        ),
        ("PhoneCallAgent", {"subject": "Call"}),
        ("Move", {"old": "Raw", "new": "Misc"}),
        ("TitleUpdate", {"old": "Printer on fire", "new": "Printer fixed?"}),
        ("StateUpdate", {"old": "new", "new": "open"}),
        ("PriorityUpdate", {"old": "3 normal", "new": "4 high"}),
        ("TypeUpdate", {"old": None, "new": "Unclassified"}),
        ("CustomerUpdate", {"old": None, "new": "john"}),
    ]
    assert {(h["actor"]["kind"], h["actor"]["id"], h["actor"]["name"]) for h in items} == {
        ("agent", 1, "admin")
    }
    assert items[1]["article_id"] is not None
    assert all(h["time"].endswith("Z") for h in items)

    # The same values again change nothing: no history, no event.
    events.clear()
    again = await client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={"title": "Printer fixed?", "state": "open"},
        headers=admin_headers,
    )
    assert again.status_code == 200
    assert events == []


async def test_patch_is_all_or_nothing_and_validates(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    created = await create(client, admin_headers)
    url = f"/api/v1/tickets/{created['id']}"
    events.clear()
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": "changed", "state": "nonsense"}, "state"),
        ({"title": "changed", "queue_id": 999}, "queue_id"),
        ({"title": None}, "title"),
        ({"title": "changed", "state": "pending reminder"}, "pending_until"),
        ({"state": "pending reminder", "pending_until": past}, "pending_until"),
        ({"pending_until": future}, "pending_until"),
        ({"title": "changed", "owner_id": 999}, "owner_id"),
        ({"lock": "maybe"}, "lock"),
        ({"sla_id": 42}, "sla_id"),
    ]
    for body, field in cases:
        response = await client.patch(url, json=body, headers=admin_headers)
        assert response.status_code == 422, (body, response.text)
        assert error_field(response) == field, body
    assert (await client.get(url, headers=admin_headers)).json() == created
    assert events == []

    pending = await client.patch(
        url, json={"state": "pending reminder", "pending_until": future}, headers=admin_headers
    )
    assert pending.status_code == 200
    assert pending.json()["pending_until"] == future
    reopened = await client.patch(url, json={"state": "open"}, headers=admin_headers)
    assert reopened.json()["pending_until"] is None


async def test_lock_takes_the_ticket_and_a_second_locker_gets_409(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    created = await create(client, admin_headers)
    url = f"/api/v1/tickets/{created['id']}"
    agent_id, agent = await make_agent(web, "carol", ["ro", "owner"])
    _, other = await make_agent(web, "dave", ["ro", "owner"])
    events.clear()
    locked = await client.patch(url, json={"lock": "lock"}, headers=agent)
    assert locked.status_code == 200, locked.text
    assert (locked.json()["lock"], locked.json()["owner_id"], locked.json()["owner"]) == (
        "lock",
        agent_id,
        "carol",
    )
    assert events[0].fields == ("owner_id", "lock")  # type: ignore[attr-defined]
    events.clear()
    conflict = await client.patch(url, json={"lock": "lock"}, headers=other)
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "already_locked"
    unlock_other = await client.patch(url, json={"lock": "unlock"}, headers=other)
    assert unlock_other.status_code == 403
    assert (await client.get(url, headers=agent)).json()["owner"] == "carol"
    assert events == []
    unlocked = await client.patch(url, json={"lock": "unlock"}, headers=agent)
    assert unlocked.json()["lock"] == "unlock"
    history = (await client.get(f"{url}/history", headers=admin_headers)).json()["items"]
    assert [(h["type"], h["values"], h["actor"]["name"]) for h in history[2:]] == [
        ("OwnerUpdate", {"old": "admin", "new": "carol"}, "carol"),
        ("Lock", {"old": "unlock", "new": "lock"}, "carol"),
        ("Unlock", {"old": "lock", "new": "unlock"}, "carol"),
    ]


async def test_owner_must_hold_owner_permission(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    created = await create(client, admin_headers)
    reader_id, _ = await make_agent(web, "reader", ["ro"])
    owner_id, _ = await make_agent(web, "owner", ["owner"])
    url = f"/api/v1/tickets/{created['id']}"
    refused = await client.patch(url, json={"owner_id": reader_id}, headers=admin_headers)
    assert refused.status_code == 422
    assert error_field(refused) == "owner_id"
    accepted = await client.patch(url, json={"owner_id": owner_id}, headers=admin_headers)
    assert accepted.json()["owner"] == "owner"


async def test_fulltext_search_finds_body_and_title_words(
    client: httpx.AsyncClient, admin_headers: Headers, acme: dict[str, Headers]
) -> None:
    printer = await create(client, admin_headers, title="Printer jammed", customer_user="jane")
    vpn = await create(
        client,
        admin_headers,
        title="Remote access",
        article={"body": "The VPN client shows error zanzibar-42 on connect."},
    )
    both = await create(
        client,
        admin_headers,
        title="Zanzibar office",
        article={"body": "Nothing else."},
    )
    await client.post(
        f"/api/v1/tickets/{printer['id']}/articles",
        json={"channel": "internal", "body": "Secret: quokka budget"},
        headers=admin_headers,
    )

    async def found(query: str, headers: Headers = admin_headers) -> list[int]:
        response = await client.get("/api/v1/tickets", params={"query": query}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["total"] == len(response.json()["items"])
        return [t["id"] for t in response.json()["items"]]

    assert await found("zanzibar") == [both["id"], vpn["id"]]  # newest first
    assert await found("VPN zanzibar") == [vpn["id"]]
    assert await found("printer") == [printer["id"]]
    assert await found("quokka") == [printer["id"]]
    assert await found("absent") == []
    # A ticket number finds its ticket (with or without surrounding spaces).
    assert await found(vpn["number"]) == [vpn["id"]]
    assert await found(f" {printer['number']} ") == [printer["id"]]
    for hostile in ['"', 'a"b', "AND OR NOT", "(*)", "col:val", "x*", "^", "'; DROP", "é ü"]:
        await found(hostile)
    # A customer does not find a ticket by the words of an internal note.
    assert await found("printer", acme["jane"]) == [printer["id"]]
    assert await found("quokka", acme["jane"]) == []
    filtered = await client.get(
        "/api/v1/tickets",
        params={"state": "new", "queue_id": RAW, "customer_user": "jane"},
        headers=admin_headers,
    )
    assert [t["id"] for t in filtered.json()["items"]] == [printer["id"]]
    unknown_state = await client.get(
        "/api/v1/tickets", params={"state": "bogus"}, headers=admin_headers
    )
    assert unknown_state.status_code == 422
    assert error_field(unknown_state) == "state"
    paged = await client.get(
        "/api/v1/tickets", params={"limit": 1, "offset": 1}, headers=admin_headers
    )
    assert [t["id"] for t in paged.json()["items"]] == [vpn["id"]]
    assert paged.json()["total"] == 3
    bad_limit = await client.get("/api/v1/tickets", params={"limit": 0}, headers=admin_headers)
    assert bad_limit.status_code == 422
    assert error_field(bad_limit) == "limit"


async def test_customers_see_own_and_company_tickets_and_visible_articles(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    acme: dict[str, Headers],
    events: RecordedEvents,
) -> None:
    ticket = await create(client, admin_headers, customer_user="jane")
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.post(
        f"{url}/articles",
        json={
            "channel": "internal",
            "body": "Customer is grumpy",
            "attachments": [{"filename": "n.txt", "content_base64": b64(b"internal")}],
        },
        headers=admin_headers,
    )
    articles = (await client.get(f"{url}/articles", headers=admin_headers)).json()["items"]
    note = articles[1]
    before = (await client.get(url, headers=admin_headers)).json()

    for who in ("jane", "john"):
        seen = await client.get(url, headers=acme[who])
        assert seen.status_code == 200
        assert seen.json()["id"] == ticket["id"]
        visible = (await client.get(f"{url}/articles", headers=acme[who])).json()
        assert visible["total"] == 1
        assert [a["body"] for a in visible["items"]] == ["The printer is on fire."]
        files = (await client.get(f"{url}/attachments", headers=acme[who])).json()
        assert files == {"items": [], "total": 0}
        hidden_file = await client.get(
            f"{url}/articles/{note['id']}/attachments/{note['attachments'][0]['id']}",
            headers=acme[who],
        )
        assert hidden_file.status_code == 404

    for path in ("", "/articles", "/attachments"):
        response = await client.get(url + path, headers=acme["bob"])
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "ticket_not_found"
    bob_list = await client.get("/api/v1/tickets", headers=acme["bob"])
    assert bob_list.json() == {"items": [], "total": 0}
    jane_list = await client.get("/api/v1/tickets", headers=acme["jane"])
    assert [t["id"] for t in jane_list.json()["items"]] == [ticket["id"]]

    events.clear()
    denied = await client.patch(url, json={"title": "mine now"}, headers=acme["jane"])
    assert denied.status_code == 403
    history = await client.get(f"{url}/history", headers=acme["jane"])
    assert history.status_code == 403
    bob_reply = await client.post(f"{url}/articles", json={"body": "hi"}, headers=acme["bob"])
    assert bob_reply.status_code == 404
    assert events == []
    assert (await client.get(url, headers=admin_headers)).json() == before


async def test_customer_creates_ticket_and_reopens_by_reply(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    acme: dict[str, Headers],
    events: RecordedEvents,
) -> None:
    created = await create(
        client,
        acme["jane"],
        customer_user="john",
        state="closed successful",
        owner_id=1,
        article={
            "channel": "internal",
            "sender": "agent",
            "visible_for_customer": False,
            "subject": "Broken",
            "body": "My laptop is broken.",
        },
    )
    assert (created["customer_user"], created["customer_id"]) == ("jane", "acme")
    assert (created["state"], created["owner_id"], created["responsible_id"]) == ("new", 1, 1)
    url = f"/api/v1/tickets/{created['id']}"
    article = (await client.get(f"{url}/articles", headers=acme["jane"])).json()["items"][0]
    assert (article["channel"], article["sender"], article["visible_for_customer"]) == (
        "email",
        "customer",
        True,
    )
    assert article["from_display"] == "Jane Customer"

    await client.patch(url, json={"state": "closed successful"}, headers=admin_headers)
    events.clear()
    reply = await client.post(
        f"{url}/articles",
        json={"subject": "Again", "body": "Still broken."},
        headers=acme["john"],
    )
    assert reply.status_code == 201
    assert reply.json()["sender"] == "customer"
    assert events.kinds() == ["ticket.article_created", "ticket.updated"]
    assert (await client.get(url, headers=admin_headers)).json()["state"] == "open"
    history = (await client.get(f"{url}/history", headers=admin_headers)).json()["items"]
    assert [(h["type"], h["actor"]["name"]) for h in history] == [
        ("NewTicket", "jane"),
        ("WebRequestCustomer", "jane"),
        ("StateUpdate", "admin"),
        ("FollowUp", "john"),
        ("StateUpdate", "john"),
    ]
    assert history[-1]["values"] == {"old": "closed successful", "new": "open"}
    attachments = await client.post(
        f"{url}/articles",
        json={"body": "log", "attachments": [{"filename": "l.txt", "content_base64": b64(b"x")}]},
        headers=acme["jane"],
    )
    assert attachments.json()["attachments"][0]["direction"] == "incoming"


async def test_agent_without_permission_gets_404(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    created = await create(client, admin_headers)
    _, outsider = await make_agent(web, "outsider", [])
    url = f"/api/v1/tickets/{created['id']}"
    events.clear()
    for method, path, body in (
        ("GET", "", None),
        ("PATCH", "", {"title": "x"}),
        ("GET", "/articles", None),
        ("POST", "/articles", {"body": "x"}),
        ("GET", "/history", None),
        ("GET", "/attachments", None),
    ):
        response = await client.request(method, url + path, json=body, headers=outsider)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "ticket_not_found"
    missing = await client.get("/api/v1/tickets/999999", headers=admin_headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "ticket_not_found"
    assert (await client.get("/api/v1/tickets", headers=outsider)).json()["total"] == 0
    assert events == []
    assert (await client.get(url, headers=admin_headers)).json() == created
    no_auth = await client.get(url)
    assert no_auth.status_code == 401


async def test_hostile_input_is_refused_without_a_500(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    created = await create(client, admin_headers)
    url = f"/api/v1/tickets/{created['id']}"
    huge = 10**20
    cases: list[tuple[str, str, dict[str, Any] | None, Any, str]] = [
        ("GET", f"/api/v1/tickets/{huge}", None, None, "ticket_id"),
        ("GET", f"/api/v1/tickets/{2**31}", None, None, "ticket_id"),
        ("GET", f"{url}/articles/{huge}/attachments/1", None, None, "article_id"),
        ("GET", "/api/v1/tickets", {"queue_id": huge}, None, "queue_id"),
        ("GET", "/api/v1/tickets", {"offset": 2**62}, None, "offset"),
        (
            "POST",
            "/api/v1/tickets",
            None,
            {"title": "a\x00", "queue_id": RAW, "article": {"body": "b"}},
            "title",
        ),
        (
            "POST",
            "/api/v1/tickets",
            None,
            {"title": "a", "queue_id": RAW, "state_id": huge, "article": {"body": "b"}},
            "state_id",
        ),
        ("PATCH", url, None, {"owner_id": huge}, "owner_id"),
        ("PATCH", url, None, {"state": "x\x00"}, "state"),
    ]
    for method, path, params, body, field in cases:
        response = await client.request(
            method, path, params=params, json=body, headers=admin_headers
        )
        assert response.status_code == 422, (path, params, body)
        assert error_field(response) == field
    for params in ({"query": "a\x00"}, {"customer_user": "a\x00"}):
        response = await client.get("/api/v1/tickets", params=params, headers=admin_headers)
        assert response.json() == {"items": [], "total": 0}
    assert (await client.get(url, headers=admin_headers)).json() == created
