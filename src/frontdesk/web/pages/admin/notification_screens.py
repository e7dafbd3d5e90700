"""The admin screen of ticket notifications: events, recipients, transports and filters as
multiple-choice lists, the English subject and body as text (texts in other languages are kept
as they are; the API edits them). The form is turned into the API's shape here; the domain
checks it the same way for both.

Recipients are one list: the vocabulary's names (``owner`` …) and ``agent:<id>``,
``group:<id>``, ``role:<id>`` for the objects.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.input_model import InputModel
from frontdesk.core.pagination import MAX_LIMIT, Page, PageRequest
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.notifications import actions, queries
from frontdesk.domain.notifications.schemas import (
    EVENTS,
    ID_FILTERS,
    RECIPIENT_NAMES,
    NotificationCreate,
    NotificationOut,
    NotificationUpdate,
)
from frontdesk.domain.notifications.transports import transports
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.domain.tickets.models import CHANNELS, LOCK_VALUES, SENDER_TYPES
from frontdesk.web.pages.admin.screen import (
    COMMENT_FIELD,
    VALID_COLUMN,
    AdminScreen,
    Choices,
    ListColumn,
    attr_text,
)
from frontdesk.web.pages.admin_forms import FormField, ui_text

ALL = PageRequest(limit=MAX_LIMIT, offset=0)
OBJECT_PREFIXES = {"agent": "agent_id", "group": "group_id", "role": "role_id"}
LIST_FILTERS = ("lock", "article_sender", "article_channel")

EVENT_LABELS = {
    "ticket_create": ui_text("Ticket created"),
    "ticket_follow_up": ui_text("Customer follow-up"),
    "article_create": ui_text("Article added"),
    "note_add": ui_text("Note added"),
    "ticket_owner_update": ui_text("Owner changed"),
    "ticket_responsible_update": ui_text("Responsible agent changed"),
    "ticket_queue_update": ui_text("Queue changed"),
    "ticket_state_update": ui_text("State changed"),
    "ticket_priority_update": ui_text("Priority changed"),
    "ticket_service_update": ui_text("Service changed"),
    "ticket_lock_timeout": ui_text("Lock timed out"),
    "ticket_pending_reminder": ui_text("Pending reminder reached"),
    "escalation_response_warning": ui_text("First response escalates soon"),
    "escalation_response": ui_text("First response escalated"),
    "escalation_update_warning": ui_text("Update escalates soon"),
    "escalation_update": ui_text("Update escalated"),
    "escalation_solution_warning": ui_text("Solution escalates soon"),
    "escalation_solution": ui_text("Solution escalated"),
}
RECIPIENT_LABELS = {
    "owner": ui_text("Owner"),
    "responsible": ui_text("Responsible agent"),
    "watchers": ui_text("Agents watching the ticket"),
    "my_queues": ui_text("Agents with the ticket's queue in My queues"),
    "queue_ro": ui_text("Agents who may read the queue"),
    "queue_rw": ui_text("Agents with rw on the queue"),
    "customer": ui_text("Customer of the ticket"),
}


def recipient_key(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    ((key, object_id),) = entry.items()
    return f"{key.removesuffix('_id')}:{object_id}"


def recipient_entry(key: str) -> Any:
    prefix, _, object_id = key.partition(":")
    if prefix in OBJECT_PREFIXES and object_id.isdigit():
        return {OBJECT_PREFIXES[prefix]: int(object_id)}
    return key  # a name, checked (with any unknown text) by the schema


class NotificationForm(InputModel):
    """The posted form, as text; ``fields()`` turns it into the domain's input."""

    name: str = ""
    events: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    transports: list[str] = Field(default_factory=list)
    queue_ids: list[str] = Field(default_factory=list)
    state_ids: list[str] = Field(default_factory=list)
    priority_ids: list[str] = Field(default_factory=list)
    type_ids: list[str] = Field(default_factory=list)
    service_ids: list[str] = Field(default_factory=list)
    sla_ids: list[str] = Field(default_factory=list)
    lock: list[str] = Field(default_factory=list)
    article_sender: list[str] = Field(default_factory=list)
    article_channel: list[str] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    mandatory: str = "no"
    comment: str | None = None
    valid: bool = True

    def filters(self, kept: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key in ID_FILTERS:
            values = getattr(self, key)
            if not all(v.isdigit() for v in values):
                raise ValidationFailed(key, "choose from the list")
            if values:
                found[key] = [int(v) for v in values]
        for key in LIST_FILTERS:
            if getattr(self, key):
                found[key] = list(getattr(self, key))
        if kept.get("dynamic_fields"):  # not on this form: kept as the API set them
            found["dynamic_fields"] = kept["dynamic_fields"]
        return found

    def fields(self, kept: NotificationOut | None = None) -> dict[str, Any]:
        for name in ("subject", "body"):
            if not getattr(self, name).strip():
                raise ValidationFailed(name, "write the English text")
        messages = dict(kept.messages) if kept is not None else {}
        messages["en"] = {"subject": self.subject, "body": self.body}
        return {
            "name": self.name,
            "events": self.events,
            "recipients": [recipient_entry(key) for key in self.recipients],
            "transports": self.transports,
            "filters": self.filters(kept.filters if kept is not None else {}),
            "messages": messages,
            "mandatory": self.mandatory == "yes",
            "comment": self.comment or "",
            "valid": self.valid,
        }


class NotificationView(BaseModel):
    """A notification as the form and the list show it."""

    id: int
    name: str
    events: list[str]
    recipients: list[str]
    transports: list[str]
    queue_ids: list[str]
    state_ids: list[str]
    priority_ids: list[str]
    type_ids: list[str]
    service_ids: list[str]
    sla_ids: list[str]
    lock: list[str]
    article_sender: list[str]
    article_channel: list[str]
    subject: str
    body: str
    mandatory: str
    comment: str | None
    valid: bool

    @classmethod
    def of(cls, item: NotificationOut) -> NotificationView:
        english = item.messages.get("en") or next(iter(item.messages.values()), {})
        listed = {
            key: [str(v) for v in item.filters.get(key, [])] for key in (*ID_FILTERS, *LIST_FILTERS)
        }
        return cls(
            id=item.id,
            name=item.name,
            events=list(item.events),
            recipients=[recipient_key(entry) for entry in item.recipients],
            transports=list(item.transports),
            subject=english.get("subject", ""),
            body=english.get("body", ""),
            mandatory="yes" if item.mandatory else "no",
            comment=item.comment or None,
            valid=item.valid,
            **listed,
        )


def _labels(values: list[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(value, value) for value in values)


def events_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return _labels(item.events, EVENT_LABELS)


def recipients_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return _labels(item.recipients, lookups.get("recipients", RECIPIENT_LABELS))


async def _list(
    session: Any, actor: Actor, page: PageRequest, **extra: Any
) -> Page[NotificationView]:
    found = await queries.notifications_for_actor(session, actor, page, search=extra.get("search"))
    items = [NotificationView.of(item) for item in found.items]
    return Page(items=items, total=found.total, limit=found.limit, offset=found.offset)


async def _get(session: Any, actor: Actor, notification_id: int) -> NotificationView:
    return NotificationView.of(
        await queries.notification_for_actor(session, actor, notification_id)
    )


async def _create(tx: Tx, actor: Actor, form: NotificationForm) -> object:
    data = NotificationCreate.model_validate(form.fields())
    return await actions.do_create_notification(tx, actor, data)


async def _update(tx: Tx, actor: Actor, notification_id: int, form: NotificationForm) -> object:
    if form.model_fields_set == {"valid"}:  # the list's valid/invalid switch
        data = NotificationUpdate(valid=form.valid)
    else:
        kept = await queries.notification_for_actor(tx.session, actor, notification_id)
        data = NotificationUpdate.model_validate(form.fields(kept))
    return await actions.do_update_notification(tx, actor, notification_id, data)


async def _choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    session = tx.session
    agents = await account_queries.list_agents(session, actor, ALL)
    groups = await account_queries.list_groups(session, actor, ALL)
    roles = await account_queries.list_roles(session, actor, ALL)
    recipients = [(name, RECIPIENT_LABELS[name]) for name in RECIPIENT_NAMES]
    recipients += [
        (f"agent:{a.id}", f"{a.first_name} {a.last_name} ({a.login})") for a in agents.items
    ]
    recipients += [(f"group:{g.id}", f"{ui_text('Group')} {g.name}") for g in groups.items]
    recipients += [(f"role:{r.id}", f"{ui_text('Role')} {r.name}") for r in roles.items]
    return {
        "events": [(event, EVENT_LABELS.get(event, event)) for event in EVENTS],
        "recipients": recipients,
        "transports": [(name, t.label) for name, t in sorted(transports().items())],
        "queue_ids": [(str(q.id), q.name) for q in await catalogue_queries.list_queues(session)],
        "state_ids": [(str(s.id), s.name) for s in await catalogue_queries.list_states(session)],
        "priority_ids": [
            (str(p.id), p.name) for p in await catalogue_queries.list_priorities(session)
        ],
        "type_ids": [(str(t.id), t.name) for t in await catalogue_queries.list_types(session)],
        "service_ids": [
            (str(s.id), s.full_name) for s in await catalogue_queries.list_services(session)
        ],
        "sla_ids": [(str(s.id), s.name) for s in await catalogue_queries.list_slas(session)],
        "lock": [(value, value) for value in LOCK_VALUES],
        "article_sender": [(value, value) for value in SENDER_TYPES],
        "article_channel": [(value, value) for value in CHANNELS],
        "mandatory": [("no", ui_text("No")), ("yes", ui_text("Yes: agents cannot switch it off"))],
    }


def _multi(name: str, label: str, hint: str = "", required: bool = False) -> FormField:
    return FormField(name, label, "multiselect", hint=hint, required=required)


ANY = ui_text("None chosen: any.")

NOTIFICATION_SCREEN = AdminScreen(
    slug="notifications",
    title=ui_text("Ticket notifications"),
    add_label=ui_text("Add notification"),
    fields=(
        FormField("name", ui_text("Name"), required=True, max_length=200),
        _multi("events", ui_text("Events"), ui_text("What starts the notification."), True),
        _multi(
            "recipients",
            ui_text("Recipients"),
            ui_text("Agents only while they may read the ticket; never the one who acted."),
            True,
        ),
        _multi("transports", ui_text("Sent by"), required=True),
        _multi("queue_ids", ui_text("Only in queues"), ANY),
        _multi("state_ids", ui_text("Only in states"), ANY),
        _multi("priority_ids", ui_text("Only with priorities"), ANY),
        _multi("type_ids", ui_text("Only of types"), ANY),
        _multi("service_ids", ui_text("Only with services"), ANY),
        _multi("sla_ids", ui_text("Only with SLAs"), ANY),
        _multi("lock", ui_text("Only when the ticket is"), ANY),
        _multi("article_sender", ui_text("Only for articles from"), ANY),
        _multi("article_channel", ui_text("Only for articles by"), ANY),
        FormField(
            "subject",
            ui_text("Subject (English)"),
            required=True,
            hint=ui_text("OTRS tags such as <OTRS_TICKET_Title> are filled in."),
            max_length=250,
        ),
        FormField(
            "body",
            ui_text("Text (English)"),
            "textarea",
            required=True,
            hint=ui_text("Texts in other languages are kept; the API changes them."),
            max_length=20_000,
        ),
        FormField("mandatory", ui_text("Mandatory"), "select", required=True),
        COMMENT_FIELD,
    ),
    columns=(
        ListColumn(ui_text("Name"), attr_text("name")),
        ListColumn(ui_text("Events"), events_text),
        ListColumn(ui_text("Recipients"), recipients_text),
        VALID_COLUMN,
    ),
    list_page=_list,
    get=_get,
    create_schema=NotificationForm,
    create=_create,
    update_schema=NotificationForm,
    update=_update,
    delete=actions.do_delete_notification,
    choices=_choices,
    searchable=True,
)
