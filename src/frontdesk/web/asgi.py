"""ASGI entry point for uvicorn workers: settings from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from frontdesk.core.process_settings import ProcessSettings
from frontdesk.core.structured_logging import configure_logging
from frontdesk.web.app import create_app


def create_app_from_env() -> FastAPI:
    settings = ProcessSettings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, freeze_heap=True)
