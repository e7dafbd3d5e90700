"""Reading the queue mail set-up.

Two audiences:

* administrators list and read the entries (``*_for_actor``; ``access.py`` decides);
* other features ask what a queue sends with — ``queue_mail_profile``, ``templates_for_queue``,
  ``auto_response_for``, ``system_address_by_email``, ``template_attachments``. These take no
  actor: the caller has already decided the ticket or mail in hand may be worked on, and they
  return valid entries only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.db.case_insensitive import contains_ignoring_case, equals_ignoring_case
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_setup.access import EntryT, access_entry
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
    AutoResponseOut,
    SnippetOut,
    SystemAddressOut,
    TemplateOut,
)
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID

SnippetT = TypeVar("SnippetT", Salutation, Signature)

# --- what other features call -----------------------------------------------------------------


@dataclass(frozen=True)
class QueueMailProfile:
    """What a queue's outgoing mail is made of. ``None`` where the queue names nothing, or names
    an entry that is no longer valid."""

    queue_id: int
    system_address_email: str | None
    system_address_display_name: str | None
    salutation: str | None
    signature: str | None
    follow_up: str


async def _valid_text(
    session: AsyncSession, model: type[SnippetT], entry_id: int | None
) -> str | None:
    if entry_id is None:
        return None
    entry: SnippetT | None = await session.get(model, entry_id)
    return entry.text if entry is not None and entry.valid else None


async def queue_mail_profile(session: AsyncSession, queue_id: int) -> QueueMailProfile:
    """The queue's sender address, salutation, signature and follow-up policy. A queue that does
    not exist has none of them (and follow-ups are possible, the default)."""
    queue = await session.get(Queue, queue_id)
    if queue is None:
        return QueueMailProfile(queue_id, None, None, None, None, "possible")
    address = (
        await session.get(SystemAddress, queue.system_address_id)
        if queue.system_address_id is not None
        else None
    )
    if address is not None and not address.valid:
        address = None
    return QueueMailProfile(
        queue_id=queue.id,
        system_address_email=address.email if address else None,
        system_address_display_name=address.display_name if address else None,
        salutation=await _valid_text(session, Salutation, queue.salutation_id),
        signature=await _valid_text(session, Signature, queue.signature_id),
        follow_up=queue.follow_up,
    )


async def templates_for_queue(session: AsyncSession, queue_id: int, type: str) -> list[Template]:
    """The valid templates of this type the queue offers, by name."""
    rows = await session.scalars(
        select(Template)
        .join(TemplateQueue, TemplateQueue.template_id == Template.id)
        .where(TemplateQueue.queue_id == queue_id, Template.type == type, Template.valid.is_(True))
        .order_by(func.lower(Template.name), Template.id)
    )
    return list(rows)


async def auto_response_for(session: AsyncSession, queue_id: int, type: str) -> AutoResponse | None:
    """The valid automatic response of this type the queue sends, if any (at most one)."""
    return await session.scalar(
        select(AutoResponse)
        .join(AutoResponseQueue, AutoResponseQueue.auto_response_id == AutoResponse.id)
        .where(
            AutoResponseQueue.queue_id == queue_id,
            AutoResponseQueue.type == type,
            AutoResponse.valid.is_(True),
        )
    )


async def system_address_by_email(session: AsyncSession, email: str) -> SystemAddress | None:
    """The valid system address with this e-mail address, compared ignoring case."""
    return await session.scalar(
        select(SystemAddress).where(
            equals_ignoring_case(SystemAddress.email, email.strip()),
            SystemAddress.valid.is_(True),
        )
    )


async def template_attachments(session: AsyncSession, template_id: int) -> list[TemplateAttachment]:
    """A template's files with their content, in the order they were added."""
    rows = await session.scalars(
        select(TemplateAttachment)
        .options(undefer(TemplateAttachment.content))
        .where(TemplateAttachment.template_id == template_id)
        .order_by(TemplateAttachment.id)
    )
    return list(rows)


# --- administrators ---------------------------------------------------------------------------


async def _page(
    session: AsyncSession,
    model: type[EntryT],
    page: PageRequest,
    *,
    order: Any,
    valid: bool | None,
    search: str | None,
    search_column: Any,
) -> tuple[Sequence[EntryT], int]:
    query = select(model)
    if valid is not None:
        query = query.where(model.valid.is_(valid))
    if search:
        query = query.where(contains_ignoring_case(search_column, search))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(func.lower(order), model.id).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total


async def template_queue_ids(
    session: AsyncSession, template_ids: Sequence[int]
) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {template_id: [] for template_id in template_ids}
    rows = await session.execute(
        select(TemplateQueue.template_id, TemplateQueue.queue_id)
        .where(TemplateQueue.template_id.in_(template_ids))
        .order_by(TemplateQueue.queue_id)
    )
    for template_id, queue_id in rows:
        found[template_id].append(queue_id)
    return found


