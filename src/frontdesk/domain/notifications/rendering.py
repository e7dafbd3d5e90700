"""Notification texts: the OTRS tags of mail_setup's renderer (``render_placeholders``), with
what a notification adds to a ticket's tags.

The same renderer as salutations, signatures, templates and automatic responses: plain string
substitution, nothing evaluated, so user text (a subject, a body) can never become code, and a
tag we do not know becomes ``-``. A notification's ``<OTRS_CUSTOMER_…>`` and ``<OTRS_AGENT_…>``
tags name the event's article (its body unquoted: the reader sees what was written),
``<OTRS_CURRENT_…>`` whoever caused the event (an agent, a customer or the system), and
``<OTRS_NOTIFICATION_RECIPIENT_…>`` the person the message goes to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.mail_setup.placeholders import (
    ConfigLookup,
    PlaceholderContext,
    placeholder_context,
)
from frontdesk.domain.tickets.models import Article, Ticket


@dataclass(frozen=True)
class Acting:
    """Who caused the event, as the texts name them."""

    first_name: str
    last_name: str
    full_name: str


async def notification_context(
    session: AsyncSession,
    ticket: Ticket,
    article: Article | None,
    acting: Acting,
    config: ConfigLookup,
) -> PlaceholderContext:
    """The tags of one event that do not depend on the recipient."""
    base = await placeholder_context(session, ticket.id, None, config=config)
    return dataclasses.replace(
        base,
        current_agent={
            "UserFirstname": acting.first_name,
            "UserLastname": acting.last_name,
            "UserFullname": acting.full_name,
        },
        customer_subject=article.subject if article is not None else None,
        customer_body=article.body if article is not None else None,
        quote_customer_body=False,
        agent_subject=article.subject if article is not None else None,
        agent_body=article.body if article is not None else None,
    )


def for_recipient(
    context: PlaceholderContext, first_name: str, last_name: str
) -> PlaceholderContext:
    """``context`` with ``<OTRS_NOTIFICATION_RECIPIENT_…>`` naming the recipient."""
    recipient = {
        "UserFirstname": first_name,
        "UserLastname": last_name,
        "UserFullname": f"{first_name} {last_name}".strip(),
    }
    return dataclasses.replace(context, recipient=recipient)


def message_for(messages: Mapping[str, Mapping[str, str]], language: str) -> Mapping[str, str]:
    """The text in the recipient's language, else English, else the first one given."""
    for candidate in (language, language.split("_")[0], "en"):
        if candidate in messages:
            return messages[candidate]
    return next(iter(messages.values()))
