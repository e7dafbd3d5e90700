"""Gzipped sizes of the chat embed: the loader pasted into web sites (budget 3 KB) and the
widget UI loaded on first open (budget 25 KB): the framed chat page and what it loads.

Run: python bench/widget_size.py  (exits 1 when a budget is exceeded)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "src" / "frontdesk" / "web" / "static"
TEMPLATE = STATIC.parent / "templates" / "chat" / "public_chat.html"
LOADER = [STATIC / "embed" / "frontdesk-chat.js"]
WIDGET = [
    TEMPLATE,  # the page's template: a fair upper bound of the rendered page
    STATIC / "embed" / "chat.css",
    STATIC / "embed" / "chat-view.js",
    STATIC / "js" / "public-chat.js",
    STATIC / "js" / "realtime.js",
]
LOADER_BUDGET = 3 * 1024
WIDGET_BUDGET = 25 * 1024


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def report(name: str, files: list[Path], budget: int) -> bool:
    total = 0
    for path in files:
        size = gzipped(path)
        total += size
        print(f"  {path.name:<24} {size:>6} B")
    verdict = "ok" if total <= budget else "OVER BUDGET"
    print(f"{name}: {total} B gzipped (budget {budget} B) {verdict}")
    return total <= budget


if __name__ == "__main__":
    ok = report("loader", LOADER, LOADER_BUDGET)
    ok = report("widget", WIDGET, WIDGET_BUDGET) and ok
    sys.exit(0 if ok else 1)
