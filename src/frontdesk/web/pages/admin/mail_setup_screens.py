"""The admin screens of the queue mail set-up: system addresses, salutations, signatures,
templates and automatic responses. Each is an ``AdminScreen`` like the queue screen; a template's
files have their own page (``template_attachment_pages``), linked from the template list.
"""

from __future__ import annotations

from typing import Any

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.mail_setup import actions, queries
from frontdesk.domain.mail_setup.models import (
    AUTO_RESPONSE_TYPES,
    TEMPLATE_TYPES,
    Salutation,
    Signature,
)
from frontdesk.domain.mail_setup.schemas import (
    AutoResponseCreate,
    AutoResponseUpdate,
    SnippetCreate,
    SnippetOut,
    SnippetUpdate,
    SystemAddressCreate,
    SystemAddressUpdate,
    TemplateCreate,
    TemplateUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.web.pages.admin.screen import (
    COMMENT_FIELD,
    VALID_COLUMN,
    AdminScreen,
    Choices,
    ListColumn,
    attr_text,
    looked_up_text,
)
from frontdesk.web.pages.admin_forms import FormField, ui_text

TEMPLATE_TYPE_LABELS = {
    "answer": ui_text("Answer"),
    "create": ui_text("Create"),
    "forward": ui_text("Forward"),
    "note": ui_text("Note"),
    "phone_call": ui_text("Phone call"),
}
AUTO_RESPONSE_TYPE_LABELS = {
    "reply_new_ticket": ui_text("Reply to a new ticket"),
    "reply_follow_up": ui_text("Reply to a follow-up"),
    "reply_reject": ui_text("Reply when a follow-up is rejected"),
    "reply_new_ticket_on_closed": ui_text("Reply when a follow-up opens a new ticket"),
}
PLACEHOLDER_HINT = ui_text(
    "Tags such as <OTRS_CUSTOMER_REALNAME>, <OTRS_CUSTOMER_UserFirstname>,"
    " <OTRS_CURRENT_UserFirstname>, <OTRS_TICKET_TicketNumber>, <OTRS_TICKET_Title>,"
    " <OTRS_CUSTOMER_Subject> and <OTRS_CUSTOMER_BODY[5]> are filled in when the text is used;"
    " unknown tags become “-”."
)

NAME_FIELD = FormField("name", ui_text("Name"), required=True, max_length=200)


def _text_field(label: str) -> FormField:
    return FormField("text", label, "textarea", max_length=100_000, hint=PLACEHOLDER_HINT)


# --- choices ----------------------------------------------------------------------------------


async def _queue_names(tx: Tx) -> list[tuple[str, str]]:
    return [(str(q.id), q.name) for q in await catalogue_queries.list_queues(tx.session)]


async def _address_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {"queue_id": await _queue_names(tx)}


async def _template_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {
        "type": [(t, TEMPLATE_TYPE_LABELS[t]) for t in TEMPLATE_TYPES],
        "queue_ids": await _queue_names(tx),
    }


async def _auto_response_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    addresses = await queries.system_addresses_for_actor(
        tx.session, actor, PageRequest(limit=1000, offset=0)
    )
    return {
        "type": [(t, AUTO_RESPONSE_TYPE_LABELS[t]) for t in AUTO_RESPONSE_TYPES],
        "system_address_id": [
            (str(a.id), f"{a.display_name} <{a.email}>") for a in addresses.items
        ],
        "queue_ids": await _queue_names(tx),
    }


# --- list columns -----------------------------------------------------------------------------


def _queues_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    names = lookups.get("queue_ids", {})
    return ", ".join(sorted(names.get(str(i), str(i)) for i in item.queue_ids))


def _files_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return ", ".join(a.filename for a in item.attachments)


# --- salutations and signatures share one shape -----------------------------------------------


def _snippet_screen(
    slug: str, model: type[Salutation] | type[Signature], title: str, add_label: str
) -> AdminScreen:
    async def list_page(
        session: Any, actor: Actor, page: PageRequest, **extra: Any
    ) -> Page[SnippetOut]:
        return await queries.snippets_for_actor(
            session, actor, model, page, search=extra.get("search")
        )

    async def get(session: Any, actor: Actor, entry_id: int) -> SnippetOut:
        return await queries.snippet_for_actor(session, actor, model, entry_id)

    async def create(tx: Tx, actor: Actor, data: SnippetCreate) -> object:
        return await actions.do_create_snippet(tx, actor, model, data)

    async def update(tx: Tx, actor: Actor, entry_id: int, data: SnippetUpdate) -> object:
        return await actions.do_update_snippet(tx, actor, model, entry_id, data)

    async def delete(tx: Tx, actor: Actor, entry_id: int) -> None:
        await actions.do_delete_snippet(tx, actor, model, entry_id)

    return AdminScreen(
        slug=slug,
        title=title,
        add_label=add_label,
        fields=(NAME_FIELD, _text_field(ui_text("Text")), COMMENT_FIELD),
        columns=(
            ListColumn(ui_text("Name"), attr_text("name")),
            ListColumn(ui_text("Comment"), attr_text("comment")),
            VALID_COLUMN,
        ),
        list_page=list_page,
        get=get,
        create_schema=SnippetCreate,
        create=create,
        update_schema=SnippetUpdate,
        update=update,
        delete=delete,
        searchable=True,
    )


MAIL_SETUP_SCREENS: tuple[AdminScreen, ...] = (
    AdminScreen(
        slug="system-addresses",
        title=ui_text("E-mail addresses"),
        add_label=ui_text("Add e-mail address"),
        fields=(
            FormField("email", ui_text("E-mail"), "email", required=True, max_length=250),
            FormField(
                "display_name",
                ui_text("Display name"),
                required=True,
                max_length=200,
                hint=ui_text("Shown as the sender: “ACME Support” <support@example.com>."),
            ),
            FormField(
                "queue_id",
                ui_text("Queue"),
                "select",
                required=True,
                hint=ui_text("Mail to this address lands in this queue."),
            ),
            COMMENT_FIELD,
        ),
        columns=(
            ListColumn(ui_text("E-mail"), attr_text("email")),
            ListColumn(ui_text("Display name"), attr_text("display_name")),
            ListColumn(ui_text("Queue"), looked_up_text("queue_id")),
            VALID_COLUMN,
        ),
        list_page=queries.system_addresses_for_actor,
        get=queries.system_address_for_actor,
        create_schema=SystemAddressCreate,
        create=actions.do_create_system_address,
        update_schema=SystemAddressUpdate,
        update=actions.do_update_system_address,
        delete=actions.do_delete_system_address,
        choices=_address_choices,
        searchable=True,
    ),
    _snippet_screen("salutations", Salutation, ui_text("Salutations"), ui_text("Add salutation")),
    _snippet_screen("signatures", Signature, ui_text("Signatures"), ui_text("Add signature")),
    AdminScreen(
        slug="templates",
        title=ui_text("Templates"),
        add_label=ui_text("Add template"),
        fields=(
            NAME_FIELD,
            FormField(
                "type",
                ui_text("Type"),
                "select",
                required=True,
                hint=ui_text("The screen that offers it: answer, new ticket, forward, note, …"),
            ),
            FormField("subject", ui_text("Subject"), when_empty="none", max_length=250),
            _text_field(ui_text("Text")),
            FormField(
                "queue_ids",
                ui_text("Queues"),
                "multiselect",
                hint=ui_text("Only tickets in these queues offer the template."),
            ),
            COMMENT_FIELD,
        ),
        columns=(
            ListColumn(ui_text("Name"), attr_text("name")),
            ListColumn(ui_text("Type"), looked_up_text("type")),
            ListColumn(ui_text("Queues"), _queues_text),
            ListColumn(ui_text("Attachments"), _files_text),
            VALID_COLUMN,
        ),
        list_page=queries.templates_for_actor,
        get=queries.template_for_actor,
        create_schema=TemplateCreate,
        create=actions.do_create_template,
        update_schema=TemplateUpdate,
        update=actions.do_update_template,
        delete=actions.do_delete_template,
        choices=_template_choices,
        searchable=True,
        row_links=((ui_text("Attachments"), "attachments"),),
    ),
    AdminScreen(
        slug="auto-responses",
        title=ui_text("Automatic responses"),
        add_label=ui_text("Add automatic response"),
        fields=(
            NAME_FIELD,
            FormField("type", ui_text("Type"), "select", required=True),
            FormField("subject", ui_text("Subject"), required=True, max_length=250),
            _text_field(ui_text("Text")),
            FormField(
                "system_address_id",
                ui_text("Sent from"),
                "select",
                required=True,
            ),
            FormField(
                "queue_ids",
                ui_text("Queues"),
                "multiselect",
                hint=ui_text("A queue sends one automatic response of each type."),
            ),
            COMMENT_FIELD,
        ),
        columns=(
            ListColumn(ui_text("Name"), attr_text("name")),
            ListColumn(ui_text("Type"), looked_up_text("type")),
            ListColumn(ui_text("Sent from"), looked_up_text("system_address_id")),
            ListColumn(ui_text("Queues"), _queues_text),
            VALID_COLUMN,
        ),
        list_page=queries.auto_responses_for_actor,
        get=queries.auto_response_for_actor,
        create_schema=AutoResponseCreate,
        create=actions.do_create_auto_response,
        update_schema=AutoResponseUpdate,
        update=actions.do_update_auto_response,
        delete=actions.do_delete_auto_response,
        choices=_auto_response_choices,
        searchable=True,
    ),
)
