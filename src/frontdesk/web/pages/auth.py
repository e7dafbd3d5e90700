"""Login and logout pages for agents (/login) and customers (/customer/login)."""

from __future__ import annotations

from typing import Literal

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.domain.accounts import actions
from frontdesk.domain.accounts.login import attempt_login
from frontdesk.domain.accounts.schemas import LoginInput
from frontdesk.web.dependencies import (
    AGENT_COOKIE,
    CUSTOMER_COOKIE,
    AgentPage,
    CustomerPage,
    TxDep,
    client_address,
    web_state,
)
from frontdesk.web.form_origin import foreign_sender
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)
log = structlog.get_logger(__name__)

_HOME = {"agent": "/agent", "customer": "/customer"}
_COOKIE = {"agent": AGENT_COOKIE, "customer": CUSTOMER_COOKIE}


def _safe_next(next_url: str | None, realm: Literal["agent", "customer"]) -> str:
    # Only local paths: never redirect to another site after login.
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return _HOME[realm]


def _login_page(
    request: Request,
    realm: Literal["agent", "customer"],
    *,
    error: str | None = None,
    login: str = "",
    next_url: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "auth/login.html",
        {"realm": realm, "error": error, "login": login, "next_url": next_url or ""},
        status_code=status_code,
    )


async def _login(
    request: Request,
    realm: Literal["agent", "customer"],
    login: str,
    password: str,
    next_url: str | None,
) -> Response:
    _ = translations_for("en").gettext
    sender = foreign_sender(request)
    if sender is not None:
        # Login CSRF: another site must not log this browser in (see web/form_origin.py).
        log.warning("login_refused_foreign_origin", realm=realm, sender=sender)
        return _login_page(
            request,
            realm,
            error=_(
                "This login was sent from another web site and was refused. "
                "Log in here on this page instead."
            ),
            login=login,
            next_url=next_url,
            status_code=403,
        )
    try:
        data = LoginInput(login=login, password=password, realm=realm)
    except ValidationError:
        return _login_page(
            request,
            realm,
            error=_("Enter your login name and password."),
            login=login,
            next_url=next_url,
            status_code=422,
        )
    state = web_state(request)
    try:
        issued, _user = await attempt_login(
            state.session_factory,
            state.runtime,
            data,
            kind="session",
            client_address=client_address(request),
        )
    except DomainError as exc:
        message = (
            _("Too many failed logins. Try again in a few minutes.")
            if exc.status == 429
            else _("Login failed. Check your login name and password.")
        )
        return _login_page(
            request, realm, error=message, login=login, next_url=next_url, status_code=exc.status
        )
    response = RedirectResponse(_safe_next(next_url, realm), status_code=303)
    response.set_cookie(
        _COOKIE[realm],
        issued.secret,
        httponly=True,
        samesite="lax",
        secure=state.runtime.settings.secure_cookies,
        # No max_age: the server ends the session after FRONTDESK_SESSION_HOURS idle hours and
        # slides that on every request; a fixed cookie lifetime would end busy sessions too.
        path="/",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def agent_login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, "agent", next_url=next)


@router.post("/login")
async def agent_login(
    request: Request, login: str = Form(""), password: str = Form(""), next: str | None = Form(None)
) -> Response:
    return await _login(request, "agent", login, password, next)


@router.get("/customer/login", response_class=HTMLResponse)
async def customer_login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, "customer", next_url=next)


@router.post("/customer/login")
async def customer_login(
    request: Request, login: str = Form(""), password: str = Form(""), next: str | None = Form(None)
) -> Response:
    return await _login(request, "customer", login, password, next)


@router.post("/logout")
async def agent_logout(caller: AgentPage, tx: TxDep) -> Response:
    await actions.do_logout(tx, caller.actor, caller.secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(AGENT_COOKIE, path="/")
    return response


@router.post("/customer/logout")
async def customer_logout(caller: CustomerPage, tx: TxDep) -> Response:
    await actions.do_logout(tx, caller.actor, caller.secret)
    response = RedirectResponse("/customer/login", status_code=303)
    response.delete_cookie(CUSTOMER_COOKIE, path="/")
    return response


@router.get("/")
async def root() -> Response:
    return RedirectResponse("/agent", status_code=303)
