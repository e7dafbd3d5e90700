"""Which real services the tests can reach, and how a missing one is reported.

Locally a missing PostgreSQL, Redis or Chromium skips the tests that need it, with the reason.
With CI=true a missing service fails the run: CI must test everything.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

import asyncpg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("FRONTDESK_TEST_CHROMIUM", "/usr/bin/chromium")


# Servers a test starts in a process of their own listen on ports below Linux's ephemeral range
# (32768-60999), in a block per xdist worker. A port found free with bind(("127.0.0.1", 0)) can be
# handed to another worker's server, or to an outgoing connection, before the new server binds it;
# the losing server exits while the test talks to the winner, and is reset when that one stops.
_FIRST_PORT = 20000
_PORTS_PER_WORKER = 1000
_WORKER_BLOCKS = 12
_port_sequence = itertools.count(random.randrange(_PORTS_PER_WORKER))


def reserve_port() -> int:
    """A port on 127.0.0.1 that no other worker of this test session hands out, free right now."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    block = int(worker) % _WORKER_BLOCKS if worker.isdigit() else 0
    first = _FIRST_PORT + block * _PORTS_PER_WORKER
    for _ in range(_PORTS_PER_WORKER):
        port = first + next(_port_sequence) % _PORTS_PER_WORKER
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {first}-{first + _PORTS_PER_WORKER - 1}")


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


@asynccontextmanager
async def empty_postgres(prefix: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database of its own (skip locally, fail in CI when there is no
    server), dropped afterwards."""
    require(postgres_available(), "PostgreSQL at 127.0.0.1:5432")
    server = make_url(POSTGRES_URL)
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = await asyncpg.connect(dsn, timeout=3)
    except Exception as exc:
        reason = f"cannot connect to PostgreSQL: {type(exc).__name__}"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
