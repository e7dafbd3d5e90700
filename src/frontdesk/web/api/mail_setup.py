"""REST routes of the queue mail set-up (administrators): ``/api/v1/system-addresses``,
``/api/v1/salutations``, ``/api/v1/signatures``, ``/api/v1/templates`` (with their files under
``/api/v1/templates/{id}/attachments``) and ``/api/v1/auto-responses``.

Lists take ``?limit=&offset=&valid=&search=`` and answer ``{"items", "total", "limit",
"offset"}``.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from frontdesk.core.errors import ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.domain.mail_setup import actions, queries
from frontdesk.domain.mail_setup.models import Salutation, Signature
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
from frontdesk.domain.ticket_catalogue.schemas import ListOut
from frontdesk.domain.tickets.errors import AttachmentTooLarge
from frontdesk.web.api.tickets import ACTIVE_CONTENT_MARKERS
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["mail set-up"])


def _no_content() -> Response:
    return Response(status_code=204)


# --- system addresses -------------------------------------------------------------------------


@router.get("/system-addresses")
async def list_system_addresses(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
    search: str | None = None,
) -> ListOut[SystemAddressOut]:
    page = await queries.system_addresses_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid, search=search
    )
    return ListOut[SystemAddressOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/system-addresses", status_code=201)
async def create_system_address(
    tx: TxDep, actor: ApiAdmin, data: SystemAddressCreate
) -> SystemAddressOut:
    return await actions.do_create_system_address(tx, actor, data)


@router.get("/system-addresses/{address_id}")
async def get_system_address(tx: TxDep, actor: ApiAdmin, address_id: int) -> SystemAddressOut:
    return await queries.system_address_for_actor(tx.session, actor, address_id)


@router.patch("/system-addresses/{address_id}")
async def update_system_address(
    tx: TxDep, actor: ApiAdmin, address_id: int, data: SystemAddressUpdate
) -> SystemAddressOut:
    return await actions.do_update_system_address(tx, actor, address_id, data)


@router.delete("/system-addresses/{address_id}", status_code=204)
async def delete_system_address(tx: TxDep, actor: ApiAdmin, address_id: int) -> Response:
    await actions.do_delete_system_address(tx, actor, address_id)
    return _no_content()


# --- salutations and signatures ---------------------------------------------------------------


def _snippet_routes(path: str, model: type[Salutation] | type[Signature], noun: str) -> None:
    """The five routes of salutations or signatures: the two share one shape."""

    async def list_snippets(
        tx: TxDep,
        actor: ApiAdmin,
        limit: int | None = None,
        offset: int | None = None,
        valid: bool | None = None,
        search: str | None = None,
    ) -> ListOut[SnippetOut]:
        page = await queries.snippets_for_actor(
            tx.session, actor, model, PageRequest.build(limit, offset), valid=valid, search=search
        )
        return ListOut[SnippetOut](
            items=page.items, total=page.total, limit=page.limit, offset=page.offset
        )

    async def create_snippet(tx: TxDep, actor: ApiAdmin, data: SnippetCreate) -> SnippetOut:
        return await actions.do_create_snippet(tx, actor, model, data)

    async def get_snippet(tx: TxDep, actor: ApiAdmin, entry_id: int) -> SnippetOut:
        return await queries.snippet_for_actor(tx.session, actor, model, entry_id)

    async def update_snippet(
        tx: TxDep, actor: ApiAdmin, entry_id: int, data: SnippetUpdate
    ) -> SnippetOut:
        return await actions.do_update_snippet(tx, actor, model, entry_id, data)

    async def delete_snippet(tx: TxDep, actor: ApiAdmin, entry_id: int) -> Response:
        await actions.do_delete_snippet(tx, actor, model, entry_id)
        return _no_content()

    one = f"{path}/{{entry_id}}"
    router.add_api_route(path, list_snippets, methods=["GET"], name=f"list_{noun}s")
    router.add_api_route(
        path, create_snippet, methods=["POST"], status_code=201, name=f"create_{noun}"
    )
    router.add_api_route(one, get_snippet, methods=["GET"], name=f"get_{noun}")
    router.add_api_route(one, update_snippet, methods=["PATCH"], name=f"update_{noun}")
    router.add_api_route(
        one, delete_snippet, methods=["DELETE"], status_code=204, name=f"delete_{noun}"
    )


_snippet_routes("/salutations", Salutation, "salutation")
_snippet_routes("/signatures", Signature, "signature")


# --- templates --------------------------------------------------------------------------------


@router.get("/templates")
async def list_templates(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
    search: str | None = None,
) -> ListOut[TemplateOut]:
    page = await queries.templates_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid, search=search
    )
    return ListOut[TemplateOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/templates", status_code=201)
async def create_template(tx: TxDep, actor: ApiAdmin, data: TemplateCreate) -> TemplateOut:
    return await actions.do_create_template(tx, actor, data)


@router.get("/templates/{template_id}")
async def get_template(tx: TxDep, actor: ApiAdmin, template_id: int) -> TemplateOut:
    return await queries.template_for_actor(tx.session, actor, template_id)


@router.patch("/templates/{template_id}")
async def update_template(
    tx: TxDep, actor: ApiAdmin, template_id: int, data: TemplateUpdate
) -> TemplateOut:
    return await actions.do_update_template(tx, actor, template_id, data)


@router.delete("/templates/{template_id}", status_code=204)
async def delete_template(tx: TxDep, actor: ApiAdmin, template_id: int) -> Response:
    await actions.do_delete_template(tx, actor, template_id)
    return _no_content()


@router.post("/templates/{template_id}/attachments", status_code=201)
async def add_template_attachment(
    request: Request, tx: TxDep, actor: ApiAdmin, template_id: int
) -> AttachmentOut:
    """Multipart with one ``file``; at most the process's ``max_upload_bytes`` (413)."""
    await queries.template_for_actor(tx.session, actor, template_id)  # 403/404 before reading
    limit = tx.runtime.settings.max_upload_bytes
    form = await request.form(max_files=1, max_fields=10)  # malformed → 400 from Starlette
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed("file", "choose a file to attach")
    try:
        content = await upload.read(limit + 1)
    finally:
        await upload.close()
    if len(content) > limit:
        raise AttachmentTooLarge("file", limit)
    return await actions.do_add_template_attachment(
        tx,
        actor,
        template_id,
        filename=upload.filename,
        content_type=upload.content_type or "application/octet-stream",
        content=content,
    )


