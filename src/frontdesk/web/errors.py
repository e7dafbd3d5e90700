"""Turn domain errors and validation errors into the API error shape, pages into redirects.

``{"error": {"code": "snake_case_code", "message": "human sentence", "details": …}}``
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdesk.core.errors import DomainError, RateLimited
from frontdesk.web.dependencies import PageLoginRequired
from frontdesk.web.templating import render

log = structlog.get_logger(__name__)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "article", "body")`` → ``article.body``: only the leading location goes."""
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def _wants_html(request: Request) -> bool:
    """Pages get HTML errors, the API and service endpoints JSON."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/healthz")


def _html_error(request: Request, status: int, message: str) -> Response:
    return render(
        request, "layout/error.html", {"status": status, "message": message}, status_code=status
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PageLoginRequired)
    async def _login_required(request: Request, exc: PageLoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": exc.login_url})
        return RedirectResponse(f"{exc.login_url}?next={exc.next_url}", status_code=303)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> Response:
        headers = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after_seconds)
        if _wants_html(request):
            return _html_error(request, exc.status, exc.message)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"field": _field_name(err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
            for err in exc.errors()
        ]
        first = details[0] if details else {"field": "body", "message": "invalid"}
        if _wants_html(request):
            return _html_error(request, 422, f"{first['field']}: {first['message']}")
        return JSONResponse(
            error_body("validation_failed", f"{first['field']}: {first['message']}", details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        if _wants_html(request) and exc.status_code in (404, 405, 413):
            return _html_error(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            error_body(codes.get(exc.status_code, "http_error"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Never show internals: the log has the traceback, the client a neutral sentence.
        log.exception("unhandled_error", path=request.url.path)
        if _wants_html(request):
            return _html_error(request, 500, "Something went wrong on our side.")
        return JSONResponse(
            error_body("internal_error", "Something went wrong on our side."), status_code=500
        )
