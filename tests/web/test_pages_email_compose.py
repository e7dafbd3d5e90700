"""The agent's e-mail screens as a browser uses them: reply, reply to all, forward, the inline
refusals, the zoom's mail details and delivery state, the .eml download and the suggestions."""

from __future__ import annotations

import html
import re

import httpx

from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.web.state import WebState
from tests.domain.email.sending import (
    SENDER,
    b64,
    received_ticket,
    set_up_queue_mail,
    stored_mails,
    use_sender,
)
from tests.domain.outbox.mail import items
from tests.domain.outbox.relay import RecordingHandler, smtp_relay
from tests.domain.tickets.people import make_agent, make_customer
from tests.web.test_pages_admin import log_in, log_in_admin

Headers = dict[str, str]


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input id="{name}" name="{name}" type="text" value="([^"]*)"', page)
    assert match is not None, name
    return html.unescape(match.group(1))


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea id="{name}" name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match is not None, name
    return html.unescape(match.group(1))


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', page)
    assert match is not None, name
    return html.unescape(match.group(1))


async def test_reply_is_prefilled_sent_and_shown_on_the_zoom(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    csrf = await log_in_admin(client)
    url = f"/agent/tickets/{ticket['id']}/email"
    article_id = ticket["first_article_id"]

    zoom = (await client.get(f"/agent/tickets/{ticket['id']}")).text
    assert f'href="{url}?mode=reply&amp;article_id={article_id}"' in zoom
    assert f'href="{url}?mode=reply_all&amp;article_id={article_id}"' in zoom
    assert f'href="{url}?mode=forward&amp;article_id={article_id}"' in zoom
    assert f'href="{url}"' in zoom  # "Send e-mail" in the ticket's actions

    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        form = await client.get(f"{url}?mode=reply&article_id={article_id}")
        assert form.status_code == 200
        page = form.text
        assert "<h1>Reply by e-mail</h1>" in page
        assert field_value(page, "to") == "Jane Customer <jane@customer.example>"
        assert field_value(page, "cc") == ""
        assert field_value(page, "subject") == "Re: Printer on fire"
        body = textarea(page, "body")
        assert re.fullmatch(
            r"\n\nOn \d{4}-\d\d-\d\d \d\d:\d\d, Jane Customer <jane@customer.example> wrote:\n"
            r"> It smokes\.\n>\n> Jane",
            body.replace("\r\n", "\n"),
        ), body
        assert f"From: Frontdesk Süpport &lt;{SENDER}&gt;" in page

        sent = await client.post(
            url,
            data={
                "csrf_token": csrf,
                "mode": "reply",
                "in_reply_to_article_id": str(article_id),
                "to": "Jane Customer <jane@customer.example>",
                "cc": "",
                "bcc": "audit@example.com",
                "subject": "Re: Printer on fire",
                "body": "Fixed it.\n\n" + body,
                "state_id": "",
            },
            files={"attachment": ("report.txt", b"all good", "text/plain")},
        )
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == f"/agent/tickets/{ticket['id']}?done=email"

        zoom = (await client.get(sent.headers["location"])).text
        assert "E-mail queued for sending." in zoom
        assert "Queued for delivery" in zoom
        await deliver_due(web.session_factory, web.runtime, "w1")

    (_, mail) = await stored_mails(web)
    (received,) = relay.received
    assert received.data == mail.raw
    assert received.recipients == ["jane@customer.example", "audit@example.com"]
    assert b'filename="report.txt"' in received.data
    zoom = (await client.get(f"/agent/tickets/{ticket['id']}")).text
    assert "Queued for delivery" not in zoom
    assert "<dt>To</dt><dd>Jane Customer &lt;jane@customer.example&gt;</dd>" in zoom
    assert "<dt>Bcc</dt><dd>audit@example.com</dd>" in zoom
    source_url = f"/agent/tickets/{ticket['id']}/articles/{mail.article_id}/source"
    assert f'href="{source_url}"' in zoom
    source = await client.get(source_url)
    assert source.status_code == 200
    assert source.headers["content-type"] == "message/rfc822"
    assert source.content == mail.raw


async def test_reply_all_copies_the_other_recipients_but_not_ourselves(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(
        client,
        admin_headers,
        web,
        to=[f"Support <{SENDER}>", "Carl Colleague <carl@example.com>"],
        cc=["boss@example.com", "jane@customer.example"],
    )
    await use_sender(web)
    await log_in_admin(client)
    page = (
        await client.get(
            f"/agent/tickets/{ticket['id']}/email?mode=reply_all"
            f"&article_id={ticket['first_article_id']}"
        )
    ).text
    assert "<h1>Reply to all by e-mail</h1>" in page
    assert field_value(page, "to") == "Jane Customer <jane@customer.example>"
    assert field_value(page, "cc") == "Carl Colleague <carl@example.com>, boss@example.com"


async def test_forward_offers_the_articles_files_and_sends_them_on(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    created = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Invoice",
            "queue_id": 2,
            "article": {
                "channel": "email",
                "sender": "customer",
                "subject": "[Ticket#1] Re: Invoice",
                "body": "See attached.",
                "attachments": [{"filename": "invoice.pdf", "content_base64": b64(b"%PDF-1")}],
            },
        },
        headers=admin_headers,
    )
    ticket = created.json()
    articles = await client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=admin_headers)
    (article,) = articles.json()["items"]
    (file,) = article["attachments"]
    csrf = await log_in_admin(client)
    url = f"/agent/tickets/{ticket['id']}/email"
    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        page = (await client.get(f"{url}?mode=forward&article_id={article['id']}")).text
        assert field_value(page, "to") == ""
        assert field_value(page, "subject") == "Fwd: Invoice"
        assert "---- Forwarded message ----" in textarea(page, "body")
        assert (
            f'<input type="checkbox" id="forward-attachment-{file["id"]}" '
            f'name="forward_attachment" value="{file["id"]}" checked>'
        ) in page
        sent = await client.post(
            url,
            data={
                "csrf_token": csrf,
                "mode": "forward",
                "in_reply_to_article_id": str(article["id"]),
                "to": "accounting@example.com",
                "subject": "Fwd: Invoice",
                "body": "For you.",
                "forward_attachment": str(file["id"]),
            },
        )
        assert sent.status_code == 303, sent.text
        await deliver_due(web.session_factory, web.runtime, "w1")
    (received,) = relay.received
    assert f"Subject: [Ticket#{ticket['number']}] Fwd: Invoice\r\n".encode() in received.data
    assert b'filename="invoice.pdf"' in received.data


