"""Which real services the tests can reach, and how a missing one is reported.

Locally a missing PostgreSQL, Redis or Chromium skips the tests that need it, with the reason.
With CI=true a missing service fails the run: CI must test everything.
"""

from __future__ import annotations

import os
import shutil
import socket
from functools import cache

import pytest

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("FRONTDESK_TEST_CHROMIUM", "/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@cache
def postgres_available() -> bool:
    return _port_open("127.0.0.1", 5432)


@cache
def redis_available() -> bool:
    return _port_open("127.0.0.1", 6379)


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)


def require(available: bool, what: str) -> None:
    """Skip (locally) or fail (CI) when a service is missing."""
    if available:
        return
    reason = f"{what} is not reachable on this machine"
    if in_ci():
        pytest.fail(f"{reason}, and CI=true requires it", pytrace=False)
    pytest.skip(reason)
