"""Routes of the described screens: overview, lists, add and edit forms, validity and delete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.accounts.settings import ADMIN_LIST_PAGE_SIZE
from frontdesk.domain.runtime import Tx
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    AdminVisitor,
    error_page,
    gettext_for,
    lookups_of,
    page_links,
    parse_object_id,
    refuse_non_admin,
    render_admin,
    screen_by_slug,
)
from frontdesk.web.pages.admin.router import router
from frontdesk.web.pages.admin.screen import AdminScreen
from frontdesk.web.pages.admin_forms import (
    admin_errors,
    form_payload,
    form_refill,
)
from frontdesk.web.pages.forms import FormErrors, errors_from_validation

# --- overview ---------------------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
async def overview(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    return render_admin(request, caller, "admin/overview.html", {"section": ""})


@router.get("/admin/style-guide", response_class=HTMLResponse)
async def style_guide(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    """Every design-system component, from the macros the screens use (before /admin/{slug})."""
    if refused := refuse_non_admin(request, caller):
        return refused
    return render_admin(request, caller, "admin/style_guide.html", {"section": "style-guide"})


# --- lists ------------------------------------------------------------------------------------


def list_page_size(tx: Tx, caller: AdminVisitor, limit: int | None) -> int:
    """An explicit ?limit=, else the admin's own (or the global) Frontend::Admin::PageSize."""
    return limit if limit is not None else int(tx.setting(ADMIN_LIST_PAGE_SIZE, caller.actor))


async def _list_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    screen: AdminScreen,
    *,
    limit: int | None,
    offset: int | None,
    search: str | None,
    failed: FormErrors | None = None,
) -> Response:
    term = (search or "").replace("\x00", "").strip()[:200]
    try:
        page_request = PageRequest.build(list_page_size(tx, caller, limit), offset)
        extra = {"search": term or None} if screen.searchable else {}
        reader = tx if screen.reads_tx else tx.session
        page = await screen.list_page(reader, caller.actor, page_request, **extra)
        choices = await screen.choices(tx, caller.actor, None)
    except DomainError as exc:
        return error_page(request, caller, exc, screen.slug)
    context = {
        "section": screen.slug,
        "screen": screen,
        "page": page,
        "links": page_links(request, page),
        "lookups": lookups_of(choices),
        "search": term,
        "failed": failed,
    }
    status = failed.status if failed else 200
    return render_admin(request, caller, "admin/list.html", context, status_code=status)


@router.get("/admin/{slug}", response_class=HTMLResponse)
async def admin_list(
    slug: str,
    request: Request,
    caller: AdminPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
    search: str | None = None,
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
    except DomainError as exc:
        return error_page(request, caller, exc)
    return await _list_page(request, tx, caller, screen, limit=limit, offset=offset, search=search)


# --- add and edit forms -----------------------------------------------------------------------


def _form_values(screen: AdminScreen, item: BaseModel | None) -> dict[str, Any]:
    """The inputs' values: the object's for editing, the defaults for adding."""
    if item is None:
        return {"valid": True}
    values: dict[str, Any] = {"valid": getattr(item, "valid", True)}
    for form_field in screen.fields:
        value = getattr(item, form_field.name, None)
        if form_field.kind == "password":
            continue
        if form_field.kind == "multiselect":
            values[form_field.name] = [str(v) for v in value or ()]
        else:
            values[form_field.name] = "" if value is None else str(value)
    return values


async def _form_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    screen: AdminScreen,
    item_id: int | None,
    *,
    values: dict[str, Any] | None = None,
    failed: FormErrors | None = None,
) -> Response:
    try:
        reader = tx if screen.reads_tx else tx.session
        item = None if item_id is None else await screen.get(reader, caller.actor, item_id)
        choices = await screen.choices(tx, caller.actor, item_id)
    except DomainError as exc:
        return error_page(request, caller, exc, screen.slug)
    context = {
        "section": screen.slug,
        "screen": screen,
        "item": item,
        "item_id": item_id,
        "item_label": "" if item is None else screen.columns[0].show(item, {}),
        "values": values if values is not None else _form_values(screen, item),
        "choices": choices,
        "failed": failed,
    }
    status = failed.status if failed else 200
    return render_admin(request, caller, "admin/form.html", context, status_code=status)


