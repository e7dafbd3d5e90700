"""Writing the queue mail set-up. Administrators only (and the system); every write emits one
``MailSetupChanged`` after commit. Actions never commit.

Refusals:

* not an administrator → 403 ``admin_only``;
* a name (a system address: an e-mail address) another entry of the kind has, in any case → 409
  ``name_taken``;
* a ``queue_id``, ``queue_ids`` or ``system_address_id`` that does not exist → 422 naming it;
* an automatic response for a queue that already sends another one of the same type → 409
  ``queue_has_auto_response`` (a queue sends one response per type);
* deleting a system address a queue or automatic response sends from, or a salutation or
  signature a queue uses → 409 ``in_use`` (set ``valid`` to false instead). Templates and
  automatic responses take their queue assignments (and a template its files) with them;
* a template file larger than the process's ``max_upload_bytes`` → 413.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_setup import queries
from frontdesk.domain.mail_setup.access import ENTITY_LABELS, access_entry
from frontdesk.domain.mail_setup.errors import InUse, NameTaken, QueueHasAutoResponse
from frontdesk.domain.mail_setup.events import MailSetupChanged, MailSetupEntity, MailSetupOp
from frontdesk.domain.mail_setup.models import (
    AutoResponse,
    AutoResponseQueue,
    Salutation,
    Signature,
    SystemAddress,
    Template,
    TemplateAttachment,
    TemplateQueue,
)
from frontdesk.domain.mail_setup.schemas import (
    AttachmentOut,
    AutoResponseCreate,
    AutoResponseOut,
    AutoResponseUpdate,
    SnippetCreate,
    SnippetOut,
    SnippetUpdate,
    SystemAddressCreate,
    SystemAddressOut,
    SystemAddressUpdate,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID
from frontdesk.domain.tickets.actions import normalize_content_type, sanitize_filename
from frontdesk.domain.tickets.errors import AttachmentTooLarge

SnippetModel = type[Salutation] | type[Signature]

_ENTITIES: dict[type[Any], MailSetupEntity] = {
    SystemAddress: "system_address",
    Salutation: "salutation",
    Signature: "signature",
    Template: "template",
    AutoResponse: "auto_response",
}


def _emit(tx: Tx, model: type[Any], entry_id: int, op: MailSetupOp) -> None:
    tx.emit(MailSetupChanged(entity=_ENTITIES[model], entity_id=entry_id, op=op))


async def _flush(session: AsyncSession, error: DomainError) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # two admins saving the same name at once
        raise error from exc


async def _check_free(
    session: AsyncSession,
    model: type[Any],
    field: str,
    value: str,
    except_id: int | None = None,
) -> None:
    query = select(model.id).where(equals_ignoring_case(getattr(model, field), value))
    if except_id is not None:
        query = query.where(model.id != except_id)
    if await session.scalar(query) is not None:
        raise NameTaken(ENTITY_LABELS[model], value, field=field)


async def _queues_named(
    session: AsyncSession, queue_ids: Sequence[int], field: str
) -> dict[int, str]:
    """The names of these queues by id; a queue that does not exist → 422 naming ``field``."""
    rows = await session.execute(select(Queue.id, Queue.name).where(Queue.id.in_(queue_ids)))
    names = {queue_id: name for queue_id, name in rows}
    missing = [queue_id for queue_id in queue_ids if queue_id not in names]
    if missing:
        raise ValidationFailed(field, f"There is no queue with id {missing[0]}.")
    return names


async def _check_address_exists(session: AsyncSession, address_id: int) -> None:
    if await session.get(SystemAddress, address_id) is None:
        raise ValidationFailed(
            "system_address_id", f"There is no system address with id {address_id}."
        )


async def _check_unused(session: AsyncSession, column: Any, entry_id: int, what: str) -> None:
    """409 when a row of ``column``'s table points at the entry; names the first one."""
    table = column.class_
    user = await session.scalar(select(table.name).where(column == entry_id).limit(1))
    if user is not None:
        raise InUse(f"The {what} {user!r} uses this entry; give it another one first.")


# --- system addresses -------------------------------------------------------------------------


