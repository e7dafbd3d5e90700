"""Demo data for a first look: agents, customers, tickets and e-mail set-up. Loaded once.

Logins (change or delete them before real use):

- agents ``agent1`` / ``demo-agent-1`` and ``agent2`` / ``demo-agent-2`` (rw in group ``users``);
- customer users ``jane`` / ``demo-customer`` and ``john`` / ``demo-customer`` of the company
  "Acme Corp" (customer id ``acme``).

Everything is created through the actions the application itself uses, so the tickets carry
real numbers, history and articles.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.queries import actor_for_agent, actor_for_customer
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    CustomerCompanyCreate,
    CustomerUserCreate,
)
from frontdesk.domain.accounts.settings import CUSTOMER_ALWAYS_GROUPS
from frontdesk.domain.mail_inbound.ingest import Stored, receive_in
from frontdesk.domain.mail_setup import actions as mail_setup_actions
from frontdesk.domain.mail_setup.models import Salutation, Signature
from frontdesk.domain.mail_setup.schemas import (
    SnippetCreate,
    SystemAddressCreate,
    TemplateCreate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue.schemas import QueueUpdate
from frontdesk.domain.tickets import actions as ticket_actions
from frontdesk.domain.tickets.schemas import (
    ArticleCreate,
    Channel,
    TicketCreate,
    TicketUpdate,
)

DEMO_AGENTS = (
    ("agent1", "Alice", "Anders", "demo-agent-1"),
    ("agent2", "Bruno", "Berg", "demo-agent-2"),
)
DEMO_CUSTOMERS = (("jane", "Jane", "Doe"), ("john", "John", "Smith"))
DEMO_CUSTOMER_PASSWORD = "demo-customer"  # noqa: S105 - published demo login
DEMO_COMPANY = ("acme", "Acme Corp")
RAW, MISC = 2, 4


@dataclass(frozen=True)
class DemoTicket:
    """One demo ticket: who opens it, where, and what is said on it afterwards."""

    opener: str  # an agent or customer login
    title: str
    body: str
    queue_id: int = RAW
    customer: str | None = "jane"
    priority: str = "3 normal"
    state: str | None = None
    followups: tuple[tuple[str, Channel, str], ...] = ()  # (author login, channel, body)


DEMO_TICKETS = (
    DemoTicket(
        "jane",
        "Cannot log in to the VPN",
        "Since this morning the VPN client says "
        "'authentication failed' although my password works everywhere else.",
        followups=(("agent1", "email", "Could you send a screenshot of the error?"),),
    ),
    DemoTicket(
        "john",
        "Printer on 3rd floor prints blank pages",
        "Every page comes out empty. Toner was replaced last week.",
        customer="john",
    ),
    DemoTicket(
        "agent1",
        "New laptop for Jane",
        "Jane called: her laptop is five years old and the battery lasts 20 minutes.",
        priority="2 low",
        followups=(("agent2", "internal", "Budget approved, ordering a T14."),),
    ),
    DemoTicket(
        "jane",
        "Invoice 2026-1183 shows the wrong VAT",
        "The invoice lists 19 % VAT; our contract says 7 %. Please correct it.",
        queue_id=MISC,
        priority="4 high",
        followups=(
            ("agent2", "email", "Thanks, we are checking with accounting."),
            ("jane", "email", "Any news? The payment is due on Friday."),
        ),
    ),
    DemoTicket(
        "john",
        "Shared drive is very slow",
        "Opening a 2 MB spreadsheet on the S: drive takes over a minute.",
        customer="john",
        state="open",
    ),
    DemoTicket(
        "agent2",
        "Mailbox full warning",
        "Customer reports the 'mailbox almost full' banner keeps appearing.",
        customer="john",
        followups=(
            ("agent2", "phone", "Raised the quota to 10 GB; asked John to archive old mail."),
        ),
    ),
    DemoTicket(
        "jane",
        "Request: access to the CRM",
        "I moved to the sales team and need access to the CRM.",
        priority="2 low",
    ),
    DemoTicket(
        "agent1",
        "Monitor flickers",
        "John's second monitor flickers when the laptop is docked.",
        customer="john",
        state="closed successful",
        followups=(
            (
                "agent1",
                "email",
                "Replaced the DisplayPort cable; please tell us if it happens again.",
            ),
        ),
    ),
    DemoTicket(
        "john",
        "Password reset does not arrive",
        "I requested a password reset three times, no e-mail arrived (also not in spam).",
        customer="john",
        priority="4 high",
    ),
    DemoTicket(
        "jane",
        "Conference room display shows 'no signal'",
        "Room Berlin: the HDMI adapter seems broken.",
        state="open",
        followups=(("agent2", "internal", "Spare adapters are in the IT cupboard."),),
    ),
    DemoTicket(
        "agent2",
        "Software licence renewal",
        "The licences for the PDF editor expire at the end of the month.",
        customer=None,
        queue_id=MISC,
        priority="3 normal",
    ),
    DemoTicket(
        "john",
        "Phishing e-mail received",
        "I got an e-mail asking me to confirm my "
        "bank details. Attached is what it looked like (forwarded).",
        customer="john",
        priority="5 very high",
        followups=(
            ("agent1", "email", "Thank you, do not click the link; we blocked the sender."),
        ),
    ),
)


async def load_demo_data(tx: Tx) -> bool:
    """Returns True when it loaded the data, False when it was there already."""
    exists = await tx.session.scalar(select(Agent.id).where(Agent.login == DEMO_AGENTS[0][0]))
    if exists is not None:
        return False
    users_group = await group_id_by_name(tx.session, "users")
    actors: dict[str, Actor] = {}
    for login, first, last, password in DEMO_AGENTS:
        agent = await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login=login,
                first_name=first,
                last_name=last,
                email=f"{login}@example.com",
                password=password,
            ),
        )
        if users_group is not None:
            await account_actions.do_set_agent_group_permissions(
                tx, SYSTEM, users_group, agent.id, ["rw", "chat_owner"]
            )
        actors[login] = await actor_for_agent(tx.session, agent, tx.runtime.config)
    await account_actions.do_create_customer_company(
        tx, SYSTEM, CustomerCompanyCreate(customer_id=DEMO_COMPANY[0], name=DEMO_COMPANY[1])
    )
    always = tx.setting(CUSTOMER_ALWAYS_GROUPS)
    for login, first, last in DEMO_CUSTOMERS:
        user: CustomerUser = await account_actions.do_create_customer_user(
            tx,
            SYSTEM,
            CustomerUserCreate(
                login=login,
                first_name=first,
                last_name=last,
                email=f"{login}@acme.example",
                password=DEMO_CUSTOMER_PASSWORD,
                customer_id=DEMO_COMPANY[0],
            ),
        )
        actors[login] = await actor_for_customer(tx.session, user, always)
    for demo in DEMO_TICKETS:
        opener = actors[demo.opener]
        ticket = await ticket_actions.do_create_ticket(
            tx,
            opener,
            TicketCreate(
                title=demo.title,
                queue_id=demo.queue_id,
                customer_user=demo.customer,
                priority=demo.priority,
                article=ArticleCreate(
                    channel="phone" if opener.is_agent else "email",
                    sender="agent" if opener.is_agent else "customer",
                    subject=demo.title,
                    body=demo.body,
                ),
            ),
        )
        for author, channel, body in demo.followups:
            writer = actors[author]
            await ticket_actions.do_add_article(
                tx,
                writer,
                ticket.id,
                ArticleCreate(
                    channel=channel,
                    sender="agent" if writer.is_agent else "customer",
                    subject=f"Re: {demo.title}",
                    body=body,
                ),
            )
        if demo.state is not None:
            await ticket_actions.do_update_ticket(
                tx, actors["agent1"], ticket.id, TicketUpdate(state=demo.state)
            )
    await _load_demo_mail(tx)
    return True


# A customer's e-mail as it arrives from a mailbox: the ticket it opens keeps the exact source.
DEMO_MAIL = (
    b"From: Jane Doe <jane@acme.example>\r\n"
    b"To: Demo Support <support@example.com>\r\n"
    b"Subject: Scanner sends nothing to my inbox\r\n"
    b"Message-ID: <scanner-1@acme.example>\r\n"
    b"Date: Mon, 07 Dec 2026 08:30:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello,\r\n\r\nthe scanner on floor 2 says 'sent', but no e-mail reaches me.\r\n"
    b"\r\nJane\r\n"
)


async def _load_demo_mail(tx: Tx) -> None:
    """The Raw queue answers by e-mail: its address, salutation, signature and an answer
    template; and one ticket opened by a received e-mail."""
    address = await mail_setup_actions.do_create_system_address(
        tx,
        SYSTEM,
        SystemAddressCreate(email="support@example.com", display_name="Demo Support", queue_id=RAW),
    )
    salutation = await mail_setup_actions.do_create_snippet(
        tx,
        SYSTEM,
        Salutation,
        SnippetCreate(name="Demo salutation", text="Dear <OTRS_CUSTOMER_UserFirstname>,"),
    )
    signature = await mail_setup_actions.do_create_snippet(
        tx,
        SYSTEM,
        Signature,
        SnippetCreate(name="Demo signature", text="Kind regards,\nThe Demo Support team"),
    )
    # Only administrators change queues: the link is made as the installation's admin, who
    # exists whenever the server loads the demo (``frontdesk serve`` creates it first).
    admin = await tx.session.scalar(select(Agent).where(Agent.login == "admin"))
    if admin is not None:
        await catalogue_actions.do_update_queue(
            tx,
            await actor_for_agent(tx.session, admin, tx.runtime.config),
            RAW,
            QueueUpdate(
                system_address_id=address.id,
                salutation_id=salutation.id,
                signature_id=signature.id,
            ),
        )
    await mail_setup_actions.do_create_template(
        tx,
        SYSTEM,
        TemplateCreate(
            name="Solved",
            type="answer",
            text="We have solved the problem. Please tell us if it comes back.",
            queue_ids=[RAW],
        ),
    )
    outcome = await receive_in(tx, DEMO_MAIL)
    if not isinstance(outcome, Stored):  # the demo's own mail must arrive; say why it did not
        raise RuntimeError(f"the demo e-mail was not stored: {outcome}")
