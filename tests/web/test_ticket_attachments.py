"""The attachment overview and the ZIP archive on both databases: listing with direction and
inline flag, archive names/bytes/duplicates, refusals that change nothing, the size limit, the
overview page with its remembered inline toggle, and who may see what."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from frontdesk.core.clock import utcnow
from frontdesk.domain.tickets.models import Attachment
from frontdesk.domain.tickets.settings import ATTACHMENTS_HIDE_INLINE, MAX_ARCHIVE_BYTES
from frontdesk.sysconfig.models import SettingValue
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.tickets.people import make_agent, make_customer, transaction
from tests.web.test_pages_agent import log_in

Headers = dict[str, str]
RAW = 2


def file(name: str, data: bytes, content_type: str = "application/octet-stream") -> dict[str, str]:
    return {
        "filename": name,
        "content_type": content_type,
        "content_base64": base64.b64encode(data).decode(),
    }


async def add_article(
    client: httpx.AsyncClient, headers: Headers, ticket_id: int, **article: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/tickets/{ticket_id}/articles", json=article, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
async def files(client: httpx.AsyncClient, admin_headers: Headers, web: WebState) -> dict[str, Any]:
    """A ticket of jane's with attachments on an incoming, an outgoing and an internal article
    (two files named report.pdf, one inline image), and another ticket with one file."""
    _, jane = await make_customer(web, "jane")
    created = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Broken printer",
            "queue_id": RAW,
            "customer_user": "jane",
            "article": {
                "channel": "email",
                "sender": "customer",
                "subject": "Help",
                "body": "See the report.",
                "attachments": [
                    file("report.pdf", b"%PDF-first", "application/pdf"),
                    file("logo.png", b"\x89PNG-logo", "image/png"),
                ],
            },
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    reply = await add_article(
        client,
        admin_headers,
        ticket["id"],
        channel="email",
        subject="Re: Help",
        body="Here is ours.",
        attachments=[file("report.pdf", b"%PDF-second", "application/pdf")],
    )
    note = await add_article(
        client,
        admin_headers,
        ticket["id"],
        channel="internal",
        subject="Internal",
        body="Notes.",
        attachments=[file("notes.txt", b"agents only", "text/plain")],
    )
    other = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Other",
            "queue_id": RAW,
            "article": {"body": "x", "attachments": [file("other.txt", b"other")]},
        },
        headers=admin_headers,
    )
    listing = await client.get(f"/api/v1/tickets/{ticket['id']}/attachments", headers=admin_headers)
    ids = [a["id"] for a in listing.json()["items"]]
    async with transaction(web) as tx:
        logo = await tx.session.get(Attachment, ids[1])
        assert logo is not None
        logo.disposition = "inline"
    other_listing = await client.get(
        f"/api/v1/tickets/{other.json()['id']}/attachments", headers=admin_headers
    )
    return {
        "ticket": ticket,
        "ids": ids,
        "first_article": ticket["id"],
        "reply_id": reply["id"],
        "note_id": note["id"],
        "other_ticket": other.json(),
        "other_id": other_listing.json()["items"][0]["id"],
        "jane": jane,
    }


async def test_every_attachment_with_direction_and_inline_flag(
    client: httpx.AsyncClient, admin_headers: Headers, files: dict[str, Any]
) -> None:
    response = await client.get(
        f"/api/v1/tickets/{files['ticket']['id']}/attachments", headers=admin_headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert [
        (a["filename"], a["content_type"], a["size"], a["direction"], a["inline"])
        for a in body["items"]
    ] == [
        ("report.pdf", "application/pdf", 10, "incoming", False),
        ("logo.png", "image/png", 9, "incoming", True),
        ("report.pdf", "application/pdf", 11, "outgoing", False),
        ("notes.txt", "text/plain", 11, "internal", False),
    ]
    assert body["items"][2]["article_id"] == files["reply_id"]
    assert set(body["items"][0]) == {
        "id",
        "article_id",
        "filename",
        "content_type",
        "size",
        "direction",
        "inline",
        "file_kind",
        "article_number",
        "article_sender",
        "article_from",
        "article_time",
    }
    articles = await client.get(
        f"/api/v1/tickets/{files['ticket']['id']}/articles", headers=admin_headers
    )
    first, reply, note = articles.json()["items"]
    assert first["from_display"] == "Jane Customer <jane@customer.example>"
    assert reply["from_display"] == note["from_display"] == "Admin Frontdesk"
    assert [
        (
            a["file_kind"],
            a["article_id"],
            a["article_number"],
            a["article_sender"],
            a["article_from"],
            a["article_time"],
            a["direction"],
        )
        for a in body["items"]
    ] == [
        ("pdf", first["id"], 1, "customer", first["from_display"], first["created_at"], "incoming"),
        (
            "image",
            first["id"],
            1,
            "customer",
            first["from_display"],
            first["created_at"],
            "incoming",
        ),
        ("pdf", reply["id"], 2, "agent", "Admin Frontdesk", reply["created_at"], "outgoing"),
        ("text", note["id"], 3, "agent", "Admin Frontdesk", note["created_at"], "internal"),
    ]
    paged = await client.get(
        f"/api/v1/tickets/{files['ticket']['id']}/attachments?limit=1&offset=2",
        headers=admin_headers,
    )
    assert paged.json() == {"items": [body["items"][2]], "total": 4}


async def test_archive_holds_the_chosen_files_with_unique_names(
    client: httpx.AsyncClient, admin_headers: Headers, files: dict[str, Any]
) -> None:
    ids = files["ids"]
    response = await client.post(
        f"/api/v1/tickets/{files['ticket']['id']}/attachments/archive",
        json={"attachment_ids": [ids[3], ids[2], ids[0], ids[0]]},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    number = files["ticket"]["number"]
    assert f'filename="Attachments-Ticket-{number}.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["report.pdf", "report-1.pdf", "notes.txt"]
        assert archive.read("report.pdf") == b"%PDF-first"
        assert archive.read("report-1.pdf") == b"%PDF-second"
        assert archive.read("notes.txt") == b"agents only"


async def test_foreign_and_unknown_ids_are_refused_whole(
    client: httpx.AsyncClient, admin_headers: Headers, files: dict[str, Any], events: RecordedEvents
) -> None:
    path = f"/api/v1/tickets/{files['ticket']['id']}/attachments/archive"
    before = len(events)
    refused = await client.post(
        path,
        json={"attachment_ids": [files["ids"][0], files["other_id"], 999999]},
        headers=admin_headers,
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": {
            "code": "attachments_refused",
            "message": f"These attachments are not on this ticket: {files['other_id']}, 999999.",
            "details": [{"field": "attachment_ids", "refused_ids": [files["other_id"], 999999]}],
        }
    }
    assert refused.headers["content-type"].startswith("application/json")
    assert len(events) == before
    for body in ({"attachment_ids": []}, {"attachment_ids": [0]}, {"attachment_ids": ["x"]}, {}):
        invalid = await client.post(path, json=body, headers=admin_headers)
        assert invalid.status_code == 422, body
        assert invalid.json()["error"]["details"][0]["field"].startswith("attachment_ids")


async def test_archive_over_the_size_limit_is_refused(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, files: dict[str, Any]
) -> None:
    async with transaction(web) as tx:
        tx.session.add(
            SettingValue(name=MAX_ARCHIVE_BYTES.name, agent_id=None, value=20, changed_at=utcnow())
        )
    await web.runtime.config.reload()
    path = f"/api/v1/tickets/{files['ticket']['id']}/attachments/archive"
    ok = await client.post(path, json={"attachment_ids": files["ids"][:2]}, headers=admin_headers)
    assert ok.status_code == 200  # 10 + 9 bytes
    too_big = await client.post(
        path, json={"attachment_ids": files["ids"][:3]}, headers=admin_headers
    )
    assert too_big.status_code == 413
    error = too_big.json()["error"]
    assert error["code"] == "archive_too_large"
    assert error["details"] == [{"field": "attachment_ids", "total_bytes": 30, "limit_bytes": 20}]


async def test_who_may_list_and_pack(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, files: dict[str, Any]
) -> None:
    ticket_id = files["ticket"]["id"]
    _, outsider = await make_agent(web, "outsider", ["ro"], group="stats")
    listing = await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=outsider)
    assert listing.status_code == 404
    assert listing.json()["error"]["code"] == "ticket_not_found"
    archive = await client.post(
        f"/api/v1/tickets/{ticket_id}/attachments/archive",
        json={"attachment_ids": files["ids"][:1]},
        headers=outsider,
    )
    assert archive.status_code == 404
    assert archive.json()["error"]["code"] == "ticket_not_found"

    # The customer sees only the files of articles meant for them; the internal one is refused.
    _, bob = await make_customer(web, "bob")
    assert (
        await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=bob)
    ).status_code == 404
    jane_headers = files["jane"]
    own = await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=jane_headers)
    assert [a["filename"] for a in own.json()["items"]] == ["report.pdf", "logo.png", "report.pdf"]
    refused = await client.post(
        f"/api/v1/tickets/{ticket_id}/attachments/archive",
        json={"attachment_ids": [files["ids"][3]]},
        headers=jane_headers,
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["refused_ids"] == [files["ids"][3]]
    allowed = await client.post(
        f"/api/v1/tickets/{ticket_id}/attachments/archive",
        json={"attachment_ids": [files["ids"][2]]},
        headers=jane_headers,
    )
    assert allowed.status_code == 200


async def test_overview_page_lists_filters_and_remembers_inline_toggle(
    client: httpx.AsyncClient, web: WebState, files: dict[str, Any]
) -> None:
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    ticket = files["ticket"]
    path = f"/agent/tickets/{ticket['id']}/attachments"
    page = await client.get(path)
    assert page.status_code == 200
    text = page.text
    assert f"Attachments of Ticket#{ticket['number']}" in text
    rows = re.findall(r"<tr data-attachment-row[^>]*>", text)
    assert len(rows) == 4
    assert rows[1] == '<tr data-attachment-row data-name="logo.png" data-inline hidden>'
    assert '<span class="filetype filetype-pdf"' in text
    assert '<span class="filetype filetype-image"' in text
    assert '<span class="direction direction-internal">Internal</span>' in text
    assert (
        f'href="/agent/tickets/{ticket["id"]}?view=all&amp;remember=0#article-{files["note_id"]}"'
        in (text)
    )
    assert "#3" in text

    toggled = await client.post(f"{path}/inline", data={"csrf_token": csrf, "hide_inline": "0"})
    assert toggled.status_code == 303
    async with transaction(web) as tx:
        stored = list(
            await tx.session.scalars(
                select(SettingValue.value).where(
                    SettingValue.name == ATTACHMENTS_HIDE_INLINE.name, SettingValue.agent_id == 1
                )
            )
        )
    assert stored == [False]
    shown = await client.get(path)
    assert '<tr data-attachment-row data-name="logo.png" data-inline>' in shown.text

    archive = await client.post(
        f"{path}/archive",
        data={"csrf_token": csrf, "attachment_id": [str(files["ids"][0]), str(files["ids"][2])]},
    )
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as packed:
        assert packed.namelist() == ["report.pdf", "report-1.pdf"]
    refused = await client.post(
        f"{path}/archive", data={"csrf_token": csrf, "attachment_id": [str(files["other_id"])]}
    )
    assert refused.status_code == 400
    assert "These attachments are not on this ticket" in refused.text
    empty = await client.post(f"{path}/archive", data={"csrf_token": csrf})
    assert empty.status_code == 422
    assert "Choose at least one attachment." in empty.text

    none = await client.get(f"/agent/tickets/{files['other_ticket']['id']}/attachments")
    assert "other.txt" in none.text
    zoom = await client.get(f"/agent/tickets/{ticket['id']}")
    assert f'href="/agent/tickets/{ticket["id"]}/attachments"' in zoom.text


async def test_overview_of_a_ticket_without_attachments(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    created = await client.post(
        "/api/v1/tickets",
        json={"title": "Plain", "queue_id": RAW, "article": {"body": "No files."}},
        headers=admin_headers,
    )
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get(f"/agent/tickets/{created.json()['id']}/attachments")
    assert page.status_code == 200
    assert "This ticket does not have any attachments." in page.text
