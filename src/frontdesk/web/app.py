"""create_app(settings) -> FastAPI. The lifespan starts the database, bus, settings and jobs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from frontdesk import __version__
from frontdesk.bus import create_bus
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.domain.runtime import Runtime
from frontdesk.feature_index import feature_job_registrations, load_features
from frontdesk.jobs.catalogue import register_feature_jobs
from frontdesk.jobs.scheduler import JobScheduler
from frontdesk.sysconfig.store import SettingsStore
from frontdesk.web import csp_report
from frontdesk.web.body_limit import BodySizeLimit
from frontdesk.web.errors import install_error_handlers
from frontdesk.web.realtime import websocket as live_socket
from frontdesk.web.routes import include_routes
from frontdesk.web.security_headers import SecurityHeaders
from frontdesk.web.state import WebState

STATIC = Path(__file__).parent / "static"
SERVER_GC_THRESHOLDS = (50_000, 50, 100)
SWAGGER_UI = "swagger-ui-5.35.0"


class FrontdeskApp(FastAPI):
    """FastAPI, with the live socket (/api/v1/ws) served before the middleware and routing.

    Most of a chat server's sockets sit idle for hours, and each layer between the server and
    the endpoint (the error and exit-stack middleware, the body limit, FastAPI's telemetry,
    router and dependency wrappers) keeps a frame alive for as long as its socket: 37 → 23 KiB
    per idle socket without them (bench/chat_idle.py, 10,000 sockets). None of those layers
    does anything for a socket, and the endpoint handles its own errors.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if path.startswith(root) and path[len(root) :] == live_socket.PATH:
                scope["app"] = self
                await live_socket.serve(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: ProcessSettings | None = None, *, freeze_heap: bool = False) -> FastAPI:
    """The application. ``freeze_heap`` (set by the server entry point) moves everything built
    at start-up out of the garbage collector's sight — long-lived objects are never garbage, and
    scanning them made collection pauses the largest part of a slow request's p95
    (bench/ticket_zoom.py: 300 → 130 ms) — and makes young collections rarer."""
    settings = settings or ProcessSettings()
    load_features()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        factory = create_session_factory(engine)
        bus = create_bus(settings.redis_url, channel=settings.bus_channel)
        await bus.start()
        config = SettingsStore(factory, bus)
        await config.start()
        runtime = Runtime(bus=bus, config=config, settings=settings)
        app.state.frontdesk = WebState(engine=engine, session_factory=factory, runtime=runtime)
        scheduler: JobScheduler | None = None
        if settings.run_jobs:
            # Safe in every web process: each period runs once cluster-wide (jobs.md).
            scheduler = JobScheduler(factory, bus=bus)
            register_feature_jobs(scheduler, feature_job_registrations(runtime))
            await scheduler.start()
        if freeze_heap:
            gc.collect()
            gc.freeze()
            # Python's default (700, 10, 10) collects the young generation so often that the
            # objects of every message still in flight (waiting for the database) survive into
            # the old one, and full collections over thousands of sockets' objects then paused
            # the process 100–200 ms every few seconds: the whole p99 of a busy chat server.
            # Rarer young collections let those objects die young (bench/chat_load.py, rate
            # mode with 1,000 chats: p99 161 → 36 ms). Memory grows by the larger nursery only.
            gc.set_threshold(*SERVER_GC_THRESHOLDS)
        try:
            yield
        finally:
            hub = getattr(app.state.frontdesk, "chat_hub", None)
            if hub is not None:
                await hub.close()
            if scheduler is not None:
                await scheduler.shutdown()
            await config.stop()
            await bus.stop()
            await engine.dispose()

    app = FrontdeskApp(
        title="Frontdesk",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # served below from vendored assets: works without internet access
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    # Added last, so it runs outside the body limit and sees its 413s too.
    app.add_middleware(SecurityHeaders, strict_transport=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    include_routes(app)
    app.include_router(csp_report.router)

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS_PAGE)

    return app


# FastAPI's get_swagger_ui_html starts Swagger UI from an inline script, which the page CSP
# (script-src 'self') blocks; static/js/api-docs.js does the same from a file.
API_DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Frontdesk API</title>
<link rel="stylesheet" href="/static/vendor/{SWAGGER_UI}/swagger-ui.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
<script src="/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""