async def test_bad_input_is_shown_inline_and_nothing_is_stored_or_sent(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    csrf = await log_in_admin(client)
    url = f"/agent/tickets/{ticket['id']}/email"
    good = {"csrf_token": csrf, "mode": "new", "to": "jane@customer.example", "body": "Hi"}
    for change, name, message in (
        ({"to": "jane@customer.example, not-an-address"}, "to", None),
        ({"to": ""}, "to", "needs at least one recipient"),
        ({"cc": "x@@example.com"}, "cc", "x@@example.com is not a valid e-mail address"),
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "subject", None),
        ({"state_id": "abc"}, "state_id", None),
        ({"pending_until": "soon"}, "pending_until", None),
    ):
        response = await client.post(url, data={**good, **change})
        assert response.status_code == 422, (change, response.status_code)
        error = field_error(response.text, name)
        if message is not None:
            assert error == message
        assert 'role="alert"' in response.text
        # What was typed stays in the form.
        if name == "to" and change["to"]:
            assert field_value(response.text, "to") == change["to"]
    assert len(await stored_mails(web)) == 1
    assert await items(web) == []


async def test_an_agent_without_rw_is_refused_and_nothing_is_sent(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await use_sender(web)
    await make_agent(web, "reader", ["ro", "note"], password="reader-password-1")
    csrf = await log_in(client, "reader", "reader-password-1")
    form = await client.get(f"/agent/tickets/{ticket['id']}/email")
    assert form.status_code == 403
    assert "You need the rw permission" in form.text
    response = await client.post(
        f"/agent/tickets/{ticket['id']}/email",
        data={"csrf_token": csrf, "to": "jane@customer.example", "body": "Hi"},
    )
    assert response.status_code == 403
    assert "You need the rw permission" in response.text
    assert len(await stored_mails(web)) == 1
    assert await items(web) == []


async def test_a_failed_delivery_is_shown_on_the_zoom(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    handler = RecordingHandler(refusals=["550 5.1.1 <b>No such user</b>"])
    with smtp_relay(handler) as relay:
        await use_sender(web, relay.port)
        sent = await client.post(
            f"/api/v1/tickets/{ticket['id']}/articles",
            json={"channel": "email", "to": ["gone@example.com"], "body": "Hello?"},
            headers=admin_headers,
        )
        assert sent.status_code == 201
        await deliver_due(web.session_factory, web.runtime, "w1")
    await log_in_admin(client)
    zoom = (await client.get(f"/agent/tickets/{ticket['id']}")).text
    assert (
        '<p class="error" role="alert">Delivery failed: SMTP 550 5.1.1 &lt;b&gt;No such user'
        '&lt;/b&gt; <a href="/admin/mail-queue">Open the mail queue</a></p>'
    ) in zoom


async def test_recipient_suggestions_complete_the_address_being_typed(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await received_ticket(client, admin_headers, web)
    await log_in_admin(client)
    first = await client.get("/agent/email/recipients", params={"to": "jan"})
    assert first.status_code == 200
    assert re.findall(r'<option value="([^"]*)">', first.text) == [
        "Jane Customer &lt;jane@customer.example&gt;"
    ]
    more = await client.get("/agent/email/recipients", params={"cc": "a@example.com, JANE"})
    assert re.findall(r'<option value="([^"]*)">', more.text) == [
        "a@example.com, Jane Customer &lt;jane@customer.example&gt;"
    ]
    short = await client.get("/agent/email/recipients", params={"bcc": "j"})
    assert re.findall(r"<option", short.text) == []


async def test_a_new_email_ticket_is_created_and_its_first_article_sent(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    await make_customer(web, "jane")
    csrf = await log_in_admin(client)
    form = await client.get("/agent/email-tickets/new")
    assert form.status_code == 200
    assert '<a href="/agent/email-tickets/new" aria-current="page">New e-mail ticket</a>' in (
        form.text
    )
    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        refused = await client.post(
            "/agent/email-tickets/new",
            data={"csrf_token": csrf, "queue_id": "2", "to": "jane@", "subject": "Hi", "body": "x"},
        )
        assert refused.status_code == 422
        assert field_error(refused.text, "to") == "jane@ is not a valid e-mail address"
        assert (await client.get("/api/v1/tickets", headers=admin_headers)).json()["total"] == 0

        created = await client.post(
            "/agent/email-tickets/new",
            data={
                "csrf_token": csrf,
                "queue_id": "2",
                "to": "jane@customer.example",
                "subject": "Your new printer",
                "body": "It ships tomorrow.",
            },
            files={"attachment": ("order.txt", b"1 printer", "text/plain")},
        )
        assert created.status_code == 303, created.text
        await deliver_due(web.session_factory, web.runtime, "w1")

    (ticket,) = (await client.get("/api/v1/tickets", headers=admin_headers)).json()["items"]
    assert created.headers["location"] == f"/agent/tickets/{ticket['id']}?done=created"
    assert (ticket["title"], ticket["customer_user"]) == ("Your new printer", "jane")
    (mail,) = await stored_mails(web)
    (received,) = relay.received
    assert received.data == mail.raw
    assert f"Subject: [Ticket#{ticket['number']}] Your new printer\r\n".encode() in received.data
    assert b"In-Reply-To" not in received.data
    articles = await client.get(f"/api/v1/tickets/{ticket['id']}/articles", headers=admin_headers)
    (article,) = articles.json()["items"]
    assert article["subject"] == f"[Ticket#{ticket['number']}] Your new printer"
    assert article["from_display"] == f"Frontdesk Süpport <{SENDER}>"
    assert [f["filename"] for f in article["attachments"]] == ["order.txt"]


async def test_the_queues_address_salutation_signature_and_templates_are_used(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(
        client,
        admin_headers,
        web,
        to=["Acme Help <HELP@acme.example>", "carl@example.com"],
    )
    ids = await set_up_queue_mail(client, admin_headers)
    csrf = await log_in_admin(client)
    url = f"/agent/tickets/{ticket['id']}/email"
    article_id = ticket["first_article_id"]

    page = (await client.get(f"{url}?mode=reply_all&article_id={article_id}")).text
    assert "From: Acme Help &lt;help@acme.example&gt;" in page
    assert field_value(page, "to") == "Jane Customer <jane@customer.example>"
    assert field_value(page, "cc") == "carl@example.com"  # our own address left out
    body = textarea(page, "body").replace("\r\n", "\n")
    assert body.startswith("Dear Jane,\n\n\n\n-- \nYour Raw team\n\nOn ")
    assert body.endswith(" wrote:\n> It smokes.\n>\n> Jane")
    assert f'<option value="{ids["answer"]}">Answer template</option>' in page
    assert "Forward template" not in page

    templated = (
        await client.get(f"{url}?mode=reply&article_id={article_id}&template_id={ids['answer']}")
    ).text
    body = textarea(templated, "body").replace("\r\n", "\n")
    assert body.startswith("Dear Jane,\n\nanswer text for Admin\n\n-- \nYour Raw team\n\nOn ")
    assert f'<option value="{ids["answer"]}" selected>Answer template</option>' in templated
    forward = (
        await client.get(f"{url}?mode=forward&article_id={article_id}&template_id={ids['forward']}")
    ).text
    assert (
        textarea(forward, "body")
        .replace("\r\n", "\n")
        .startswith("forward text for Admin\n\n-- \nYour Raw team\n\n---- Forwarded message ----\n")
    )
    wrong = await client.get(
        f"{url}?mode=reply&article_id={article_id}&template_id={ids['forward']}"
    )
    assert wrong.status_code == 422
    assert "Choose one of the offered templates." in wrong.text

    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        sent = await client.post(
            url,
            data={
                "csrf_token": csrf,
                "mode": "reply",
                "in_reply_to_article_id": str(article_id),
                "to": "jane@customer.example",
                "subject": "Re: Printer on fire",
                "body": body,
            },
        )
        assert sent.status_code == 303, sent.text
        await deliver_due(web.session_factory, web.runtime, "w1")
    (_, mail) = await stored_mails(web)
    (received,) = relay.received
    assert received.sender == "help@acme.example"
    assert b"From: Acme Help <help@acme.example>\r\n" in received.data
    assert mail.message_id is not None and mail.message_id.endswith("@acme.example>")


async def test_a_new_email_ticket_starts_from_the_queues_create_template(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ids = await set_up_queue_mail(client, admin_headers)
    await log_in_admin(client)
    page = await client.get(f"/agent/email-tickets/new?queue_id=2&template_id={ids['create']}")
    assert page.status_code == 200
    assert field_value(page.text, "subject") == "Welcome"
    assert textarea(page.text, "body").replace("\r\n", "\n") == (
        "create text for Admin\n\n-- \nYour Raw team"
    )
    assert '<option value="2" selected>Raw</option>' in page.text


async def test_a_templates_files_go_out_with_the_answer(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    ids = await set_up_queue_mail(client, admin_headers)
    added = await client.post(
        f"/api/v1/templates/{ids['answer']}/attachments",
        files={"file": ("terms.txt", b"our terms", "text/plain")},
        headers=admin_headers,
    )
    assert added.status_code == 201, added.text
    file_id = added.json()["id"]
    other = await client.post(
        f"/api/v1/templates/{ids['create']}/attachments",
        files={"file": ("other.txt", b"other", "text/plain")},
        headers=admin_headers,
    )
    csrf = await log_in_admin(client)
    url = f"/agent/tickets/{ticket['id']}/email"
    article_id = ticket["first_article_id"]
    page = (
        await client.get(f"{url}?mode=reply&article_id={article_id}&template_id={ids['answer']}")
    ).text
    assert (
        f'<input type="checkbox" id="template-attachment-{file_id}" '
        f'name="template_attachment" value="{file_id}" checked>'
    ) in page
    assert f'<input type="hidden" name="template_id" value="{ids["answer"]}">' in page
    form = {
        "csrf_token": csrf,
        "mode": "reply",
        "in_reply_to_article_id": str(article_id),
        "to": "jane@customer.example",
        "subject": "Re: Printer on fire",
        "body": "See the terms.",
        "template_id": str(ids["answer"]),
    }
    with smtp_relay() as relay:
        await use_sender(web, relay.port)
        # A file of another template is not this template's to send.
        wrong = await client.post(
            url, data={**form, "template_attachment": str(other.json()["id"])}
        )
        assert wrong.status_code == 422
        assert field_error(wrong.text, "attachment") == "Choose one of the offered files."
        assert await items(web) == []
        sent = await client.post(url, data={**form, "template_attachment": str(file_id)})
        assert sent.status_code == 303, sent.text
        await deliver_due(web.session_factory, web.runtime, "w1")
    (received,) = relay.received
    assert b'filename="terms.txt"' in received.data


async def test_send_email_writes_to_the_tickets_customer(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    await log_in_admin(client)
    page = (await client.get(f"/agent/tickets/{ticket['id']}/email")).text
    assert "<h1>Send an e-mail</h1>" in page
    assert field_value(page, "to") == "Jane Customer <jane@customer.example>"
    assert field_value(page, "subject") == "Printer on fire"
    assert textarea(page, "body") == ""
    assert 'name="in_reply_to_article_id"' not in page
    missing = await client.get("/agent/tickets/999999/email")
    assert missing.status_code == 404
    foreign = await client.get(f"/agent/tickets/{ticket['id']}/email?mode=reply&article_id=999999")
    assert foreign.status_code == 422
