"""``kill -9`` of a worker in the middle of a delivery loses nothing: after its lease expires, a
restarted ``frontdesk worker`` sends the mail (real OS processes, real relay)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from frontdesk.web.state import WebState
from tests.domain.outbox.mail import SENDER, items, queue_mail, raw_mail, use_relay
from tests.domain.outbox.relay import Received, RecordingHandler, smtp_relay

WAIT_SECONDS = 60


def start_worker(db_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FRONTDESK_DATABASE_URL": db_url, "FRONTDESK_DEMO": "0"}
    env.pop("FRONTDESK_REDIS_URL", None)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "frontdesk.cli", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def worker_log(log: Path) -> str:
    return log.read_text()


async def wait_for_status(web: WebState, status: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        (item,) = await items(web)
        if item.status == status:
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"the item did not become {status} within {WAIT_SECONDS} s:\n{worker_log(log)}")


async def test_a_worker_killed_while_sending_loses_nothing(
    web: WebState, db_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    # The relay holds the first DATA until the worker that sent it is dead.
    handler = RecordingHandler(hold=True)
    with smtp_relay(handler) as relay:
        await use_relay(web, relay.port, **{"Outbox::LeaseSeconds": 2})
        await queue_mail(web, 9)  # committed; no worker is running yet

        first = start_worker(db_url, log)
        try:
            entered = await asyncio.to_thread(handler.entered.wait, WAIT_SECONDS)
            assert entered, worker_log(log)
            (item,) = await items(web)
            assert (item.status, item.attempts) == ("sending", 1)
            assert item.claimed_by is not None and item.claimed_by.endswith(f":{first.pid}")
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=WAIT_SECONDS)
        assert first.returncode == -signal.SIGKILL
        handler.release.set()  # the answer goes to a dead connection: nothing was delivered

        second = start_worker(db_url, log)
        try:
            await wait_for_status(web, "sent", log)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=WAIT_SECONDS)

    assert relay.received == [
        Received(sender=SENDER, recipients=["cora@example.com"], data=raw_mail(9))
    ]
    (item,) = await items(web)
    assert (item.status, item.attempts, item.last_error) == ("sent", 2, None)
    assert item.claimed_by is None
