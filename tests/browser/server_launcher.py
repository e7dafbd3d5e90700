"""Starts ``frontdesk serve`` processes for the browser tests without paying Python's start-up
and the application's imports each time.

The launcher runs once per test worker. It imports the application, then waits for requests on
standard input, one JSON object per line, and answers each with one JSON line:

- ``{"op": "start", "env": {...}, "log": "/path"}`` forks a child that sets exactly that
  environment, sends its output to the log file and runs ``frontdesk serve`` as the command
  line would: ``{"pid": 1234}``.
- ``{"op": "poll", "pid": 1234}`` and ``{"op": "wait", "pid": 1234, "timeout": 10}``:
  ``{"returncode": 0}``, or ``null`` while the child still runs (a signal counts as its
  negative number, as with ``subprocess``).

Each test still gets a server process of its own with fresh in-memory state: the child starts
from the launcher's state, which has imported modules and nothing else (no event loop, no
thread, no connection), so forking it is safe. Signals go straight to the child's pid.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
from typing import Any

# What every server start would import again: the application, its routes and the server.
PRELOADED = (
    "frontdesk.cli",
    "frontdesk.web.asgi",
    "frontdesk.web.app",
    "frontdesk.db.migrate",
    "frontdesk.demo",
    "frontdesk.domain.accounts.bootstrap",
    "uvicorn",
    "uvicorn.config",
    "uvicorn.server",
    "uvicorn.main",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.protocols.websockets.websockets_impl",
    "uvicorn.protocols.websockets.wsproto_impl",
    "httptools",
    "uvloop",
)


def preload() -> None:
    for name in PRELOADED:
        with contextlib.suppress(ImportError):  # an optional server extra, not installed
            importlib.import_module(name)


def run_server(env: dict[str, str], log: str) -> None:
    """In the child: become ``frontdesk serve`` with ``env``; never returns."""
    code = 1
    try:
        os.setsid()  # its own process group, like a process the test started itself
        output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process's own descriptors
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update(env)
        from frontdesk.cli import main

        try:
            main.main(args=["serve"], prog_name="frontdesk", standalone_mode=True)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # the child reports anything in its log and exits
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def returncode_of(status: int) -> int:
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


class Children:
    def __init__(self) -> None:
        self.finished: dict[int, int] = {}

    def poll(self, pid: int) -> int | None:
        if pid in self.finished:
            return self.finished[pid]
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            return None
        self.finished[pid] = returncode_of(status)
        return self.finished[pid]

    def wait(self, pid: int, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while True:
            code = self.poll(pid)
            if code is not None or time.monotonic() >= deadline:
                return code
            time.sleep(0.02)


def answer(request: dict[str, Any], children: Children) -> dict[str, Any]:
    op = request["op"]
    if op == "start":
        pid = os.fork()
        if pid == 0:
            run_server(request["env"], request["log"])
        return {"pid": pid}
    if op == "poll":
        return {"returncode": children.poll(request["pid"])}
    if op == "wait":
        return {"returncode": children.wait(request["pid"], float(request["timeout"]))}
    return {"error": f"unknown op {op!r}"}


def main() -> None:
    preload()
    children = Children()
    replies = sys.stdout
    print(json.dumps({"ready": True}), file=replies, flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(json.loads(line), children)), file=replies, flush=True)


if __name__ == "__main__":
    main()
