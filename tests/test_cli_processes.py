"""The long-running commands as an operator starts them: `frontdesk worker` and
`frontdesk serve --workers N`, real processes on the test database, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from frontdesk.core.process_settings import ProcessSettings
from tests.bus.conftest import require_redis
from tests.services import reserve_port

STOP_SECONDS = 30


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": db_url,
        "FRONTDESK_DEMO": "0",
        "FRONTDESK_ADMIN_PASSWORD": "cli-admin-password-1",
        "FRONTDESK_LOG_FORMAT": "json",
    }
    env.pop("FRONTDESK_REDIS_URL", None)
    env.update(extra)
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "frontdesk.cli", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for(condition: str, check: object, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early ({process.returncode}):\n{log.read_text()}")
        if callable(check) and check():
            return
        time.sleep(0.2)
    pytest.fail(f"{condition} within 60 s:\n{log.read_text()}")


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)
        raise


async def test_worker_runs_the_feature_jobs_and_stops_cleanly(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    process = _start(["worker"], _env(db_url), log)
    try:
        _wait_for(
            "no worker_running line", lambda: "worker_running" in log.read_text(), process, log
        )
    finally:
        code = _stop(process)
    text = log.read_text()
    assert code == 0, text
    started = re.search(r'"periodic": \[([^\]]*)\]', text)
    assert started is not None, text
    jobs = {name.strip(' "') for name in started.group(1).split(",")}
    assert jobs == {
        "jobs.housekeeping",
        "accounts.housekeeping",
        "tickets.pending_auto_close",
        "tickets.unlock_timeout",
        "chat.housekeeping",
        "outbox.deliver",
        "escalations.announce",
        "mail_inbound.fetch",
        "notifications.dispatch",
        "notifications.pending_reminders",
        "notifications.housekeeping",
    }
    assert "worker_stopped" in text
    assert "Traceback" not in text
    # FRONTDESK_LOG_FORMAT=json: every line, the libraries' too, is one JSON object.
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"event", "level", "timestamp"} <= record.keys() for record in records)
    assert any(record.get("logger") == "alembic.runtime.migration" for record in records)


def test_serve_refuses_several_workers_without_redis(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "serve", "--workers", "2"],
        env=_env(f"sqlite+aiosqlite:///{tmp_path / 'f.db'}"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Several workers share live events through Redis: set FRONTDESK_REDIS_URL." in (
        result.stderr
    )
    assert not (tmp_path / "f.db").exists()  # refused before touching the database


@pytest.mark.redis
async def test_serve_with_two_workers_serves_from_both(db_url: str, tmp_path: Path) -> None:
    redis_url = await require_redis()
    port = reserve_port()
    log = tmp_path / "serve.log"
    env = _env(
        db_url,
        FRONTDESK_REDIS_URL=redis_url,
        FRONTDESK_BUS_CHANNEL=f"frontdesk-cli-test:{uuid.uuid4().hex}",
        FRONTDESK_RUN_JOBS="0",
    )
    process = _start(["serve", "--workers", "2", "--port", str(port)], env, log)
    base = f"http://127.0.0.1:{port}"

    def both_started() -> bool:
        return len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) == 2

    try:
        _wait_for("the server did not answer", lambda: _healthy(base), process, log)
        _wait_for("two server processes did not start", both_started, process, log)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            answers = [await client.get("/healthz") for _ in range(20)]
            assert {a.status_code for a in answers} == {200}
            assert answers[0].json() == {"status": "ok", "database": "ok", "bus": "ok"}
            token = await client.post(
                "/api/v1/auth/token",
                json={"login": "admin", "password": "cli-admin-password-1", "realm": "agent"},
            )
            assert token.status_code == 200, token.text
    finally:
        code = _stop(process)
    assert code == 0, log.read_text()


def test_serve_refuses_an_invalid_environment_naming_the_variables(tmp_path: Path) -> None:
    env = _env(
        f"sqlite+aiosqlite:///{tmp_path / 'f.db'}",
        FRONTDESK_PORT="eighty",
        FRONTDESK_SESSION_HOURS="twelve",
    )
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "Error: Invalid environment:\n"
        "FRONTDESK_PORT: Input should be a valid integer, unable to parse string as an integer\n"
        "FRONTDESK_SESSION_HOURS: Input should be a valid integer, unable to parse string as an "
        "integer\n"
    )
    assert (
        "eighty" not in result.stderr and "twelve" not in result.stderr
    )  # values are not echoed: some are secrets
    assert not (tmp_path / "f.db").exists()


def test_serve_keeps_idle_connections_open_for_the_keep_alive_seconds(
    db_url: str, tmp_path: Path
) -> None:
    """FRONTDESK_KEEP_ALIVE_SECONDS reaches the server: a connection idle for longer than the
    server library's own 5 s is still reused, and the server closes it once idle for the value.
    The default, 75 s, is above the 60 s a proxy commonly keeps upstream connections idle."""
    assert ProcessSettings().keep_alive_seconds == 75
    port = reserve_port()
    log = tmp_path / "serve.log"
    env = _env(db_url, FRONTDESK_RUN_JOBS="0", FRONTDESK_KEEP_ALIVE_SECONDS="7")
    process = _start(["serve", "--port", str(port)], env, log)
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    def answer(connection: socket.socket) -> bytes:
        """The whole response (head and body may arrive in separate reads)."""
        connection.sendall(request)
        received = b""

        def read() -> None:
            nonlocal received
            chunk = connection.recv(65536)
            assert chunk, f"closed by the server after {received!r}"
            received += chunk

        while b"\r\n\r\n" not in received:
            read()
        length = re.search(rb"content-length: (\d+)", received, re.IGNORECASE)
        assert length is not None, received
        while len(received.split(b"\r\n\r\n", 1)[1]) < int(length[1]):
            read()
        return received

    try:
        _wait_for(
            "the server did not answer", lambda: _healthy(f"http://127.0.0.1:{port}"), process, log
        )
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            client_port = connection.getsockname()[1]
            assert answer(connection).startswith(b"HTTP/1.1 200 OK\r\n")
            time.sleep(5.5)
            assert answer(connection).startswith(b"HTTP/1.1 200 OK\r\n")  # still open
            assert connection.recv(65536) == b""  # then closed by the server
    finally:
        _stop(process)
    text = log.read_text()
    assert "Traceback" not in text
    # At INFO each request gets a line of its own, structured like every other.
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [r["event"] for r in records if r.get("logger") == "uvicorn.access"]
    assert requests[-2:] == [f'127.0.0.1:{client_port} - "GET /healthz HTTP/1.1" 200'] * 2
