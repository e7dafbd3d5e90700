"""The files of a template (/admin/templates/{id}/attachments): the list with download and
delete buttons, and an upload form (multipart, within the process's ``max_upload_bytes``)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.mail_setup import actions, queries
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.errors import AttachmentTooLarge
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    AdminVisitor,
    error_page,
    parse_object_id,
    refuse_non_admin,
    render_admin,
)
from frontdesk.web.pages.admin.router import router
from frontdesk.web.pages.admin_forms import admin_errors
from frontdesk.web.pages.forms import FormErrors

SECTION = "templates"


def _files_path(template_id: int) -> str:
    return f"/admin/templates/{template_id}/attachments"


async def _files_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    template_id: int,
    *,
    failed: FormErrors | None = None,
) -> Response:
    try:
        template = await queries.template_for_actor(tx.session, caller.actor, template_id)
    except DomainError as exc:
        return error_page(request, caller, exc, SECTION)
    context = {
        "section": SECTION,
        "template": template,
        "max_bytes": tx.runtime.settings.max_upload_bytes,
        "failed": failed,
    }
    status = failed.status if failed else 200
    return render_admin(
        request, caller, "admin/template_attachments.html", context, status_code=status
    )


@router.get("/admin/templates/{item_id}/attachments", response_class=HTMLResponse)
async def template_files(item_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        template_id = parse_object_id(item_id)
    except DomainError as exc:
        return error_page(request, caller, exc, SECTION)
    return await _files_page(request, tx, caller, template_id)


@router.post("/admin/templates/{item_id}/attachments")
async def upload_template_file(
    item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    form = await request.form()
    try:
        template_id = parse_object_id(item_id)
    except DomainError as exc:
        await form.close()  # the uploaded temporary file goes away with the refusal
        return error_page(request, caller, exc, SECTION)
    if refused := refuse_non_admin(request, caller):
        await form.close()
        return refused
    upload = form.get("file")
    limit = tx.runtime.settings.max_upload_bytes
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("file", "Choose a file to attach.")
        try:
            content = await upload.read(limit + 1)
        finally:
            await upload.close()
        if len(content) > limit:
            raise AttachmentTooLarge("file", limit)
        await actions.do_add_template_attachment(
            tx,
            caller.actor,
            template_id,
            filename=upload.filename,
            content_type=upload.content_type or "application/octet-stream",
            content=content,
        )
    except DomainError as exc:
        await rollback(tx.session)
        return await _files_page(request, tx, caller, template_id, failed=admin_errors(exc))
    return RedirectResponse(f"{_files_path(template_id)}?done=saved", status_code=303)


@router.post("/admin/templates/{item_id}/attachments/{attachment_id}/delete")
async def delete_template_file(
    item_id: str, attachment_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        template_id = parse_object_id(item_id)
        file_id = parse_object_id(attachment_id)
    except DomainError as exc:
        return error_page(request, caller, exc, SECTION)
    try:
        await actions.do_delete_template_attachment(tx, caller.actor, template_id, file_id)
    except DomainError as exc:
        await rollback(tx.session)
        return await _files_page(request, tx, caller, template_id, failed=admin_errors(exc))
    return RedirectResponse(f"{_files_path(template_id)}?done=deleted", status_code=303)
