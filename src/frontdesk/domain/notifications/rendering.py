"""Notification texts: OTRS tags replaced by plain string substitution.

Only the tags notification texts need (the default set's and the common ones). Values are
inserted as they are, never evaluated: the text is no template and user text (a subject, a
body) can never become code. A tag we do not know becomes ``-``, as in OTRS.

``<OTRS_…[N]>``: a body tag keeps its first N lines, any other tag its first N characters
(followed by ``[...]`` when cut).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.ticket_catalogue.models import Priority, Queue, Service, TicketState
from frontdesk.domain.tickets.models import Article, Ticket

TAG = re.compile(r"<OTRS_([A-Za-z0-9_]+)(?:\[(\d{1,4})\])?>")
UNKNOWN = "-"


def render_text(text: str, values: Mapping[str, str]) -> str:
    """Replace every OTRS tag in ``text``; ``values`` is keyed by the tag's name after
    ``OTRS_``, in upper case (``TICKET_TICKETNUMBER``)."""

    def _replace(match: re.Match[str]) -> str:
        name = match[1].upper()
        value = values.get(name)
        if value is None:
            return UNKNOWN
        if match[2] is not None:
            limit = int(match[2])
            if name.endswith("BODY"):
                lines = value.splitlines()
                return "\n".join(lines[:limit])
            if len(value) > limit:
                return value[:limit] + "[...]"
        return value

    return TAG.sub(_replace, text)


def _agent_values(prefix: str, agent: Agent | None) -> dict[str, str]:
    if agent is None:
        return {}
    return {
        f"{prefix}_USERFIRSTNAME": agent.first_name,
        f"{prefix}_USERLASTNAME": agent.last_name,
        f"{prefix}_USERFULLNAME": agent.full_name,
        f"{prefix}_USERLOGIN": agent.login,
        f"{prefix}_USEREMAIL": agent.email,
    }


@dataclass(frozen=True)
class Acting:
    """Who caused the event, as the texts name them."""

    first_name: str
    last_name: str
    full_name: str


async def ticket_values(
    session: AsyncSession,
    ticket: Ticket,
    article: Article | None,
    acting: Acting,
    config: Mapping[str, str],
) -> dict[str, str]:
    """The values of every tag that does not depend on the recipient."""

    async def _name(model: Any, key: int | None) -> str:
        row = await session.get(model, key) if key is not None else None
        return str(row.name) if row is not None else ""

    owner = await session.get(Agent, ticket.owner_id)
    responsible = await session.get(Agent, ticket.responsible_id)
    customer = (
        await session.get(CustomerUser, ticket.customer_user_id)
        if ticket.customer_user_id is not None
        else None
    )
    values = {
        "TICKET_TICKETID": str(ticket.id),
        "TICKET_TICKETNUMBER": ticket.number,
        "TICKET_TITLE": ticket.title,
        "TICKET_QUEUE": await _name(Queue, ticket.queue_id),
        "TICKET_STATE": await _name(TicketState, ticket.state_id),
        "TICKET_PRIORITY": await _name(Priority, ticket.priority_id),
        "TICKET_SERVICE": await _name(Service, ticket.service_id),
        "TICKET_LOCK": ticket.lock_state,
        "TICKET_CUSTOMERID": ticket.customer_id or "",
        "TICKET_CUSTOMERUSERID": customer.login if customer is not None else "",
        "CUSTOMER_REALNAME": (
            f"{customer.first_name} {customer.last_name}".strip() if customer is not None else ""
        ),
        "CUSTOMER_USERFIRSTNAME": customer.first_name if customer is not None else "",
        "CUSTOMER_USERLASTNAME": customer.last_name if customer is not None else "",
        "CURRENT_USERFIRSTNAME": acting.first_name,
        "CURRENT_USERLASTNAME": acting.last_name,
        "CURRENT_USERFULLNAME": acting.full_name,
        **_agent_values("OWNER", owner),
        **_agent_values("TICKET_OWNER", owner),
        **_agent_values("RESPONSIBLE", responsible),
        **_agent_values("TICKET_RESPONSIBLE", responsible),
        **{f"CONFIG_{key.upper()}": value for key, value in config.items()},
    }
    if article is not None:
        for side in ("CUSTOMER", "AGENT"):
            values[f"{side}_SUBJECT"] = article.subject
            values[f"{side}_BODY"] = article.body
    return values


def recipient_values(first_name: str, last_name: str) -> dict[str, str]:
    return {
        "NOTIFICATION_RECIPIENT_USERFIRSTNAME": first_name,
        "NOTIFICATION_RECIPIENT_USERLASTNAME": last_name,
        "NOTIFICATION_RECIPIENT_USERFULLNAME": f"{first_name} {last_name}".strip(),
    }


def message_for(messages: Mapping[str, Mapping[str, str]], language: str) -> Mapping[str, str]:
    """The text in the recipient's language, else English, else the first one given."""
    for candidate in (language, language.split("_")[0], "en"):
        if candidate in messages:
            return messages[candidate]
    return next(iter(messages.values()))