async def do_create_system_address(
    tx: Tx, actor: Actor, data: SystemAddressCreate
) -> SystemAddressOut:
    await check_admin_or_system(tx.session, actor)
    await _queues_named(tx.session, [data.queue_id], "queue_id")
    await _check_free(tx.session, SystemAddress, "email", data.email)
    address = SystemAddress(
        email=data.email,
        display_name=data.display_name,
        queue_id=data.queue_id,
        comment=data.comment,
        valid=data.valid,
    )
    tx.session.add(address)
    await _flush(tx.session, NameTaken("system address", data.email, field="email"))
    _emit(tx, SystemAddress, address.id, "created")
    return SystemAddressOut.of(address)


async def do_update_system_address(
    tx: Tx, actor: Actor, address_id: int, data: SystemAddressUpdate
) -> SystemAddressOut:
    address = await access_entry(tx.session, actor, SystemAddress, address_id)
    changed = data.model_fields_set
    if data.queue_id is not None:
        await _queues_named(tx.session, [data.queue_id], "queue_id")
        address.queue_id = data.queue_id
    if data.email is not None:
        await _check_free(tx.session, SystemAddress, "email", data.email, except_id=address.id)
        address.email = data.email
    if data.display_name is not None:
        address.display_name = data.display_name
    if "comment" in changed:
        address.comment = data.comment
    if data.valid is not None:
        address.valid = data.valid
    await _flush(tx.session, NameTaken("system address", address.email, field="email"))
    await tx.session.refresh(address)
    _emit(tx, SystemAddress, address.id, "updated")
    return SystemAddressOut.of(address)


async def do_delete_system_address(tx: Tx, actor: Actor, address_id: int) -> None:
    address = await access_entry(tx.session, actor, SystemAddress, address_id)
    await _check_unused(tx.session, Queue.system_address_id, address.id, "queue")
    await _check_unused(
        tx.session, AutoResponse.system_address_id, address.id, "automatic response"
    )
    await tx.session.delete(address)
    await _flush(tx.session, InUse("Something still refers to this system address."))
    _emit(tx, SystemAddress, address_id, "deleted")


# --- salutations and signatures ---------------------------------------------------------------


def _queue_column(model: SnippetModel) -> Any:
    return Queue.salutation_id if model is Salutation else Queue.signature_id


async def do_create_snippet(
    tx: Tx, actor: Actor, model: SnippetModel, data: SnippetCreate
) -> SnippetOut:
    """Create a salutation or a signature (``model`` says which)."""
    await check_admin_or_system(tx.session, actor)
    await _check_free(tx.session, model, "name", data.name)
    snippet = model(name=data.name, text=data.text, comment=data.comment, valid=data.valid)
    tx.session.add(snippet)
    await _flush(tx.session, NameTaken(ENTITY_LABELS[model], data.name))
    _emit(tx, model, snippet.id, "created")
    return SnippetOut.of(snippet)


async def do_update_snippet(
    tx: Tx, actor: Actor, model: SnippetModel, entry_id: int, data: SnippetUpdate
) -> SnippetOut:
    snippet = await access_entry(tx.session, actor, model, entry_id)
    if data.name is not None:
        await _check_free(tx.session, model, "name", data.name, except_id=snippet.id)
        snippet.name = data.name
    if data.text is not None:
        snippet.text = data.text
    if "comment" in data.model_fields_set:
        snippet.comment = data.comment
    if data.valid is not None:
        snippet.valid = data.valid
    await _flush(tx.session, NameTaken(ENTITY_LABELS[model], snippet.name))
    await tx.session.refresh(snippet)
    _emit(tx, model, snippet.id, "updated")
    return SnippetOut.of(snippet)


async def do_delete_snippet(tx: Tx, actor: Actor, model: SnippetModel, entry_id: int) -> None:
    snippet = await access_entry(tx.session, actor, model, entry_id)
    await _check_unused(tx.session, _queue_column(model), snippet.id, "queue")
    await tx.session.delete(snippet)
    await _flush(tx.session, InUse(f"Something still refers to this {ENTITY_LABELS[model]}."))
    _emit(tx, model, entry_id, "deleted")


# --- templates --------------------------------------------------------------------------------


