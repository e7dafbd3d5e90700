"""The agent's own preferences and password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.accounts.schemas import KNOWN_LANGUAGES, PasswordChange, PreferencesInput
from frontdesk.domain.accounts.settings import THEMES
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_page, gettext_for, timezones
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_values,
    page_values,
)

router = APIRouter(include_in_schema=False)

# --- preferences ------------------------------------------------------------------------------


async def _preferences_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    failed: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "nav": "preferences",
        "languages": KNOWN_LANGUAGES,
        "timezones": timezones(),
        "themes": THEMES,
        "locale": await account_queries.own_locale(tx.session, caller.actor, tx.runtime.config),
        "failed": failed,
        "values": values or {},
    }
    status = failed.status if failed else 200
    return await agent_page(
        request, tx, caller, "agent/preferences.html", context, status_code=status
    )


@router.get("/agent/preferences", response_class=HTMLResponse)
async def preferences(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    return await _preferences_page(request, tx, caller)


@router.post("/agent/preferences")
async def save_preferences(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = gettext_for(caller)
    form = await request.form()
    try:
        data = PreferencesInput.model_validate(form_values(form, ("language", "timezone", "theme")))
        await account_actions.do_update_preferences(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), "preferences")
    except DomainError as exc:
        failed = errors_from_domain(exc, "preferences")
    else:
        return RedirectResponse("/agent/preferences?done=preferences", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _preferences_page(
        request, tx, caller, failed=failed, values=page_values(dict(form))
    )


@router.post("/agent/preferences/password")
async def change_password(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = gettext_for(caller)
    form = await request.form()
    # Passwords are taken as typed: spaces count.
    current = form.get("current_password")
    new = form.get("new_password")
    repeat = form.get("new_password_repeat")
    try:
        if new != repeat:
            raise ValidationFailed("new_password_repeat", _("The two new passwords differ."))
        data = PasswordChange(
            current_password=current if isinstance(current, str) else "",
            new_password=new if isinstance(new, str) else "",
        )
        await account_actions.do_change_password(tx, caller.actor, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."), "password")
    except DomainError as exc:
        failed = errors_from_domain(exc, "password")
    else:
        return RedirectResponse("/agent/preferences?done=password", status_code=303)
    await discard_refused_changes(tx, caller)
    return await _preferences_page(request, tx, caller, failed=failed)