async def _save(
    request: Request, tx: Tx, caller: AdminVisitor, screen: AdminScreen, item_id: int | None
) -> Response:
    """Create (``item_id`` None) or update from the posted form; the form again on refusal."""
    _ = gettext_for(caller)
    form = await request.form()
    try:
        payload = form_payload(form, screen.fields, editing=item_id is not None)
        if item_id is None:
            await screen.create(tx, caller.actor, screen.create_schema.model_validate(payload))
        else:
            data = screen.update_schema.model_validate(payload)
            await screen.update(tx, caller.actor, item_id, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = admin_errors(exc)
    else:
        done = "created" if item_id is None else "saved"
        return RedirectResponse(f"/admin/{screen.slug}?done={done}", status_code=303)
    # Nothing of a refused change may be stored, whatever the action did before it refused.
    await rollback(tx.session)
    return await _form_page(
        request, tx, caller, screen, item_id, values=form_refill(form, screen.fields), failed=failed
    )


@router.get("/admin/{slug}/new", response_class=HTMLResponse)
async def add_form(slug: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
    except DomainError as exc:
        return error_page(request, caller, exc)
    return await _form_page(request, tx, caller, screen, None)


@router.post("/admin/{slug}/new")
async def add(slug: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
    except DomainError as exc:
        return error_page(request, caller, exc)
    return await _save(request, tx, caller, screen, None)


@router.get("/admin/{slug}/{item_id}", response_class=HTMLResponse)
async def edit_form(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
        object_id = parse_object_id(item_id)
    except DomainError as exc:
        return error_page(request, caller, exc, slug)
    return await _form_page(request, tx, caller, screen, object_id)


@router.post("/admin/{slug}/{item_id}")
async def edit(slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
        object_id = parse_object_id(item_id)
    except DomainError as exc:
        return error_page(request, caller, exc, slug)
    return await _save(request, tx, caller, screen, object_id)


# --- valid toggle and delete (buttons in the list) --------------------------------------------


async def _list_action(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    slug: str,
    item_id: str,
    perform: Callable[[AdminScreen, int, FormData], Awaitable[object]],
) -> Response:
    """Run a list row's button: back to the list, with the refusal shown above it."""
    if refused := refuse_non_admin(request, caller):
        return refused
    try:
        screen = screen_by_slug(slug)
        object_id = parse_object_id(item_id)
    except DomainError as exc:
        return error_page(request, caller, exc, slug)
    form = await request.form()
    back = form.get("back")
    try:
        await perform(screen, object_id, form)
    except ValidationError as exc:
        failed = errors_from_validation(exc, gettext_for(caller)("Check the marked fields."))
    except DomainError as exc:
        failed = admin_errors(exc)
    else:
        # Back to the list page the button was on (a local path only).
        target = back if isinstance(back, str) and back.startswith(f"/admin/{slug}") else ""
        separator = "&" if "?" in target else "?"
        done = "deleted" if request.url.path.endswith("/delete") else "saved"
        url = f"{target}{separator}done={done}" if target else f"/admin/{slug}?done={done}"
        return RedirectResponse(url, status_code=303)
    await rollback(tx.session)
    return await _list_page(
        request, tx, caller, screen, limit=None, offset=None, search=None, failed=failed
    )


@router.post("/admin/{slug}/{item_id}/valid")
async def set_validity(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    async def perform(screen: AdminScreen, object_id: int, form: FormData) -> object:
        data = screen.update_schema.model_validate({"valid": form.get("valid") == "true"})
        return await screen.update(tx, caller.actor, object_id, data)

    return await _list_action(request, tx, caller, slug, item_id, perform)


@router.post("/admin/{slug}/{item_id}/delete")
async def delete(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    async def perform(screen: AdminScreen, object_id: int, form: FormData) -> object:
        await screen.delete(tx, caller.actor, object_id)
        return None

    return await _list_action(request, tx, caller, slug, item_id, perform)
