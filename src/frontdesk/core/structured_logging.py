"""Structured logs (structlog): key=value on a console, JSON lines in production.

Values under keys that look secret are replaced, and so are secrets written into message text
as ``name=value`` (uvicorn logs a WebSocket's path with its ``?token=`` query), so a password or
token never reaches a log.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_SECRET_KEYS = ("password", "token", "secret", "authorization", "cookie", "csrf")


_SECRET_NAMES = "|".join(_SECRET_KEYS)
_SECRET_IN_TEXT = re.compile(rf"((?:{_SECRET_NAMES})[a-z_]*=)[^&\s\"']+", re.IGNORECASE)


def _redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if any(marker in key.lower() for marker in _SECRET_KEYS):
            event[key] = "***"
        elif isinstance(event[key], str) and "=" in event[key]:
            event[key] = _SECRET_IN_TEXT.sub(r"\1***", event[key])
    return event


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Our own events and those of the libraries (uvicorn, APScheduler, Alembic), which log
    through the standard library, come out in one format: JSON lines or the console's."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer()
    )
    numeric = logging.getLevelName(level.upper())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    handler = logging.StreamHandler(sys.stdout)  # one stream, like structlog's own lines
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(numeric)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn installs plain-text handlers of its own; let its records reach ours.
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
    # Every run is logged by the scheduler as job_succeeded / job_failed with its period.
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.WARNING))
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=True,
    )
