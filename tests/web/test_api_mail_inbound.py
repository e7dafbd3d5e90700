"""POST /api/v1/mail/inbound: one raw message → ticket, follow-up, ignored or kept as failed."""

from __future__ import annotations

import httpx

from frontdesk.domain.mail_inbound.models import PostmasterFilter
from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import corpus_mail, plain_mail
from tests.domain.mail_inbound.stored import (
    Headers,
    article,
    attachments,
    close_ticket,
    counts,
    failures,
    post_mail,
    source,
    state_name,
    ticket,
)
from tests.domain.tickets.people import make_agent, make_customer, transaction


async def test_a_new_mail_opens_a_ticket_with_the_decoded_subject(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    raw = corpus_mail("encoded-subject.eml")
    response = await post_mail(client, admin_headers, raw)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["follow_up"] is False
    created = await ticket(web, body["ticket_id"])
    assert (created.title, created.queue_id, created.customer_user_id) == (
        "Grüße – Bestellung",
        2,  # Raw, PostmasterDefaultQueue
        None,
    )
    first = await article(web, body["article_id"])
    assert (first.channel, first.sender_type, first.visible_for_customer) == (
        "email",
        "customer",
        True,
    )
    assert first.from_display == "Jürgen Müller <juergen@example.com>"
    assert first.body == "Guten Tag,\nmeine Bestellung 4711 ist nicht angekommen. Grüße aus Köln"
    kept = await source(web, first.id)
    assert (kept.direction, kept.message_id, kept.from_address, kept.raw) == (
        "in",
        "<encoded-subject.1@example.com>",
        "juergen@example.com",
        raw,
    )
    assert kept.to_addresses == ["support@frontdesk.test"]


async def test_charsets_html_inline_images_and_forwards_are_stored_readably(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    results = {}
    for name in (
        "latin1.eml",
        "windows-1252.eml",
        "unknown-charset.eml",
        "html-only.eml",
        "related-inline-image.eml",
        "forwarded.eml",
        "broken-mime.eml",
    ):
        response = await post_mail(client, admin_headers, corpus_mail(name))
        assert response.status_code == 201, (name, response.text)
        results[name] = response.json()["article_id"]
    assert (await article(web, results["latin1.eml"])).body == (
        "Bonjour, la machine à café ne marche plus. £ 5"
    )
    assert (await article(web, results["windows-1252.eml"])).body == (
        "The invoice says „100 €“ – that is wrong."
    )
    unknown = await article(web, results["unknown-charset.eml"])
    assert (unknown.subject, unknown.body) == (
        "Strange \ufffd subject",
        "Hello \ufffd world, this is readable.",
    )
    html = await article(web, results["html-only.eml"])
    assert html.body == (
        "Hello team & friends,\n\nPlease see the order [https://example.com/order].\nclick"
    )
    assert "<script" not in html.channel_data["html"]
    assert "<p>Hello <b>team</b> &amp; friends,</p>" in html.channel_data["html"]
    assert await attachments(web, results["related-inline-image.eml"]) == [
        ("screenshot.png", "image/png", "inline", 70)
    ]
    assert await attachments(web, results["forwarded.eml"]) == [
        ("Delivery problem.eml", "message/rfc822", "attachment", 205)
    ]
    assert (await article(web, results["broken-mime.eml"])).body == (
        "This body is base64 but truncated"
    )
    assert (await counts(web))[3] == 0  # nothing failed


async def test_a_duplicate_message_id_is_stored_once(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    first = await post_mail(client, admin_headers, plain_mail(1))
    assert first.status_code == 201
    again = await post_mail(client, admin_headers, plain_mail(1, body="Resent by a relay."))
    assert (again.status_code, again.json()) == (200, {"ignored": True, "reason": "duplicate"})
    assert await counts(web) == (1, 1, 1, 0)


async def test_follow_up_by_ticket_number_in_the_subject_and_by_in_reply_to(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    opened = (await post_mail(client, admin_headers, plain_mail(1))).json()
    number = (await ticket(web, opened["ticket_id"])).number

    by_subject = await post_mail(
        client, admin_headers, plain_mail(2, subject=f"Re: [Ticket#{number}] Printer on fire")
    )
    assert by_subject.status_code == 201, by_subject.text
    assert by_subject.json()["ticket_id"] == opened["ticket_id"]
    assert by_subject.json()["follow_up"] is True

    by_header = await post_mail(
        client,
        admin_headers,
        plain_mail(
            3, subject="Re: no number here", extra_headers="In-Reply-To: <1.in@example.com>\r\n"
        ),
    )
    assert (by_header.json()["ticket_id"], by_header.json()["follow_up"]) == (
        opened["ticket_id"],
        True,
    )
    by_references = await post_mail(
        client,
        admin_headers,
        plain_mail(
            4,
            subject="Re: again",
            extra_headers="References: <unknown@elsewhere> <3.in@example.com>\r\n",
        ),
    )
    assert by_references.json()["ticket_id"] == opened["ticket_id"]
    assert await counts(web) == (1, 4, 4, 0)
    kept = await source(web, by_header.json()["article_id"])
    assert kept.in_reply_to == "<1.in@example.com>"


async def test_a_follow_up_reopens_a_closed_ticket(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    opened = (await post_mail(client, admin_headers, plain_mail(1))).json()
    await close_ticket(web, opened["ticket_id"])
    reply = plain_mail(2, extra_headers="In-Reply-To: <1.in@example.com>\r\n")
    response = await post_mail(client, admin_headers, reply)
    assert response.json()["follow_up"] is True
    assert await state_name(web, opened["ticket_id"]) == "open"


async def test_a_known_sender_becomes_the_customer_but_a_forged_from_reads_nothing(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    cora_id, cora = await make_customer(web, "cora")
    _eve_id, eve = await make_customer(web, "eve")
    # Eve forges Cora's address: the ticket is filed under Cora, as OTRS does ...
    forged = plain_mail(1, sender="Cora <CORA@customer.example>")
    created = (await post_mail(client, admin_headers, forged)).json()
    assert (await ticket(web, created["ticket_id"])).customer_user_id == cora_id
    # ... but the portal shows tickets to the logged-in customer user only: Eve sees nothing,
    # and a follow-up she sends under her own name to Cora's ticket does not let her in either.
    number = (await ticket(web, created["ticket_id"])).number
    await post_mail(
        client,
        admin_headers,
        plain_mail(2, sender="eve@customer.example", subject=f"[Ticket#{number}] hi"),
    )
    assert (await ticket(web, created["ticket_id"])).customer_user_id == cora_id
    seen_by_eve = await client.get(f"/api/v1/tickets/{created['ticket_id']}", headers=eve)
    assert seen_by_eve.status_code == 404
    seen_by_cora = await client.get(f"/api/v1/tickets/{created['ticket_id']}", headers=cora)
    assert seen_by_cora.status_code == 200


async def test_a_crash_inside_processing_keeps_the_raw_mail_for_the_admin(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    # A filter written around the API with a broken pattern makes processing raise.
    async with transaction(web) as tx:
        tx.session.add(
            PostmasterFilter(
                name="broken", match=[{"header": "Subject", "pattern": "(unclosed"}], set_values={}
            )
        )
    raw = plain_mail(1)
    response = await post_mail(client, admin_headers, raw)
    assert response.status_code == 200, response.text
    assert response.json()["reason"] == "failed"
    assert await counts(web) == (0, 0, 0, 1)
    [failure] = await failures(web)
    assert (failure.reason, failure.raw, failure.message_id, failure.from_address) == (
        "error",
        raw,
        "<1.in@example.com>",
        "cora@example.com",
    )
    assert failure.error.startswith("error: missing ), unterminated subpattern")


async def test_crlf_in_the_subject_cannot_inject_a_header(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    raw = plain_mail(1, subject="=?utf-8?q?Hello=0D=0ABcc:_victim@example.com?=")
    created = (await post_mail(client, admin_headers, raw)).json()
    assert (await ticket(web, created["ticket_id"])).title == "Hello Bcc: victim@example.com"


async def test_only_admins_may_hand_in_mail_and_nothing_is_stored_otherwise(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    _agent_id, agent = await make_agent(web, "agnes", ["rw"])
    _customer_id, customer = await make_customer(web, "cora")
    for headers in (agent, customer):
        response = await post_mail(client, headers, plain_mail(1))
        assert response.status_code == 403, response.text
    assert (await post_mail(client, {}, plain_mail(1))).status_code == 401
    wrong_type = await client.post(
        "/api/v1/mail/inbound",
        content=plain_mail(1),
        headers={**admin_headers, "Content-Type": "text/plain"},
    )
    assert (wrong_type.status_code, wrong_type.json()["error"]["code"]) == (
        415,
        "unsupported_media_type",
    )
    empty = await post_mail(client, admin_headers, b"  ")
    assert (empty.status_code, empty.json()["error"]["details"][0]["field"]) == (422, "body")
    assert await counts(web) == (0, 0, 0, 0)


async def test_mail_accounts_are_checked_and_for_admins_only(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    url = "/api/v1/mail-accounts"
    good = {"type": "imaps", "host": "mail.example.com", "login": "support", "password": "pw"}
    no_queue = await client.post(url, headers=admin_headers, json=good)
    assert no_queue.status_code == 422
    assert no_queue.json()["error"]["details"][0]["field"] == "queue_id"
    for change in ({"host": "bad host\r\n"}, {"type": "smtp"}, {"port": 0}, {"login": "a\nb"}):
        response = await client.post(
            url, headers=admin_headers, json={**good, "queue_id": 4, **change}
        )
        assert response.status_code == 422, change
    unknown_queue = await client.post(url, headers=admin_headers, json={**good, "queue_id": 999})
    assert unknown_queue.json()["error"]["details"][0]["field"] == "queue_id"
    created = await client.post(
        url, headers=admin_headers, json={**good, "dispatch": "recipient", "trusted": True}
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": created.json()["id"],
        "type": "imaps",
        "host": "mail.example.com",
        "port": 993,
        "login": "support",
        "folder": None,
        "dispatch": "recipient",
        "queue_id": None,
        "trusted": True,
        "valid": True,
        "last_fetch_at": None,
        "last_error": "",
    }
    _agent_id, agent = await make_agent(web, "agnes", ["rw"])
    assert (await client.get(url, headers=agent)).status_code == 403
    account_url = f"{url}/{created.json()['id']}"
    assert (await client.post(f"{account_url}/fetch", headers=agent)).status_code == 403
    assert (await client.delete(account_url, headers=agent)).status_code == 403
    assert (await client.delete(account_url, headers=admin_headers)).status_code == 204
    assert (await client.get(account_url, headers=admin_headers)).status_code == 404
