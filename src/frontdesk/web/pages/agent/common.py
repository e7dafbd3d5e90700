"""What every agent page shares: the page frame with its flash message, error pages, the
agent's gettext and the list of time zones."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from frontdesk.core.clock import known_timezones
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.domain.accounts import access as account_access
from frontdesk.web.dependencies import Caller, TxDep
from frontdesk.web.pages.forms import (
    localtime_for,
)
from frontdesk.web.templating import render, translations_for


@cache
def timezones() -> list[str]:
    return sorted(known_timezones())


def gettext_for(caller: Caller) -> Callable[[str], str]:
    return translations_for(caller.actor.language).gettext


def done_messages(caller: Caller) -> dict[str, str]:
    _ = gettext_for(caller)
    return {
        "created": _("Ticket created."),
        "note": _("Note added."),
        "email": _("E-mail queued for sending."),
        "owner": _("Owner changed."),
        "state": _("State changed."),
        "priority": _("Priority changed."),
        "move": _("Ticket moved."),
        "lock": _("Lock changed."),
        "preferences": _("Preferences saved."),
        "password": _("Password changed."),
        "columns": _("Columns saved."),
        "density": _("Density saved."),
        "view_saved": _("View saved."),
        "view_deleted": _("Saved view deleted."),
    }


async def agent_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    done = request.query_params.get("done")
    values: dict[str, Any] = {
        "is_admin": await account_access.is_admin(tx.session, caller.actor),
        "localtime": localtime_for(caller.actor),
        "flash": done_messages(caller).get(done) if done else None,
        **context,
    }
    return render(
        request,
        template,
        values,
        actor=caller.actor,
        csrf_token=caller.token.csrf_token,
        status_code=status_code,
    )


async def agent_error_page(
    request: Request, tx: TxDep, caller: Caller, exc: DomainError, nav: str = ""
) -> HTMLResponse:
    template = "agent/not_found.html" if isinstance(exc, NotFound) else "agent/error.html"
    return await agent_page(
        request, tx, caller, template, {"nav": nav, "error": exc.message}, status_code=exc.status
    )
