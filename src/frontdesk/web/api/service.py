"""Service endpoints: health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from frontdesk.web.dependencies import web_state

router = APIRouter(tags=["service"])


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 when the database and the bus answer; 503 naming what is down."""
    state = web_state(request)
    database = "ok"
    try:
        async with state.session_factory() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        database = "down"
    bus = "ok" if await state.runtime.bus.ping() else "down"
    body = {
        "status": "ok" if database == bus == "ok" else "degraded",
        "database": database,
        "bus": bus,
    }
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
