"""Seeding shared by the ticket-list tests: a second agent ("bea"), customer users and tickets
with chosen priority, state, age, owner and lock, named by letters so a list's row order reads
as a word ("CBEAD").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import httpx

from frontdesk.core.actor import SYSTEM
from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.schemas import AgentCreate
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.web.test_pages_agent import (
    USERS_GROUP_ID,
    create_customer_user,
    create_phone_ticket,
    log_in,
)

ROW_PATTERN = re.compile(r'<tr data-list-row data-ticket-id="(\d+)">')
ADMIN_ID = 1
BEA_PASSWORD = "bea-password-1"
STATE_NEW, STATE_OPEN, STATE_CLOSED, STATE_PENDING = 1, 2, 3, 5

# letter -> (title, customer, priority id, state id, hours old, owned by bea, locked)
TicketRows = dict[str, tuple[str, str, int, int, int, bool, bool]]


@dataclass
class SeededTickets:
    csrf: str
    ids: dict[str, int]
    bea_id: int

    def letters(self, text: str) -> str:
        """The seeded tickets listed in ``text``, in the order shown, as their letters."""
        names = {ticket_id: name for name, ticket_id in self.ids.items()}
        return "".join(names[int(i)] for i in ROW_PATTERN.findall(text))


async def seed_tickets(
    client: httpx.AsyncClient, web: WebState, tickets: TicketRows, customers: tuple[str, ...]
) -> SeededTickets:
    """Log ``client`` in as admin, create bea (rw on users), the customers and the tickets."""
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    for login in customers:
        await create_customer_user(web, login)
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        bea = await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login="bea",
                first_name="Bea",
                last_name="Owner",
                email="bea@example.com",
                password=BEA_PASSWORD,
            ),
        )
        await account_actions.do_set_agent_group_permissions(
            tx, SYSTEM, USERS_GROUP_ID, bea.id, ["rw"]
        )
        bea_id = bea.id
    ids: dict[str, int] = {}
    for name, (title, customer, *_rest) in tickets.items():
        ids[name] = await create_phone_ticket(client, csrf, title=title, customer_user=customer)
    now = utcnow()
    async with unit_of_work(web.session_factory) as session:
        for name, (_t, _c, priority_id, state_id, hours, by_bea, locked) in tickets.items():
            ticket = await session.get(Ticket, ids[name])
            assert ticket is not None
            ticket.priority_id = priority_id
            ticket.state_id = state_id
            ticket.created_at = now - timedelta(hours=hours)
            ticket.owner_id = bea_id if by_bea else ADMIN_ID
            ticket.lock_state = "lock" if locked else "unlock"
    return SeededTickets(csrf, ids, bea_id)