async def _set_template_queues(
    session: AsyncSession, template_id: int, queue_ids: list[int]
) -> None:
    await session.execute(delete(TemplateQueue).where(TemplateQueue.template_id == template_id))
    session.add_all(TemplateQueue(template_id=template_id, queue_id=q) for q in queue_ids)


async def do_create_template(tx: Tx, actor: Actor, data: TemplateCreate) -> TemplateOut:
    await check_admin_or_system(tx.session, actor)
    await _queues_named(tx.session, data.queue_ids, "queue_ids")
    await _check_free(tx.session, Template, "name", data.name)
    template = Template(
        name=data.name,
        type=data.type,
        subject=data.subject,
        text=data.text,
        comment=data.comment,
        valid=data.valid,
    )
    tx.session.add(template)
    await _flush(tx.session, NameTaken("template", data.name))
    await _set_template_queues(tx.session, template.id, data.queue_ids)
    await _flush(tx.session, NameTaken("template", data.name))
    _emit(tx, Template, template.id, "created")
    return await queries.template_out(tx.session, template)


async def do_update_template(
    tx: Tx, actor: Actor, template_id: int, data: TemplateUpdate
) -> TemplateOut:
    template = await access_entry(tx.session, actor, Template, template_id)
    changed = data.model_fields_set
    if data.queue_ids is not None:
        await _queues_named(tx.session, data.queue_ids, "queue_ids")
    if data.name is not None:
        await _check_free(tx.session, Template, "name", data.name, except_id=template.id)
        template.name = data.name
    if data.type is not None:
        template.type = data.type
    if "subject" in changed:
        template.subject = data.subject
    if data.text is not None:
        template.text = data.text
    if "comment" in changed:
        template.comment = data.comment
    if data.valid is not None:
        template.valid = data.valid
    if data.queue_ids is not None:
        await _set_template_queues(tx.session, template.id, data.queue_ids)
    await _flush(tx.session, NameTaken("template", template.name))
    await tx.session.refresh(template)
    _emit(tx, Template, template.id, "updated")
    return await queries.template_out(tx.session, template)


async def do_delete_template(tx: Tx, actor: Actor, template_id: int) -> None:
    template = await access_entry(tx.session, actor, Template, template_id)
    # The database cascades too; deleting here keeps the session's view of them right.
    await tx.session.execute(delete(TemplateQueue).where(TemplateQueue.template_id == template_id))
    await tx.session.execute(
        delete(TemplateAttachment).where(TemplateAttachment.template_id == template_id)
    )
    await tx.session.delete(template)
    await tx.session.flush()
    _emit(tx, Template, template_id, "deleted")


async def do_add_template_attachment(
    tx: Tx,
    actor: Actor,
    template_id: int,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    field: str = "file",
) -> AttachmentOut:
    """Attach a file to a template; larger than the process's upload limit → 413 naming
    ``field``."""
    template = await access_entry(tx.session, actor, Template, template_id)
    limit = tx.runtime.settings.max_upload_bytes
    if len(content) > limit:
        raise AttachmentTooLarge(field, limit)
    attachment = TemplateAttachment(
        template_id=template.id,
        filename=sanitize_filename(filename),
        content_type=normalize_content_type(content_type),
        size=len(content),
        content=content,
    )
    tx.session.add(attachment)
    await tx.session.flush()
    template.updated_at = utcnow()  # its files are part of it
    _emit(tx, Template, template.id, "updated")
    return AttachmentOut.of(attachment)


async def do_delete_template_attachment(
    tx: Tx, actor: Actor, template_id: int, attachment_id: int
) -> None:
    template = await access_entry(tx.session, actor, Template, template_id)
    attachment = (
        await tx.session.get(TemplateAttachment, attachment_id)
        if 1 <= attachment_id <= MAX_ID
        else None
    )
    if attachment is None or attachment.template_id != template.id:
        raise NotFound(f"The template has no attachment with id {attachment_id}.")
    await tx.session.delete(attachment)
    await tx.session.flush()
    template.updated_at = utcnow()  # its files are part of it
    _emit(tx, Template, template.id, "updated")


# --- automatic responses ----------------------------------------------------------------------


