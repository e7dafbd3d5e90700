"""Auth API: tokens and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.accounts import actions
from frontdesk.domain.accounts.login import attempt_login, describe_user
from frontdesk.domain.accounts.schemas import LoginInput, TokenOut, UserOut
from frontdesk.web.dependencies import ApiCaller, TxDep, client_address, web_state

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenOut)
async def create_token(data: LoginInput, request: Request) -> TokenOut:
    """Exchange login and password for a bearer token (401 on bad credentials, 429 when
    too many failures)."""
    state = web_state(request)
    issued, user = await attempt_login(
        state.session_factory,
        state.runtime,
        data,
        kind="api",
        client_address=client_address(request),
    )
    expires_at = isoformat_z(issued.expires_at)
    assert expires_at is not None
    return TokenOut(token=issued.secret, expires_at=expires_at, user=user)


@router.delete("/auth/token", status_code=204)
async def revoke_token(caller: ApiCaller, tx: TxDep) -> Response:
    await actions.do_logout(tx, caller.actor, caller.secret)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut)
async def me(caller: ApiCaller, tx: TxDep) -> UserOut:
    return await describe_user(tx.session, caller.actor.kind, caller.actor.id, tx.runtime.config)
