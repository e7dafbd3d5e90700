"""Routes of the permission matrices: show and save, one pair per matrix."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdesk.core.errors import DomainError
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.runtime import Tx
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.matrices import MATRICES, PermissionMatrix
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    AdminVisitor,
    error_page,
    page_links,
    parse_object_id,
    refuse_non_admin,
    render_admin,
)
from frontdesk.web.pages.admin.router import router
from frontdesk.web.pages.admin.screen_pages import list_page_size
from frontdesk.web.pages.admin_forms import (
    admin_errors,
)
from frontdesk.web.pages.forms import FormErrors

# --- permission matrix routes -----------------------------------------------------------------


async def matrix_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    matrix: PermissionMatrix,
    owner_id: int,
    *,
    limit: int | None,
    offset: int | None,
    failed: FormErrors | None = None,
) -> Response:
    try:
        page_request = PageRequest.build(list_page_size(tx, caller, limit), offset)
        owner_name, rows = await matrix.load(tx, caller.actor, owner_id, page_request)
    except DomainError as exc:
        return error_page(request, caller, exc, matrix.owner_slug)
    context = {
        "section": matrix.owner_slug,
        "matrix": matrix,
        "owner_name": owner_name,
        "page": rows,
        "links": page_links(request, rows),
        "failed": failed,
    }
    status = failed.status if failed else 200
    return render_admin(request, caller, "admin/matrix.html", context, status_code=status)


def _matrix_routes(matrix: PermissionMatrix) -> None:
    path = f"/admin/{matrix.owner_slug}/{{owner_id}}/{matrix.part}"

    async def show(
        owner_id: str,
        request: Request,
        caller: AdminPage,
        tx: TxDep,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Response:
        if refused := refuse_non_admin(request, caller):
            return refused
        try:
            object_id = parse_object_id(owner_id)
        except DomainError as exc:
            return error_page(request, caller, exc, matrix.owner_slug)
        return await matrix_page(request, tx, caller, matrix, object_id, limit=limit, offset=offset)

    async def save(
        owner_id: str,
        request: Request,
        caller: AdminPage,
        tx: TxDep,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Response:
        if refused := refuse_non_admin(request, caller):
            return refused
        try:
            object_id = parse_object_id(owner_id)
        except DomainError as exc:
            return error_page(request, caller, exc, matrix.owner_slug)
        form = await request.form()
        try:
            for raw_row in form.getlist("row"):
                row_id = parse_object_id(raw_row if isinstance(raw_row, str) else "")
                wanted = [v for v in form.getlist(f"grant-{row_id}") if isinstance(v, str)]
                held_text = form.get(f"held-{row_id}")
                held = frozenset(held_text.split()) if isinstance(held_text, str) else frozenset()
                # Only rows that changed: an unchanged row needs no write and no event.
                if frozenset(wanted) != held:
                    await matrix.save(tx, caller.actor, object_id, row_id, wanted, held)
        except DomainError as exc:
            # Nothing of a refused save may be stored, not even the rows before the refusal.
            await rollback(tx.session)
            return await matrix_page(
                request,
                tx,
                caller,
                matrix,
                object_id,
                limit=limit,
                offset=offset,
                failed=admin_errors(exc),
            )
        url = request.url.include_query_params(done="permissions")
        return RedirectResponse(f"{url.path}?{url.query}", status_code=303)

    show.__name__ = f"{matrix.owner_slug}_{matrix.part}_matrix".replace("-", "_")
    save.__name__ = f"save_{show.__name__}"
    router.add_api_route(path, show, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(path, save, methods=["POST"])


for _matrix in MATRICES:
    _matrix_routes(_matrix)
