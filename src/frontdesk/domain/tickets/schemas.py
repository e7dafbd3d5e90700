"""Input and output shapes of tickets, articles, attachments and history (API and pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Channel = Literal["email", "phone", "internal", "chat", "sms"]
Sender = Literal["agent", "customer", "system"]
LockValue = Literal["lock", "unlock"]


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=150)
    content_base64: str


class ArticleCreate(BaseModel):
    channel: Channel = "phone"
    sender: Sender = "agent"
    subject: str = Field(default="", max_length=255)
    body: str = Field(min_length=1, max_length=1_000_000)
    # None: the channel decides (internal → hidden from the customer, all others → visible).
    visible_for_customer: bool | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)


class TicketCreate(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    queue_id: int
    customer_user: str | None = Field(default=None, max_length=200)
    state: str | None = None
    state_id: int | None = None
    priority: str | None = None
    priority_id: int | None = None
    type_id: int | None = None
    service_id: int | None = None
    sla_id: int | None = None
    owner_id: int | None = None
    responsible_id: int | None = None
    pending_until: datetime | None = None
    article: ArticleCreate


class TicketUpdate(BaseModel):
    """Only the fields present are changed (``model_fields_set``); each needs its permission."""

    title: str | None = Field(default=None, min_length=1, max_length=255)
    queue_id: int | None = None
    state: str | None = None
    state_id: int | None = None
    priority: str | None = None
    priority_id: int | None = None
    type_id: int | None = None
    owner_id: int | None = None
    responsible_id: int | None = None
    lock: LockValue | None = None
    customer_user: str | None = Field(default=None, max_length=200)
    service_id: int | None = None
    sla_id: int | None = None
    pending_until: datetime | None = None


class TicketSearch(BaseModel):
    query: str | None = Field(default=None, max_length=200)
    state: str | None = None  # a state name, or "open"/"closed" meaning every state of that kind
    queue_id: int | None = None
    customer_user: str | None = None
    customer_id: str | None = None
    owner_id: int | None = None
    locked: bool | None = None


class AttachmentOut(BaseModel):
    id: int
    article_id: int
    filename: str
    content_type: str
    size: int
    inline: bool
    direction: Literal["incoming", "outgoing"]


class ArticleOut(BaseModel):
    id: int
    ticket_id: int
    channel: Channel
    sender: Sender
    visible_for_customer: bool
    subject: str
    body: str
    from_display: str
    created_at: str
    attachments: list[AttachmentOut]


class TicketOut(BaseModel):
    id: int
    number: str
    title: str
    queue_id: int
    queue: str
    state_id: int
    state: str
    state_type: str
    priority_id: int
    priority: str
    type_id: int | None
    type: str | None
    service_id: int | None
    service: str | None
    sla_id: int | None
    sla: str | None
    lock: LockValue
    owner_id: int
    owner: str
    responsible_id: int
    responsible: str
    customer_user: str | None
    customer_id: str | None
    pending_until: str | None
    created_at: str
    updated_at: str


class HistoryActor(BaseModel):
    kind: str
    id: int | None
    name: str


class HistoryOut(BaseModel):
    id: int
    type: str
    article_id: int | None
    actor: HistoryActor
    time: str
    values: dict[str, Any]