async def _template_attachment_rows(
    session: AsyncSession, template_ids: Sequence[int]
) -> dict[int, list[TemplateAttachment]]:
    found: dict[int, list[TemplateAttachment]] = {template_id: [] for template_id in template_ids}
    rows = await session.scalars(
        select(TemplateAttachment)
        .where(TemplateAttachment.template_id.in_(template_ids))
        .order_by(TemplateAttachment.id)
    )
    for attachment in rows:
        found[attachment.template_id].append(attachment)
    return found


async def response_queue_ids(
    session: AsyncSession, response_ids: Sequence[int]
) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {response_id: [] for response_id in response_ids}
    rows = await session.execute(
        select(AutoResponseQueue.auto_response_id, AutoResponseQueue.queue_id)
        .where(AutoResponseQueue.auto_response_id.in_(response_ids))
        .order_by(AutoResponseQueue.queue_id)
    )
    for response_id, queue_id in rows:
        found[response_id].append(queue_id)
    return found


async def template_out(session: AsyncSession, template: Template) -> TemplateOut:
    queue_ids = await template_queue_ids(session, [template.id])
    attachments = await _template_attachment_rows(session, [template.id])
    return TemplateOut.of(template, queue_ids[template.id], attachments[template.id])


async def auto_response_out(session: AsyncSession, response: AutoResponse) -> AutoResponseOut:
    queue_ids = await response_queue_ids(session, [response.id])
    return AutoResponseOut.of(response, queue_ids[response.id])


async def system_addresses_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[SystemAddressOut]:
    """System addresses by e-mail address; ``search`` matches the address (any case)."""
    await check_admin_or_system(session, actor)
    rows, total = await _page(
        session,
        SystemAddress,
        page,
        order=SystemAddress.email,
        valid=valid,
        search=search,
        search_column=SystemAddress.email,
    )
    items = [SystemAddressOut.of(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def system_address_for_actor(
    session: AsyncSession, actor: Actor, address_id: int
) -> SystemAddressOut:
    return SystemAddressOut.of(await access_entry(session, actor, SystemAddress, address_id))


async def snippets_for_actor(
    session: AsyncSession,
    actor: Actor,
    model: type[Salutation] | type[Signature],
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[SnippetOut]:
    """Salutations or signatures by name."""
    await check_admin_or_system(session, actor)
    rows, total = await _page(
        session, model, page, order=model.name, valid=valid, search=search, search_column=model.name
    )
    items = [SnippetOut.of(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def snippet_for_actor(
    session: AsyncSession,
    actor: Actor,
    model: type[Salutation] | type[Signature],
    entry_id: int,
) -> SnippetOut:
    return SnippetOut.of(await access_entry(session, actor, model, entry_id))


async def templates_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[TemplateOut]:
    await check_admin_or_system(session, actor)
    rows, total = await _page(
        session,
        Template,
        page,
        order=Template.name,
        valid=valid,
        search=search,
        search_column=Template.name,
    )
    ids = [row.id for row in rows]
    queue_ids = await template_queue_ids(session, ids)
    attachments = await _template_attachment_rows(session, ids)
    items = [TemplateOut.of(row, queue_ids[row.id], attachments[row.id]) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def template_for_actor(session: AsyncSession, actor: Actor, template_id: int) -> TemplateOut:
    return await template_out(session, await access_entry(session, actor, Template, template_id))


async def auto_responses_for_actor(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    valid: bool | None = None,
    search: str | None = None,
) -> Page[AutoResponseOut]:
    await check_admin_or_system(session, actor)
    rows, total = await _page(
        session,
        AutoResponse,
        page,
        order=AutoResponse.name,
        valid=valid,
        search=search,
        search_column=AutoResponse.name,
    )
    queue_ids = await response_queue_ids(session, [row.id for row in rows])
    items = [AutoResponseOut.of(row, queue_ids[row.id]) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def auto_response_for_actor(
    session: AsyncSession, actor: Actor, response_id: int
) -> AutoResponseOut:
    response = await access_entry(session, actor, AutoResponse, response_id)
    return await auto_response_out(session, response)


async def template_attachment_for_actor(
    session: AsyncSession, actor: Actor, template_id: int, attachment_id: int
) -> TemplateAttachment:
    """One file of a template, with its content (administrators), or 404."""
    await access_entry(session, actor, Template, template_id)
    if not 1 <= attachment_id <= MAX_ID:
        raise NotFound(f"The template has no attachment with id {attachment_id}.")
    attachment = await session.scalar(
        select(TemplateAttachment)
        .options(undefer(TemplateAttachment.content))
        .where(
            TemplateAttachment.template_id == template_id,
            TemplateAttachment.id == attachment_id,
        )
    )
    if attachment is None:
        raise NotFound(f"The template has no attachment with id {attachment_id}.")
    return attachment
