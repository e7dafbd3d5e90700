"""What every benchmark shares: the ``--smoke`` and ``--json`` options and how a table is printed.

A benchmark builds its result as rows (one dict per table row, numbers as numbers) and hands
them to :func:`emit`, which prints the table and, with ``--json PATH``, writes
``{"bench": name, "rows": rows}`` there. ``--smoke`` asks for the smallest sizes that still run
every code path of the benchmark; ``make test`` runs each benchmark so, to keep them working.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="the smallest sizes that still run every code path (seconds, not minutes)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help='also write the table as JSON {"bench", "rows"}'
    )


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return "" if value is None else str(value)


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """The rows as a Markdown table, numbers right-aligned, ready for a closing note."""
    if not rows:
        return "(no rows)"
    names = list(columns) if columns else list(dict.fromkeys(key for row in rows for key in row))
    numeric = {
        name: all(
            isinstance(row.get(name), int | float) for row in rows if row.get(name) is not None
        )
        for name in names
    }
    lines = [
        "| " + " | ".join(names) + " |",
        "|" + "|".join("---:" if numeric[name] else "---" for name in names) + "|",
    ]
    lines.extend("| " + " | ".join(_cell(row.get(name)) for name in names) + " |" for row in rows)
    return "\n".join(lines)


def emit(
    bench: str,
    rows: Sequence[dict[str, Any]],
    json_path: Path | None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print the table; with a path, write it there as JSON too."""
    print()
    print(markdown_table(rows, columns), flush=True)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"bench": bench, "rows": list(rows)}, indent=2) + "\n")