@router.get("/templates/{template_id}/attachments/{attachment_id}")
async def get_template_attachment(
    tx: TxDep, actor: ApiAdmin, template_id: int, attachment_id: int
) -> Response:
    """The file itself, with its content type, as a download."""
    attachment = await queries.template_attachment_for_actor(
        tx.session, actor, template_id, attachment_id
    )
    return Response(
        content=attachment.content,
        headers={
            "Content-Type": _served_content_type(attachment.content_type),
            "Content-Disposition": _content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


def _content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 5987/6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _served_content_type(stored: str) -> str:
    """Like ticket attachments: a file is never rendered, so active types go out opaque."""
    if any(marker in stored for marker in ACTIVE_CONTENT_MARKERS):
        return "application/octet-stream"
    return stored


@router.delete("/templates/{template_id}/attachments/{attachment_id}", status_code=204)
async def delete_template_attachment(
    tx: TxDep, actor: ApiAdmin, template_id: int, attachment_id: int
) -> Response:
    await actions.do_delete_template_attachment(tx, actor, template_id, attachment_id)
    return _no_content()


# --- automatic responses ----------------------------------------------------------------------


@router.get("/auto-responses")
async def list_auto_responses(
    tx: TxDep,
    actor: ApiAdmin,
    limit: int | None = None,
    offset: int | None = None,
    valid: bool | None = None,
    search: str | None = None,
) -> ListOut[AutoResponseOut]:
    page = await queries.auto_responses_for_actor(
        tx.session, actor, PageRequest.build(limit, offset), valid=valid, search=search
    )
    return ListOut[AutoResponseOut](
        items=page.items, total=page.total, limit=page.limit, offset=page.offset
    )


@router.post("/auto-responses", status_code=201)
async def create_auto_response(
    tx: TxDep, actor: ApiAdmin, data: AutoResponseCreate
) -> AutoResponseOut:
    return await actions.do_create_auto_response(tx, actor, data)


@router.get("/auto-responses/{response_id}")
async def get_auto_response(tx: TxDep, actor: ApiAdmin, response_id: int) -> AutoResponseOut:
    return await queries.auto_response_for_actor(tx.session, actor, response_id)


@router.patch("/auto-responses/{response_id}")
async def update_auto_response(
    tx: TxDep, actor: ApiAdmin, response_id: int, data: AutoResponseUpdate
) -> AutoResponseOut:
    return await actions.do_update_auto_response(tx, actor, response_id, data)


@router.delete("/auto-responses/{response_id}", status_code=204)
async def delete_auto_response(tx: TxDep, actor: ApiAdmin, response_id: int) -> Response:
    await actions.do_delete_auto_response(tx, actor, response_id)
    return _no_content()
