"""Input and output shapes of tickets, articles, attachments and history (API and pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from frontdesk.domain.dynamic_fields.drivers.base import FieldCriterion

Channel = Literal["email", "phone", "internal", "chat", "sms"]
Sender = Literal["agent", "customer", "system"]
LockValue = Literal["lock", "unlock"]
AttachmentDirection = Literal["incoming", "outgoing", "internal"]

# Ids are 32-bit integer columns; larger numbers are refused as input, not sent to the database.
MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# ``{"<Name>": value}`` of dynamic fields (a list for multi-valued ones).
DynamicFieldValues = Annotated[dict[str, Any], Field(max_length=200)]


class TicketInput(BaseModel):
    """Base of ticket inputs: text with NUL characters is refused (PostgreSQL cannot store it)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class AttachmentIn(TicketInput):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=150)
    content_base64: str


class ArticleCreate(TicketInput):
    channel: Channel = "phone"
    sender: Sender = "agent"
    subject: str = Field(default="", max_length=255)
    body: str = Field(min_length=1, max_length=1_000_000)
    # None: the channel decides (internal → hidden from the customer, all others → visible).
    visible_for_customer: bool | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)
    # Article dynamic fields, ``{"<Name>": value}``; each value is checked by the field's type.
    dynamic_fields: DynamicFieldValues | None = None


class TicketCreate(TicketInput):
    title: str = Field(min_length=1, max_length=255)
    queue_id: DbId
    customer_user: str | None = Field(default=None, max_length=200)
    state: str | None = None
    state_id: DbId | None = None
    priority: str | None = None
    priority_id: DbId | None = None
    type_id: DbId | None = None
    service_id: DbId | None = None
    sla_id: DbId | None = None
    owner_id: DbId | None = None
    responsible_id: DbId | None = None
    pending_until: datetime | None = None
    dynamic_fields: DynamicFieldValues | None = None
    article: ArticleCreate


class TicketUpdate(TicketInput):
    """Only the fields present are changed (``model_fields_set``); each needs its permission."""

    title: str | None = Field(default=None, min_length=1, max_length=255)
    queue_id: DbId | None = None
    state: str | None = None
    state_id: DbId | None = None
    priority: str | None = None
    priority_id: DbId | None = None
    type_id: DbId | None = None
    owner_id: DbId | None = None
    responsible_id: DbId | None = None
    lock: LockValue | None = None
    customer_user: str | None = Field(default=None, max_length=200)
    service_id: DbId | None = None
    sla_id: DbId | None = None
    pending_until: datetime | None = None
    # Only the named fields change; null empties one.
    dynamic_fields: DynamicFieldValues | None = None


class TicketSearch(BaseModel):
    query: str | None = Field(default=None, max_length=200)
    state: str | None = None  # a state name, or "open"/"closed" meaning every state of that kind
    queue_id: DbId | None = None
    customer_user: str | None = None
    customer_id: str | None = None
    owner_id: DbId | None = None
    locked: bool | None = None
    # True: only tickets past one of their escalation times, earliest first; False: none of those.
    escalated: bool | None = None
    # Each one narrows further (AND): ``df.<Name>=`` and ``df.<Name>.from=``/``.to=``.
    dynamic_fields: list[FieldCriterion] | None = None


class AttachmentOut(BaseModel):
    id: int
    article_id: int
    filename: str
    content_type: str
    size: int
    inline: bool
    # incoming: from the customer; outgoing: from an agent or the system; internal: on an
    # article the customer does not see.
    direction: AttachmentDirection


class ChatLine(BaseModel):
    """One message of a chat transcript stored on a chat article."""

    time: str
    sender: str
    text: str


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
    # Chat articles: the transcript (empty for other channels); SMS articles: the phone number.
    chat_transcript: list[ChatLine] = Field(default_factory=list)
    sms_number: str | None = None
    dynamic_fields: dict[str, Any] = Field(default_factory=dict)


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
    # When the ticket escalates (domain/escalations); None: it does not.
    escalation_response_at: str | None = None
    escalation_update_at: str | None = None
    escalation_solution_at: str | None = None
    created_at: str
    updated_at: str
    # The values of the fields the reader may see that have one.
    dynamic_fields: dict[str, Any] = Field(default_factory=dict)


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


class QueueSummary(BaseModel):
    """A queue in the agent's queue overview with its counts of open and new tickets."""

    id: int
    name: str
    open_count: int
    new_count: int


class OnlineAgent(BaseModel):
    id: int
    name: str


class OnlineCustomer(BaseModel):
    login: str
    name: str


class Dashboard(BaseModel):
    new_tickets: list[TicketOut]
    my_locked: list[TicketOut]
    online_agents: list[OnlineAgent]
    online_customers: list[OnlineCustomer]


class NamedOption(BaseModel):
    """One choice of a form field: the id to send and the name to show."""

    id: int
    name: str


class TicketFormOptions(BaseModel):
    queues_create: list[NamedOption]
    queues_move: list[NamedOption]
    states: list[NamedOption]
    priorities: list[NamedOption]
    types: list[NamedOption]
    services: list[NamedOption]
    slas: list[NamedOption]
    owners: list[NamedOption]


class CustomerInfo(BaseModel):
    """The customer information center: who the customer is and their tickets the agent sees."""

    login: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    mobile: str | None
    customer_id: str | None
    company: str | None
    online: bool  # a customer session active within SessionActiveTime (CH-34)
    tickets: list[TicketOut]
    ticket_total: int
    open_ticket_count: int
    # The page of tickets shown: those matching the list's filters, from ticket_offset on.
    matching_total: int = 0
    ticket_limit: int = 50
    ticket_offset: int = 0


TimelineCategory = Literal["incoming", "action", "outgoing", "internal", "automatic"]


class TimelineItemOut(BaseModel):
    """One event of the ticket timeline. ``kind`` is the event type the filter uses."""

    time: str
    group_time: str
    kind: str
    category: TimelineCategory
    side: Literal["left", "right"]
    label: str
    actor: str
    actor_kind: str
    text: str
    article_id: int | None
    history_id: int
    # The reading agent has not seen the item's article yet; always false without an article.
    unread: bool = False


class AttachmentArchiveRequest(TicketInput):
    attachment_ids: list[DbId] = Field(min_length=1, max_length=1000)


class AttachmentOverviewRow(BaseModel):
    """An attachment as the agent's attachment overview lists it, with its article."""

    attachment: AttachmentOut
    file_kind: str
    article_number: int
    article_sender: str
    article_from: str
    article_time: str

    def listed(self) -> dict[str, Any]:
        """One flat object for the API: the attachment's fields and the overview's."""
        return {**self.attachment.model_dump(), **self.model_dump(exclude={"attachment"})}


class SlaChoice(BaseModel):
    """An SLA a customer may pick, with the message to confirm first (None: no dialog)."""

    id: int
    name: str
    dialog_message: str | None
