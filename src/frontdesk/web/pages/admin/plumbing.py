"""What every admin page needs: the admin visitor, rendering, errors, ids, paging links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.core.pagination import Page
from frontdesk.domain.accounts import access as account_access
from frontdesk.domain.ticket_catalogue.schemas import (
    MAX_ID,
)
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.admin.screen import AdminScreen, Choices
from frontdesk.web.pages.admin.screens import SCREENS
from frontdesk.web.templating import render, translations_for

# --- page plumbing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminVisitor:
    """An agent on an admin page: plain values, which stay readable after a rollback."""

    actor: Actor
    csrf_token: str
    # Why they may not use the admin pages; None for administrators.
    refusal: PermissionDenied | None


async def admin_visitor(caller: AgentPage, tx: TxDep) -> AdminVisitor:
    try:
        await account_access.check_admin(tx.session, caller.actor)
    except PermissionDenied as exc:
        refusal: PermissionDenied | None = exc
    else:
        refusal = None
    return AdminVisitor(caller.actor, caller.token.csrf_token or "", refusal)


AdminPage = Annotated[AdminVisitor, Depends(admin_visitor)]


def gettext_for(caller: AdminVisitor) -> Callable[[str], str]:
    return translations_for(caller.actor.language).gettext


def _flash(caller: AdminVisitor, done: str | None) -> str | None:
    _ = gettext_for(caller)
    messages = {
        "created": _("Created."),
        "saved": _("Saved."),
        "deleted": _("Deleted."),
        "permissions": _("Permissions saved."),
    }
    return messages.get(done) if done else None


def render_admin(
    request: Request,
    caller: AdminVisitor,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "nav": "admin",
        "is_admin": True,
        "screens": SCREENS,
        "flash": _flash(caller, request.query_params.get("done")),
        **context,
    }
    return render(
        request,
        template,
        values,
        actor=caller.actor,
        csrf_token=caller.csrf_token,
        status_code=status_code,
    )


def error_page(
    request: Request, caller: AdminVisitor, exc: DomainError, section: str = ""
) -> Response:
    # Someone who is not an administrator sees the plain agent layout, without the admin menu.
    is_admin = not isinstance(exc, PermissionDenied)
    return render(
        request,
        "admin/error.html",
        {
            "nav": "admin" if is_admin else "",
            "is_admin": is_admin,
            "screens": SCREENS,
            "section": section,
            "error": exc.message,
            "status": exc.status,
        },
        actor=caller.actor,
        csrf_token=caller.csrf_token,
        status_code=exc.status,
    )


def refuse_non_admin(request: Request, caller: AdminVisitor) -> Response | None:
    """The 403 page for anyone who is not an administrator; None for administrators."""
    if caller.refusal is not None:
        return error_page(request, caller, caller.refusal)
    return None


def screen_by_slug(slug: str) -> AdminScreen:
    screen = SCREENS.get(slug)
    if screen is None:
        raise NotFound("There is no such admin page.")
    return screen


def parse_object_id(raw: str) -> int:
    """A path id; anything that cannot be a row id is simply not found."""
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise NotFound("There is no such object.")
    return int(raw)


def page_links(request: Request, page: Page[Any]) -> dict[str, str | None]:
    """Previous/Next addresses that keep the search but not a one-time flash message."""
    base = request.url.remove_query_params("done")

    def at(offset: int) -> str:
        url = base.include_query_params(offset=offset, limit=page.limit)
        return f"{url.path}?{url.query}"

    return {
        "previous": at(max(page.offset - page.limit, 0)) if page.has_previous else None,
        "next": at(page.offset + page.limit) if page.has_next else None,
    }


def lookups_of(choices: Choices) -> dict[str, dict[str, str]]:
    return {name: dict(options) for name, options in choices.items()}
