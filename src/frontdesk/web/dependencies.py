"""Request dependencies: the unit of work, who is calling, and CSRF protection.

The transaction of a request commits when the route function returns without error and before
the response is sent (``scope="function"``), so a failed commit becomes an error response and a
client never sees success for something that was not stored.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from frontdesk.core.actor import Actor
from frontdesk.core.errors import AuthenticationRequired, DomainError, PermissionDenied
from frontdesk.db.unit_of_work import commit, rollback
from frontdesk.domain.accounts import access as account_access
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.accounts.models import AuthToken
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState

AGENT_COOKIE = "frontdesk_agent"
CUSTOMER_COOKIE = "frontdesk_customer"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.frontdesk
    return state


def client_address(request: Request) -> str | None:
    """The caller's address (the proxy's X-Forwarded-For when serve trusts it)."""
    return request.client.host if request.client else None


async def _open_tx(request: Request) -> AsyncIterator[Tx]:
    state = web_state(request)
    async with state.session_factory() as session:
        tx = Tx(session=session, runtime=state.runtime)
        try:
            yield tx
        except BaseException:
            await rollback(session)
            raise
        await commit(session)


TxDep = Annotated[Tx, Depends(_open_tx, scope="function")]


@dataclass(frozen=True)
class Caller:
    """The authenticated caller and how they authenticated."""

    actor: Actor
    token: AuthToken
    secret: str
    via: Literal["bearer", "cookie"]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def _resolve(
    tx: Tx, secret: str, via: Literal["bearer", "cookie"], realm: str | None
) -> Caller | None:
    token = await account_queries.find_live_token(tx.session, secret)
    if token is None or (realm is not None and token.realm != realm):
        return None
    actor = await account_queries.actor_for_token(tx.session, token, tx.runtime.config)
    if actor is None:
        return None
    await account_actions.do_touch_session(tx, token)
    return Caller(actor=actor, token=token, secret=secret, via=via)


def _check_csrf(request: Request, caller: Caller, form_token: str | None = None) -> None:
    if caller.via != "cookie" or request.method in SAFE_METHODS:
        return
    presented = request.headers.get(CSRF_HEADER) or form_token or ""
    expected = caller.token.csrf_token or ""
    if not expected or not hmac.compare_digest(presented, expected):
        raise PermissionDenied(
            "The form has expired. Reload the page and try again.", code="csrf_failed"
        )


async def api_caller(request: Request, tx: TxDep) -> Caller:
    """API: a bearer token, or a browser session cookie plus the CSRF header for writes."""
    secret = _bearer(request)
    if secret is not None:
        caller = await _resolve(tx, secret, "bearer", None)
    else:
        caller = None
        for cookie in (AGENT_COOKIE, CUSTOMER_COOKIE):
            value = request.cookies.get(cookie)
            if value:
                caller = await _resolve(tx, value, "cookie", None)
                if caller is not None:
                    break
    if caller is None:
        raise AuthenticationRequired("Log in first: send a valid bearer token.")
    _check_csrf(request, caller)
    return caller


ApiCaller = Annotated[Caller, Depends(api_caller)]


async def api_agent(caller: ApiCaller) -> Actor:
    if not caller.actor.is_agent:
        raise PermissionDenied("Only agents may do this.")
    return caller.actor


async def api_admin(caller: ApiCaller, tx: TxDep) -> Actor:
    await account_access.check_admin(tx.session, caller.actor)
    return caller.actor


ApiAgent = Annotated[Actor, Depends(api_agent)]
ApiAdmin = Annotated[Actor, Depends(api_admin)]


class PageLoginRequired(DomainError):
    """Raised by page dependencies; the app turns it into a redirect to the login page."""

    status = 303
    code = "login_required"

    def __init__(self, login_url: str, next_url: str) -> None:
        super().__init__("Please log in.")
        self.login_url = login_url
        self.next_url = next_url


async def page_caller(request: Request, tx: TxDep, realm: Literal["agent", "customer"]) -> Caller:
    cookie = AGENT_COOKIE if realm == "agent" else CUSTOMER_COOKIE
    value = request.cookies.get(cookie)
    caller = await _resolve(tx, value, "cookie", realm) if value else None
    if caller is None:
        login_url = "/login" if realm == "agent" else "/customer/login"
        raise PageLoginRequired(login_url, str(request.url.path))
    if request.method not in SAFE_METHODS:
        form_token: str | None = None
        content_type = request.headers.get("content-type", "")
        if "form" in content_type:
            form = await request.form()
            raw = form.get("csrf_token")
            form_token = raw if isinstance(raw, str) else None
            try:
                _check_csrf(request, caller, form_token)
            except PermissionDenied:
                await form.close()  # uploaded temporary files go away with the refusal
                raise
        else:
            _check_csrf(request, caller, form_token)
    return caller


async def agent_page_caller(request: Request, tx: TxDep) -> Caller:
    return await page_caller(request, tx, "agent")


async def customer_page_caller(request: Request, tx: TxDep) -> Caller:
    return await page_caller(request, tx, "customer")


AgentPage = Annotated[Caller, Depends(agent_page_caller)]
CustomerPage = Annotated[Caller, Depends(customer_page_caller)]
