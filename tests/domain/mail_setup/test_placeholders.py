"""OTRS placeholder tags: exact output for the tags OTRS templates use, ``-`` for the unknown,
and user text that looks like a template language left exactly as written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import Agent, CustomerCompany, CustomerUser
from frontdesk.domain.mail_setup.placeholders import (
    CONFIG_ALLOW_LIST,
    PlaceholderContext,
    config_from,
    placeholder_context,
    render_placeholders,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.web.state import WebState

CONTEXT = PlaceholderContext(
    customer={"UserFirstname": "Cora", "UserLastname": "Customer", "UserEmail": "cora@example.com"},
    customer_realname="Cora Customer",
    current_agent={"UserFirstname": "Ann", "UserLastname": "Agent"},
    owner={"UserFirstname": "Otto", "UserLogin": "otto"},
    responsible={"UserFirstname": "Rita"},
    ticket={
        "TicketNumber": "2026120710000017",
        "Title": "Printer on fire",
        "Queue": "Misc",
        "State": "open",
    },
    customer_subject="Printer on fire",
    customer_from='"Cora Customer" <cora@example.com>',
    customer_body="Hello,\n\nthe printer burns.\nPlease help.\n",
    config={"Ticket::Hook": "Ticket#", "SendmailModule::AuthPassword": "s3cret"},
)


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("Dear <OTRS_CUSTOMER_REALNAME>,", "Dear Cora Customer,"),
        (
            "Hi <OTRS_CUSTOMER_UserFirstname> (<OTRS_CUSTOMER_UserEmail>)",
            "Hi Cora (cora@example.com)",
        ),
        ("<OTRS_CUSTOMER_DATA_UserLastname>", "Customer"),
        ("-- \n<OTRS_CURRENT_UserFirstname> <OTRS_CURRENT_UserLastname>", "-- \nAnn Agent"),
        ("<OTRS_OWNER_UserFirstname>/<OTRS_TICKET_OWNER_UserLogin>", "Otto/otto"),
        ("<OTRS_RESPONSIBLE_UserFirstname>", "Rita"),
        (
            "[<OTRS_CONFIG_Ticket::Hook><OTRS_TICKET_TicketNumber>] <OTRS_TICKET_Title>",
            "[Ticket#2026120710000017] Printer on fire",
        ),
        ("<OTRS_TICKET_Queue> / <OTRS_QUEUE> / <OTRS_Ticket_Queue>", "Misc / Misc / Misc"),
        ("State: <OTRS_TICKET_State>", "State: open"),
        ("Re: <OTRS_CUSTOMER_Subject>", "Re: Printer on fire"),
        ("From <OTRS_CUSTOMER_From>", 'From "Cora Customer" <cora@example.com>'),
        (
            "You wrote:\n<OTRS_CUSTOMER_BODY>\nBye",
            "You wrote:\n> Hello,\n>\n> the printer burns.\n> Please help.\nBye",
        ),
        ("<OTRS_CUSTOMER_BODY[1]>", "> Hello,"),
        ("<OTRS_CUSTOMER_EMAIL[3]>", "> Hello,\n>\n> the printer burns."),
        ("<otrs_customer_userfirstname>", "Cora"),
        # Unknown tags, unknown attributes and empty values become "-", as in OTRS.
        ("<OTRS_TICKET_DynamicField_Foo> <OTRS_NOPE> <OTRS_CUSTOMER_UserPhone>", "- - -"),
        ("<OTRS_ whatever it is >", "-"),
        # Only allowed settings show: a secret is never read.
        ("<OTRS_CONFIG_SendmailModule::AuthPassword>", "-"),
        ("<OTRS_CONFIG_DatabasePw>", "-"),
        # Text that looks like a template language stays exactly as it is.
        (
            "{{ 7*7 }} {% for x in y %}{{ x }}{% endfor %}",
            "{{ 7*7 }} {% for x in y %}{{ x }}{% endfor %}",
        ),
        (
            "<script>alert(1)</script> ${7*7} #{7*7} [% Data.X %]",
            "<script>alert(1)</script> ${7*7} #{7*7} [% Data.X %]",
        ),
        ("<OTRS_CUSTOMER_UserFirstname", "<OTRS_CUSTOMER_UserFirstname"),
        ("", ""),
    ],
)
def test_render(text: str, rendered: str) -> None:
    assert render_placeholders(text, CONTEXT) == rendered


def test_substituted_values_are_never_expanded_again() -> None:
    sneaky = PlaceholderContext(
        customer_subject="<OTRS_CONFIG_Ticket::Hook> {{ 7*7 }}",
        customer={"UserFirstname": "<OTRS_CUSTOMER_Subject>"},
        config={"Ticket::Hook": "Ticket#"},
    )
    assert render_placeholders("<OTRS_CUSTOMER_Subject>|<OTRS_CUSTOMER_UserFirstname>", sneaky) == (
        "<OTRS_CONFIG_Ticket::Hook> {{ 7*7 }}|<OTRS_CUSTOMER_Subject>"
    )


def test_an_empty_context_renders_every_tag_as_a_dash() -> None:
    assert (
        render_placeholders(
            "Dear <OTRS_CUSTOMER_REALNAME>, <OTRS_CUSTOMER_BODY>", PlaceholderContext()
        )
        == "Dear -, -"
    )


async def test_context_of_a_ticket(web: WebState) -> None:
    created = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    async with unit_of_work(web.session_factory) as session:
        session.add(CustomerCompany(customer_id="ACME", name="ACME Inc."))
        await session.flush()
        customer = CustomerUser(
            login="cora",
            first_name="Cora",
            last_name="Customer",
            email="cora@example.com",
            customer_id="ACME",
        )
        owner = Agent(login="otto", first_name="Otto", last_name="Owner", email="otto@example.com")
        session.add_all([customer, owner])
        await session.flush()
        ticket = Ticket(
            number="2026120710000017",
            title="Printer on fire",
            queue_id=4,
            state_id=1,
            priority_id=3,
            owner_id=owner.id,
            responsible_id=1,
            customer_user_id=customer.id,
            customer_id="ACME",
            created_at=created,
        )
        session.add(ticket)
        await session.flush()
        for minute, sender, subject, body in (
            (31, "customer", "Printer on fire", "First.\nSecond."),
            (32, "agent", "Re: Printer on fire", "We are on it."),
            (33, "customer", "Still burning", "It still burns.\nHelp!"),
        ):
            session.add(
                Article(
                    ticket_id=ticket.id,
                    channel="email",
                    sender_type=sender,
                    visible_for_customer=True,
                    subject=subject,
                    body=body,
                    from_display="Cora Customer <cora@example.com>",
                    created_at=created.replace(minute=minute),
                )
            )
        await session.flush()
        ticket_id, owner_id = ticket.id, owner.id
        tx = Tx(session=session, runtime=web.runtime)
        context = await placeholder_context(session, ticket_id, owner_id, config=config_from(tx))
        missing = await placeholder_context(session, 999_999, None)

    assert context.ticket == {
        "TicketNumber": "2026120710000017",
        "TicketID": str(ticket_id),
        "Title": "Printer on fire",
        "Queue": "Misc",
        "State": "new",
        "Priority": "3 normal",
        "Type": "",
        "Service": "",
        "SLA": "",
        "Lock": "unlock",
        "CustomerID": "ACME",
        "CustomerUserID": "cora",
        "Owner": "otto",
        "Responsible": "admin",
        "Created": "2026-12-07 09:30:00",
    }
    assert set(context.config) <= CONFIG_ALLOW_LIST
    assert context.config.get("SystemID") == "10"
    text = (
        "Dear <OTRS_CUSTOMER_REALNAME>,\n<OTRS_CUSTOMER_BODY[1]>\n"
        "<OTRS_CURRENT_UserFullname> for <OTRS_TICKET_Queue> "
        "(<OTRS_RESPONSIBLE_UserLogin>, <OTRS_CUSTOMER_UserCustomerID>): <OTRS_CUSTOMER_Subject>"
    )
    assert render_placeholders(text, context) == (
        "Dear Cora Customer,\n> It still burns.\nOtto Owner for Misc (admin, ACME): Still burning"
    )
    assert missing == PlaceholderContext()
