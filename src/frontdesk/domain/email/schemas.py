"""Input of an article sent as e-mail (API and the compose screens)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from frontdesk.domain.tickets.schemas import ArticleCreate, AttachmentIn, DbId, TicketInput

# One recipient as typed: "cora@example.com" or "Cora Customer <cora@example.com>"; a value may
# hold several separated by commas (the compose screen's fields do).
Recipient = Annotated[str, Field(max_length=4000)]
MAX_RECIPIENTS = 50


class EmailArticleCreate(ArticleCreate):
    """An article that also leaves as e-mail. ``to`` present (with ``channel`` "email") is what
    makes the article API send; without it the article is only recorded, as before.

    ``in_reply_to_article_id`` names the article answered or forwarded (threading headers);
    ``state``/``state_id``/``pending_until`` are the ticket's next state, set in the same
    transaction.
    """

    to: list[Recipient] | None = Field(default=None, max_length=MAX_RECIPIENTS)
    cc: list[Recipient] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    bcc: list[Recipient] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    in_reply_to_article_id: DbId | None = None
    state: str | None = Field(default=None, max_length=200)
    state_id: DbId | None = None
    pending_until: datetime | None = None


class EmailTicketCreate(TicketInput):
    """A new ticket whose first article is an e-mail the agent sends (OTRS's "New e-mail
    ticket"). Without ``customer_user`` the customer whose address is the first of ``to`` is
    taken, when there is one."""

    queue_id: DbId
    customer_user: str | None = Field(default=None, max_length=200)
    to: list[Recipient] = Field(max_length=MAX_RECIPIENTS)
    cc: list[Recipient] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    bcc: list[Recipient] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject: str = Field(min_length=1, max_length=255)
    body: str = Field(min_length=1, max_length=1_000_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)
    state_id: DbId | None = None
    priority_id: DbId | None = None
    pending_until: datetime | None = None
