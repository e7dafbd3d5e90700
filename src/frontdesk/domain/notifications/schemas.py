"""Notifications as the API and the admin screen write them, with the fixed vocabularies.

Every vocabulary check names its field in the 422 (``events``, ``recipients``, ``transports``,
``filters.<key>``, ``messages.<language>``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from frontdesk.core.clock import isoformat_z
from frontdesk.core.input_model import InputModel
from frontdesk.domain.notifications.models import Notification
from frontdesk.domain.notifications.transports import transports
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID
from frontdesk.domain.tickets.models import CHANNELS, SENDER_TYPES

EVENTS = (
    "ticket_create",
    "ticket_follow_up",
    "article_create",
    "note_add",
    "ticket_owner_update",
    "ticket_responsible_update",
    "ticket_queue_update",
    "ticket_state_update",
    "ticket_priority_update",
    "ticket_service_update",
    "ticket_lock_timeout",
    "ticket_pending_reminder",
    "escalation_response_warning",
    "escalation_response",
    "escalation_update_warning",
    "escalation_update",
    "escalation_solution_warning",
    "escalation_solution",
)
RECIPIENT_NAMES = (
    "owner",
    "responsible",
    "watchers",
    "my_queues",
    "queue_ro",
    "queue_rw",
    "customer",
)
RECIPIENT_OBJECT_KEYS = ("agent_id", "group_id", "role_id")
ID_FILTERS = ("queue_ids", "state_ids", "priority_ids", "type_ids", "service_ids", "sla_ids")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
MAX_LIST = 200

NotificationName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


def _unique(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def check_events(value: list[str]) -> list[str]:
    unknown = [event for event in value if event not in EVENTS]
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r} (known: {', '.join(EVENTS)})")
    if not value:
        raise ValueError("name at least one event")
    return _unique(value)


def check_recipients(value: list[Any]) -> list[Any]:
    checked: list[Any] = []
    for item in value:
        if isinstance(item, str):
            if item not in RECIPIENT_NAMES:
                raise ValueError(
                    f"unknown recipient {item!r} (known: {', '.join(RECIPIENT_NAMES)},"
                    ' {"agent_id"}, {"group_id"}, {"role_id"})'
                )
            checked.append(item)
            continue
        if isinstance(item, dict) and len(item) == 1:
            ((key, object_id),) = item.items()
            if key in RECIPIENT_OBJECT_KEYS:
                if type(object_id) is not int or not 1 <= object_id <= MAX_ID:
                    raise ValueError(f"{key} must be a positive integer id")
                checked.append({key: object_id})
                continue
        raise ValueError(f"unknown recipient {item!r}")
    return _unique(checked)


def check_transports(value: list[str]) -> list[str]:
    available = transports()
    unknown = [name for name in value if name not in available]
    if unknown:
        raise ValueError(
            f"unknown transport {unknown[0]!r} (available: {', '.join(sorted(available))})"
        )
    if not value:
        raise ValueError("name at least one transport")
    return _unique(value)


class FiltersIn(InputModel):
    """Conditions the ticket (and the article of the event) must meet; each optional, an empty
    or missing list meaning "any"."""

    model_config = ConfigDict(extra="forbid")

    queue_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    state_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    priority_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    type_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    service_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    sla_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    # Added to the fixed vocabulary: OTRS' follow-up and pending-reminder defaults differ by it.
    lock: list[Literal["lock", "unlock"]] | None = None
    article_sender: list[str] | None = None
    article_channel: list[str] | None = None
    dynamic_fields: dict[str, list[str]] | None = None

    @field_validator("article_sender")
    @classmethod
    def _senders(cls, value: list[str] | None) -> list[str] | None:
        for sender in value or ():
            if sender not in SENDER_TYPES:
                raise ValueError(f"unknown article sender {sender!r}")
        return value

    @field_validator("article_channel")
    @classmethod
    def _channels(cls, value: list[str] | None) -> list[str] | None:
        for channel in value or ():
            if channel not in CHANNELS:
                raise ValueError(f"unknown article channel {channel!r}")
        return value

    def stored(self) -> dict[str, Any]:
        return {key: value for key, value in self.model_dump().items() if value}


class MessageIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=250)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


def check_messages(value: dict[str, MessageIn]) -> dict[str, MessageIn]:
    for language in value:
        if not _LANGUAGE.match(language):
            raise ValueError(f"{language!r} is not a language code such as en or pt_BR")
    if not value:
        raise ValueError("give the text in at least one language")
    return value


class NotificationCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: NotificationName
    events: Annotated[list[str], Field(max_length=MAX_LIST)]
    filters: FiltersIn = Field(default_factory=FiltersIn)
    recipients: Annotated[list[Any], Field(max_length=MAX_LIST)]
    transports: Annotated[list[str], Field(max_length=MAX_LIST)] = Field(
        default_factory=lambda: ["email"]
    )
    messages: dict[str, MessageIn]
    mandatory: bool = False
    valid: bool = True
    comment: Annotated[str, StringConstraints(max_length=250)] = ""

    _events = field_validator("events")(check_events)
    _recipients = field_validator("recipients")(check_recipients)
    _transports = field_validator("transports")(check_transports)
    _messages = field_validator("messages")(check_messages)


class NotificationUpdate(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: NotificationName | None = None
    events: Annotated[list[str], Field(max_length=MAX_LIST)] | None = None
    filters: FiltersIn | None = None
    recipients: Annotated[list[Any], Field(max_length=MAX_LIST)] | None = None
    transports: Annotated[list[str], Field(max_length=MAX_LIST)] | None = None
    messages: dict[str, MessageIn] | None = None
    mandatory: bool | None = None
    valid: bool | None = None
    comment: Annotated[str, StringConstraints(max_length=250)] | None = None

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_events(value)

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[Any] | None) -> list[Any] | None:
        return None if value is None else check_recipients(value)

    @field_validator("transports")
    @classmethod
    def _transports(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_transports(value)

    @field_validator("messages")
    @classmethod
    def _messages(cls, value: dict[str, MessageIn] | None) -> dict[str, MessageIn] | None:
        return None if value is None else check_messages(value)


class NotificationOut(BaseModel):
    id: int
    name: str
    events: list[str]
    filters: dict[str, Any]
    recipients: list[Any]
    transports: list[str]
    messages: dict[str, dict[str, str]]
    mandatory: bool
    valid: bool
    comment: str
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, row: Notification) -> NotificationOut:
        return cls(
            id=row.id,
            name=row.name,
            events=list(row.events),
            filters=dict(row.filters),
            recipients=list(row.recipients),
            transports=list(row.transports),
            messages={k: dict(v) for k, v in row.messages.items()},
            mandatory=row.mandatory,
            valid=row.valid,
            comment=row.comment,
            created_at=isoformat_z(row.created_at) or "",
            updated_at=isoformat_z(row.updated_at) or "",
        )


class PreferenceOut(BaseModel):
    """One row of an agent's notification preferences."""

    notification_id: int
    name: str
    mandatory: bool
    transports: dict[str, bool]


class MyQueuesIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    queue_ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=1000)]


class WatchOut(BaseModel):
    ticket_id: int
    watching: bool
