"""OTRS placeholder tags in salutations, signatures, templates and automatic responses.

The texts are written by administrators and imported from OTRS, so they use OTRS's tags:

* ``<OTRS_CUSTOMER_REALNAME>`` — the customer's name (the ticket's customer user, else the
  sender of the last customer article);
* ``<OTRS_CUSTOMER_Subject>``, ``<OTRS_CUSTOMER_From>`` — of the last customer article;
  ``<OTRS_CUSTOMER_BODY>`` / ``<OTRS_CUSTOMER_EMAIL>`` its body quoted with ``"> "``, and
  ``<OTRS_CUSTOMER_BODY[n]>`` only its first n lines;
* ``<OTRS_CUSTOMER_UserFirstname>`` (also ``<OTRS_CUSTOMER_DATA_…>``) — the customer user;
* ``<OTRS_CURRENT_…>`` the acting agent, ``<OTRS_OWNER_…>`` / ``<OTRS_TICKET_OWNER_…>`` and
  ``<OTRS_RESPONSIBLE_…>`` / ``<OTRS_TICKET_RESPONSIBLE_…>`` — agent attributes
  (``UserFirstname``, ``UserLastname``, ``UserFullname``, ``UserEmail``, ``UserLogin``);
* ``<OTRS_TICKET_…>`` — ``TicketNumber``, ``TicketID``, ``Title``, ``Queue``, ``State``,
  ``Priority``, ``Type``, ``Service``, ``SLA``, ``Lock``, ``CustomerID``, ``CustomerUserID``,
  ``Owner``, ``Responsible``, ``Created``; ``<OTRS_QUEUE>`` is the queue's name too;
* ``<OTRS_AGENT_Subject>``, ``<OTRS_AGENT_Body>`` — the article a text is about (notifications:
  the event's article), when the caller gives one;
* ``<OTRS_NOTIFICATION_RECIPIENT_…>`` — the recipient of a notification (``UserFirstname``,
  ``UserLastname``, ``UserFullname``);
* ``<OTRS_CONFIG_Ticket::Hook>`` — only the settings in ``CONFIG_ALLOW_LIST``, never a secret.

``<OTRS_…[N]>``: a body tag keeps its first N lines, any other tag its first N characters
(followed by ``[...]`` when cut), as in OTRS.

Anything else that looks like ``<OTRS_…>``, and a known tag without a value, becomes ``-`` as in
OTRS. Tag and attribute names match in any case (OTRS matches them case-insensitively).

Rendering is one regular-expression pass of plain string substitution: nothing in the text is
evaluated (``{{ 7*7 }}`` stays ``{{ 7*7 }}``), and a substituted value is never scanned again, so
a customer who writes ``<OTRS_CONFIG_…>`` into a subject gets that text back, not a setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.sysconfig.registry import declared

UNKNOWN: Final = "-"
# Settings a text may show. Only names known to hold nothing secret belong here.
CONFIG_ALLOW_LIST: Final = frozenset(
    {
        "Ticket::Hook",
        "Ticket::HookDivider",
        "FQDN",
        "ProductName",
        "HttpType",
        "SystemID",
        "NotificationSenderName",
        "NotificationSenderEmail",
    }
)

_TAG = re.compile(r"<OTRS_([^<>]*)>", re.IGNORECASE)
_BODY = re.compile(r"^(?:BODY|EMAIL)(?:\[(\d{1,6})\])?$", re.IGNORECASE)
# A length limit on any other tag: ``<OTRS_CUSTOMER_SUBJECT[24]>``.
_LIMIT = re.compile(r"^(.*?)\[(\d{1,6})\]$")

ConfigLookup = Callable[[str], Any]


@dataclass(frozen=True)
class PlaceholderContext:
    """What tags are replaced with. Attribute maps use OTRS's keys (``UserFirstname``,
    ``TicketNumber``); a key that is absent renders as ``-``."""

    customer: Mapping[str, str] = field(default_factory=dict)
    customer_realname: str | None = None
    current_agent: Mapping[str, str] = field(default_factory=dict)
    owner: Mapping[str, str] = field(default_factory=dict)
    responsible: Mapping[str, str] = field(default_factory=dict)
    ticket: Mapping[str, str] = field(default_factory=dict)
    # The last article the customer wrote, if any.
    customer_subject: str | None = None
    customer_from: str | None = None
    customer_body: str | None = None
    # Whether ``<OTRS_CUSTOMER_BODY>`` quotes the body with "> " (answers do, notifications,
    # which show what the customer wrote, do not).
    quote_customer_body: bool = True
    # The article a text is about (``<OTRS_AGENT_Subject>``, ``<OTRS_AGENT_Body>``).
    agent_subject: str | None = None
    agent_body: str | None = None
    # The person a notification goes to (``<OTRS_NOTIFICATION_RECIPIENT_…>``).
    recipient: Mapping[str, str] = field(default_factory=dict)
    config: Mapping[str, str] = field(default_factory=dict)


def _lookup(values: Mapping[str, str], key: str) -> str | None:
    wanted = key.lower()
    for name, value in values.items():
        if name.lower() == wanted:
            return value
    return None


def quote_body(body: str, lines: int | None = None) -> str:
    """The body with ``"> "`` before each line; only the first ``lines`` lines when given."""
    kept = body.splitlines()
    if lines is not None:
        kept = kept[:lines]
    return "\n".join(f"> {line}" if line else ">" for line in kept)


def _customer_tag(key: str, context: PlaceholderContext) -> str | None:
    upper = key.upper()
    if upper == "REALNAME":
        return context.customer_realname
    if upper == "SUBJECT":
        return context.customer_subject
    if upper == "FROM":
        return context.customer_from
    body = _BODY.match(key)
    if body is not None:
        if context.customer_body is None:
            return None
        lines = int(body[1]) if body[1] else None
        if not context.quote_customer_body:
            return "\n".join(context.customer_body.splitlines()[:lines])
        return quote_body(context.customer_body, lines)
    if upper.startswith("DATA_"):
        key = key[len("DATA_") :]
    return _lookup(context.customer, key)


def _agent_article_tag(key: str, context: PlaceholderContext) -> str | None:
    upper = key.upper()
    if upper == "SUBJECT":
        return context.agent_subject
    body = _BODY.match(key)
    if body is not None and context.agent_body is not None:
        return "\n".join(context.agent_body.splitlines()[: int(body[1]) if body[1] else None])
    return None


def _config_tag(name: str, context: PlaceholderContext) -> str | None:
    if name not in CONFIG_ALLOW_LIST:
        return None
    return context.config.get(name)


# Longest prefix first: TICKET_OWNER_ before TICKET_.
_AGENT_PREFIXES: Final = (
    ("TICKET_OWNER_", "owner"),
    ("TICKET_RESPONSIBLE_", "responsible"),
    ("OWNER_", "owner"),
    ("RESPONSIBLE_", "responsible"),
    ("CURRENT_", "current_agent"),
    ("NOTIFICATION_RECIPIENT_", "recipient"),
)


def _resolve(tag: str, context: PlaceholderContext) -> str | None:
    upper = tag.upper()
    for prefix, attribute in _AGENT_PREFIXES:
        if upper.startswith(prefix):
            return _lookup(getattr(context, attribute), tag[len(prefix) :])
    if upper.startswith("CUSTOMER_"):
        return _customer_tag(tag[len("CUSTOMER_") :], context)
    if upper.startswith("AGENT_"):
        return _agent_article_tag(tag[len("AGENT_") :], context)
    if upper.startswith("TICKET_"):
        return _lookup(context.ticket, tag[len("TICKET_") :])
    if upper == "QUEUE":
        return _lookup(context.ticket, "Queue")
    if upper.startswith("CONFIG_"):
        return _config_tag(tag[len("CONFIG_") :], context)
    return None


def render_placeholders(text: str, context: PlaceholderContext) -> str:
    """``text`` with every ``<OTRS_…>`` tag replaced; nothing else in it changes."""

    def replace(match: re.Match[str]) -> str:
        tag = match[1]
        value = _resolve(tag, context)
        limited = _LIMIT.match(tag) if value is None else None
        if limited is not None and not _BODY.match(limited[1].rsplit("_", 1)[-1]):
            value = _resolve(limited[1], context)
            limit = int(limited[2])
            if value is not None and len(value) > limit:
                value = value[:limit] + "[...]"
        return UNKNOWN if value is None or value == "" else value

    return _TAG.sub(replace, text)


# --- building the context from a ticket -------------------------------------------------------


def _agent_values(agent: Agent | None) -> dict[str, str]:
    if agent is None:
        return {}
    return {
        "UserFirstname": agent.first_name,
        "UserLastname": agent.last_name,
        "UserFullname": f"{agent.first_name} {agent.last_name}".strip(),
        "UserEmail": agent.email,
        "UserLogin": agent.login,
    }


def _customer_values(customer: CustomerUser | None) -> dict[str, str]:
    if customer is None:
        return {}
    values = {
        "UserFirstname": customer.first_name,
        "UserLastname": customer.last_name,
        "UserFullname": f"{customer.first_name} {customer.last_name}".strip(),
        "UserEmail": customer.email,
        "UserLogin": customer.login,
        "UserCustomerID": customer.customer_id or "",
        "UserPhone": customer.phone or "",
        "UserMobile": customer.mobile or "",
    }
    return values


async def _name_of(session: AsyncSession, model: Any, entry_id: int | None) -> str:
    if entry_id is None:
        return ""
    entry = await session.get(model, entry_id)
    return entry.name if entry is not None else ""


def config_from(tx: Tx) -> ConfigLookup:
    """Reads allowed settings through the action's ``Tx`` (``None`` for one not declared)."""

    def lookup(name: str) -> Any:
        setting = declared().get(name)
        return None if setting is None else tx.setting(setting)

    return lookup


