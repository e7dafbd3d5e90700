"""Every benchmark runs with ``--smoke`` in ``make test``, so a benchmark cannot rot unnoticed.

Each script is one test, so pytest-xdist spreads them over the workers beside the rest of the
suite. A benchmark that errors, hangs past its budget or writes no table fails its test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import in_ci, postgres_available, redis_available

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
# Modules in bench/ that are shared code, not benchmarks.
SHARED = {"report.py", "baseline_broadcast.py"}
SMOKE_SECONDS = 600


def _benchmarks() -> list[Path]:
    scripts = sorted(BENCH.glob("*.py")) + sorted(BENCH.glob("peers/*.py"))
    return [
        path
        for path in scripts
        if path.name not in SHARED and not path.name.startswith("_") and path.name != "__init__.py"
    ]


def test_every_benchmark_is_found() -> None:
    names = {path.relative_to(BENCH).as_posix() for path in _benchmarks()}
    assert {"tickets.py", "chat_load.py", "chat_idle.py", "pages.py"} <= names


@pytest.mark.parametrize(
    "script", _benchmarks(), ids=lambda path: path.relative_to(BENCH).as_posix()
)
def test_benchmark_smoke(script: Path, tmp_path: Path) -> None:
    missing = [
        name
        for name, available in (
            ("PostgreSQL (127.0.0.1:5432)", postgres_available()),
            ("Redis (127.0.0.1:6379)", redis_available()),
        )
        if not available
    ]
    if missing:
        reason = f"benchmarks need {', '.join(missing)}"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path / "result.json"
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run(
        [sys.executable, str(script), "--smoke", "--json", str(out)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SMOKE_SECONDS,
        check=False,
    )
    tail = (completed.stdout[-4000:] + "\n--- stderr ---\n" + completed.stderr[-4000:]).strip()
    assert completed.returncode == 0, f"{script.name} --smoke exited {completed.returncode}\n{tail}"
    result = json.loads(out.read_text())
    assert result["bench"], tail
    assert isinstance(result["rows"], list) and result["rows"], f"no rows\n{tail}"
    for row in result["rows"]:
        assert isinstance(row, dict) and row, row
