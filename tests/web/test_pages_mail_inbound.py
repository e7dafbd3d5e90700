"""The admin screens of incoming mail: mail accounts with "Fetch now", postmaster filters, and
failed incoming mail (download, process again, delete), as a browser uses them."""

from __future__ import annotations

import html

import httpx

from frontdesk.domain.mail_inbound.models import PostmasterFilter
from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import corpus_mail, plain_mail
from tests.domain.mail_inbound.dovecot import PASSWORD, dovecot_server
from tests.domain.mail_inbound.stored import counts, failures, post_mail
from tests.domain.tickets.people import make_agent, transaction
from tests.web.test_pages_admin import (
    api_items,
    assert_created,
    field_error,
    first_column,
    log_in,
    log_in_admin,
)

Headers = dict[str, str]


async def test_add_a_mail_account_and_fetch_it_now(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    csrf = await log_in_admin(client)
    form = await client.get("/admin/mail-accounts/new")
    assert form.status_code == 200
    assert '<option value="pop3">POP3</option>' in form.text
    with dovecot_server() as server:
        server.deliver("support", "one", plain_mail(1, subject="Paper jam <b>again</b>"))
        data = {
            "csrf_token": csrf,
            "type": "pop3",
            "host": "127.0.0.1",
            "port": str(server.pop3_port),
            "login": "support",
            "password": "wrong",
            "folder": "",
            "dispatch": "queue",
            "queue_id": "4",
            "trusted": "no",
            "valid": "1",
        }
        assert_created(await client.post("/admin/mail-accounts/new", data=data), "mail-accounts")
        (account,) = await api_items(client, "mail-accounts", admin_headers)
        assert (account["type"], account["queue_id"], account["trusted"]) == ("pop3", 4, False)
        listed = await client.get("/admin/mail-accounts")
        assert first_column(listed.text, "mail-accounts") == ["pop3"]
        assert f'href="/admin/mail-accounts/{account["id"]}/fetch"' in listed.text

        page = await client.get(f"/admin/mail-accounts/{account['id']}/fetch")
        assert page.status_code == 200
        refused = await client.post(
            f"/admin/mail-accounts/{account['id']}/fetch", data={"csrf_token": csrf}
        )
        assert refused.status_code == 502
        shown = html.unescape(refused.text)
        assert "The server refused: -ERR [AUTH] Authentication failed." in shown
        assert server.waiting("support") == 1

        # A new password through the edit form (empty would keep the old one).
        edit = {**data, "password": PASSWORD}
        response = await client.post(f"/admin/mail-accounts/{account['id']}", data=edit)
        assert response.status_code == 303, response.text
        fetched = await client.post(
            f"/admin/mail-accounts/{account['id']}/fetch", data={"csrf_token": csrf}
        )
        assert fetched.status_code == 200
        assert "Fetched 1 messages; 0 could not be imported" in fetched.text
        assert server.waiting("support") == 0
    assert (await counts(web))[:3] == (1, 1, 1)


async def test_bad_account_input_is_shown_next_to_the_input(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    csrf = await log_in_admin(client)
    data = {
        "csrf_token": csrf,
        "type": "imaps",
        "host": "mail.example.com",
        "port": "",
        "login": "support",
        "password": "pw",
        "dispatch": "queue",
        "queue_id": "",
        "trusted": "no",
    }
    response = await client.post("/admin/mail-accounts/new", data=data)
    assert response.status_code == 422
    assert field_error(response.text, "queue_id") == "dispatch 'queue' needs a queue_id"
    response = await client.post("/admin/mail-accounts/new", data={**data, "port": "abc"})
    assert field_error(response.text, "port") == "must be a whole number"
    assert await api_items(client, "mail-accounts", admin_headers) == []


async def test_add_a_postmaster_filter_from_lines(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    csrf = await log_in_admin(client)
    form = await client.get("/admin/postmaster-filters/new")
    assert '<option value="Misc">Misc</option>' in form.text
    data = {
        "csrf_token": csrf,
        "name": "Invoices",
        "conditions": "Subject: invoice\n\n!From: @frontdesk\\.test\n",
        "queue": "Misc",
        "priority": "4 high",
        "state": "",
        "type": "",
        "customer_user": "",
        "ignore": "no",
        "stop": "yes",
        "valid": "1",
    }
    assert_created(
        await client.post("/admin/postmaster-filters/new", data=data), "postmaster-filters"
    )
    (entry,) = await api_items(client, "postmaster-filters", admin_headers)
    assert (entry["match"], entry["set"], entry["stop"]) == (
        [
            {"header": "Subject", "pattern": "invoice", "negate": False},
            {"header": "From", "pattern": "@frontdesk\\.test", "negate": True},
        ],
        {"queue": "Misc", "priority": "4 high"},
        True,
    )
    edit = await client.get(f"/admin/postmaster-filters/{entry['id']}")
    assert "Subject: invoice\n!From: @frontdesk\\.test</textarea>" in html.unescape(edit.text)
    bad = await client.post(
        "/admin/postmaster-filters/new", data={**data, "name": "b", "conditions": "no colon"}
    )
    assert bad.status_code == 422
    assert field_error(bad.text, "conditions") == (
        "line 1: write Header: pattern (or !Header: pattern)"
    )
    nothing = await client.post(
        "/admin/postmaster-filters/new", data={**data, "name": "c", "queue": "", "priority": ""}
    )
    assert field_error(nothing.text, "queue") == "set at least one value, or ignore the mail"
    assert len(await api_items(client, "postmaster-filters", admin_headers)) == 1


async def test_failed_mail_is_listed_downloaded_processed_again_and_deleted(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    async with transaction(web) as tx:
        tx.session.add(
            PostmasterFilter(
                name="broken", match=[{"header": "Subject", "pattern": "(unclosed"}], set_values={}
            )
        )
    raw = plain_mail(1, subject="<script>alert(1)</script>")
    await post_mail(client, admin_headers, raw)
    await post_mail(client, admin_headers, plain_mail(2, subject="second"))
    first, second = await failures(web)
    csrf = await log_in_admin(client)

    page = await client.get("/admin/mail-failures")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "error: missing ), unterminated subpattern" in page.text
    source = await client.get(f"/admin/mail-failures/{first.id}/source")
    assert source.headers["content-type"] == "message/rfc822"
    assert source.headers["content-disposition"] == (
        f'attachment; filename="failed-mail-{first.id}.eml"'
    )
    assert source.content == raw

    still = await client.post(f"/admin/mail-failures/{first.id}/retry", data={"csrf_token": csrf})
    assert "The mail still cannot be processed" in still.text
    assert len(await failures(web)) == 2

    # The admin repairs the filter; processing again files the mail, and it leaves the list.
    async with transaction(web) as tx:
        broken = await tx.session.get(PostmasterFilter, 1)
        assert broken is not None
        broken.match = [{"header": "Subject", "pattern": "never-matches", "negate": False}]
    done = await client.post(f"/admin/mail-failures/{first.id}/retry", data={"csrf_token": csrf})
    assert (done.status_code, done.headers["location"]) == (303, "/admin/mail-failures?done=stored")
    assert [f.id for f in await failures(web)] == [second.id]
    assert (await counts(web))[:3] == (1, 1, 1)

    deleted = await client.post(
        f"/admin/mail-failures/{second.id}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 303
    assert await failures(web) == []
    assert "No failed incoming mail." in (await client.get("/admin/mail-failures")).text


async def test_agents_who_are_not_admins_see_none_of_it(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await post_mail(client, admin_headers, plain_mail(1))
    await make_agent(web, "agnes", ["rw"], password="agent-password-1")
    csrf = await log_in(client, "agnes", "agent-password-1")
    for path in ("/admin/mail-failures", "/admin/mail-accounts", "/admin/postmaster-filters"):
        assert (await client.get(path)).status_code == 403, path
    response = await client.post("/admin/mail-failures/1/delete", data={"csrf_token": csrf})
    assert response.status_code == 403


async def test_the_zoom_shows_an_html_only_mail_as_text_and_runs_none_of_it(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    created = (await post_mail(client, admin_headers, corpus_mail("html-only.eml"))).json()
    await log_in_admin(client)
    zoom = await client.get(f"/agent/tickets/{created['ticket_id']}")
    assert zoom.status_code == 200
    assert "Please see the order [https://example.com/order]." in html.unescape(zoom.text)
    for dangerous in ('alert("stolen")', "onload=", "onclick=", "onerror=", "javascript:alert"):
        assert dangerous not in zoom.text
