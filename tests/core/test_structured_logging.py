"""Logs are one JSON object per line, the libraries' too, and never carry a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from frontdesk.core.structured_logging import configure_logging

LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler")


@pytest.fixture
def json_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other tests.
    (Configured in the test body: pytest resets the root logger between setup and call.)"""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    saved = {
        name: (
            list(logging.getLogger(name).handlers),
            logging.getLogger(name).propagate,
            logging.getLogger(name).level,
        )
        for name in LIBRARY_LOGGERS
    }
    yield
    root.handlers, level = saved_root
    root.setLevel(level)
    for name, (handlers, propagate, level) in saved.items():
        library = logging.getLogger(name)
        library.handlers, library.propagate = handlers, propagate
        library.setLevel(level)
    structlog.reset_defaults()


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_secrets_never_reach_the_log(
    json_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    logging.getLogger("uvicorn.error").info(
        '%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", "/api/v1/ws?token=VISITOR-SECRET&x=1"
    )
    structlog.get_logger().info(
        "login_failed", password="hunter2", csrf_token="abc", note="retry with password=hunter2"
    )
    output = capsys.readouterr().out
    assert "VISITOR-SECRET" not in output
    assert "hunter2" not in output
    assert "abc" not in output
    uvicorn_line, own_line = _lines(output)
    assert (
        uvicorn_line["event"] == '127.0.0.1:5000 - "WebSocket /api/v1/ws?token=***&x=1" [accepted]'
    )
    assert uvicorn_line["logger"] == "uvicorn.error"
    assert own_line["password"] == own_line["csrf_token"] == "***"
    assert own_line["note"] == "retry with password=***"


def test_library_records_are_json_and_scheduler_chatter_is_dropped(
    json_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("apscheduler.executors.default").info("Running job x")
    logging.getLogger("apscheduler.scheduler").warning("Run time of job x was missed")
    records = _lines(capsys.readouterr().out)
    assert [(r["event"], r["level"]) for r in records] == [
        ("Started server process [42]", "info"),
        ("Run time of job x was missed", "warning"),
    ]
    assert all({"timestamp", "logger"} <= r.keys() for r in records)