async def _check_queues_free(
    session: AsyncSession,
    response_type: str,
    queue_ids: list[int],
    queue_names: dict[int, str],
    except_id: int | None = None,
) -> None:
    query = (
        select(AutoResponseQueue.queue_id, AutoResponse.name)
        .join(AutoResponse, AutoResponse.id == AutoResponseQueue.auto_response_id)
        .where(AutoResponseQueue.queue_id.in_(queue_ids), AutoResponseQueue.type == response_type)
    )
    if except_id is not None:
        query = query.where(AutoResponseQueue.auto_response_id != except_id)
    taken = (await session.execute(query.order_by(AutoResponseQueue.queue_id))).first()
    if taken is not None:
        raise QueueHasAutoResponse(queue_names[taken[0]], response_type, taken[1])


async def _set_response_queues(
    session: AsyncSession, response: AutoResponse, queue_ids: list[int]
) -> None:
    await session.execute(
        delete(AutoResponseQueue).where(AutoResponseQueue.auto_response_id == response.id)
    )
    session.add_all(
        AutoResponseQueue(auto_response_id=response.id, queue_id=q, type=response.type)
        for q in queue_ids
    )


def _slot_taken(name: str) -> DomainError:
    """What a unique index refused when two administrators saved at once: the name, or a
    queue's one response of a type."""
    return Conflict(
        f"Another automatic response took the name {name!r} or one of these queues just now.",
        code="name_taken",
    )


async def do_create_auto_response(
    tx: Tx, actor: Actor, data: AutoResponseCreate
) -> AutoResponseOut:
    await check_admin_or_system(tx.session, actor)
    await _check_address_exists(tx.session, data.system_address_id)
    names = await _queues_named(tx.session, data.queue_ids, "queue_ids")
    await _check_free(tx.session, AutoResponse, "name", data.name)
    await _check_queues_free(tx.session, data.type, data.queue_ids, names)
    response = AutoResponse(
        name=data.name,
        type=data.type,
        subject=data.subject,
        text=data.text,
        system_address_id=data.system_address_id,
        comment=data.comment,
        valid=data.valid,
    )
    tx.session.add(response)
    await _flush(tx.session, _slot_taken(data.name))
    await _set_response_queues(tx.session, response, data.queue_ids)
    await _flush(tx.session, _slot_taken(data.name))
    _emit(tx, AutoResponse, response.id, "created")
    return await queries.auto_response_out(tx.session, response)


async def do_update_auto_response(
    tx: Tx, actor: Actor, response_id: int, data: AutoResponseUpdate
) -> AutoResponseOut:
    response = await access_entry(tx.session, actor, AutoResponse, response_id)
    changed = data.model_fields_set
    if data.system_address_id is not None:
        await _check_address_exists(tx.session, data.system_address_id)
    if data.name is not None:
        await _check_free(tx.session, AutoResponse, "name", data.name, except_id=response.id)
    queue_ids = (
        data.queue_ids
        if data.queue_ids is not None
        else (await queries.response_queue_ids(tx.session, [response.id]))[response.id]
    )
    names = await _queues_named(tx.session, queue_ids, "queue_ids")
    response_type = data.type or response.type
    await _check_queues_free(tx.session, response_type, queue_ids, names, except_id=response.id)
    for field in ("name", "type", "subject", "text", "system_address_id", "valid"):
        value = getattr(data, field)
        if value is not None:
            setattr(response, field, value)
    if "comment" in changed:
        response.comment = data.comment
    await _set_response_queues(tx.session, response, queue_ids)
    await _flush(tx.session, _slot_taken(response.name))
    await tx.session.refresh(response)
    _emit(tx, AutoResponse, response.id, "updated")
    return await queries.auto_response_out(tx.session, response)


async def do_delete_auto_response(tx: Tx, actor: Actor, response_id: int) -> None:
    response = await access_entry(tx.session, actor, AutoResponse, response_id)
    await tx.session.execute(
        delete(AutoResponseQueue).where(AutoResponseQueue.auto_response_id == response_id)
    )
    await tx.session.delete(response)
    await tx.session.flush()
    _emit(tx, AutoResponse, response_id, "deleted")