async def placeholder_context(
    session: AsyncSession,
    ticket_id: int,
    agent_id: int | None,
    *,
    config: ConfigLookup | None = None,
) -> PlaceholderContext:
    """The context of a ticket as ``agent_id`` (the acting agent; None for the system) answers
    it. ``config`` reads a setting's value by name (``config_from(tx)``); only names in
    ``CONFIG_ALLOW_LIST`` are asked for. A
    ticket that does not exist gives an empty context (every tag renders as ``-``)."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        return PlaceholderContext()
    owner = await session.get(Agent, ticket.owner_id)
    responsible = await session.get(Agent, ticket.responsible_id)
    current = await session.get(Agent, agent_id) if agent_id is not None else None
    customer = (
        await session.get(CustomerUser, ticket.customer_user_id)
        if ticket.customer_user_id is not None
        else None
    )
    last = await session.scalar(
        select(Article)
        .where(Article.ticket_id == ticket.id, Article.sender_type == "customer")
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(1)
    )
    ticket_values = {
        "TicketNumber": ticket.number,
        "TicketID": str(ticket.id),
        "Title": ticket.title,
        "Queue": await _name_of(session, Queue, ticket.queue_id),
        "State": await _name_of(session, TicketState, ticket.state_id),
        "Priority": await _name_of(session, Priority, ticket.priority_id),
        "Type": await _name_of(session, TicketType, ticket.type_id),
        "Service": await _name_of(session, Service, ticket.service_id),
        "SLA": await _name_of(session, Sla, ticket.sla_id),
        "Lock": ticket.lock_state,
        "CustomerID": ticket.customer_id or "",
        "CustomerUserID": customer.login if customer is not None else "",
        "Owner": owner.login if owner is not None else "",
        "Responsible": responsible.login if responsible is not None else "",
        "Created": f"{ticket.created_at:%Y-%m-%d %H:%M:%S}",
    }
    realname = (
        f"{customer.first_name} {customer.last_name}".strip()
        if customer is not None
        else (last.from_display if last is not None else None)
    )
    config_values: dict[str, str] = {}
    if config is not None:
        for name in sorted(CONFIG_ALLOW_LIST):
            value = config(name)
            if value is not None:
                config_values[name] = str(value)
    return PlaceholderContext(
        customer=_customer_values(customer),
        customer_realname=realname,
        current_agent=_agent_values(current),
        owner=_agent_values(owner),
        responsible=_agent_values(responsible),
        ticket=ticket_values,
        customer_subject=last.subject if last is not None else None,
        customer_from=last.from_display if last is not None else None,
        customer_body=last.body if last is not None else None,
        config=config_values,
    )
