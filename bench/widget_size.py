"""Gzipped sizes of the chat embed: the loader pasted into web sites (budget 3 KB) and the
widget UI loaded on first open (budget 25 KB): the framed chat page (/public/chat?iframe=1,
rendered from its template as the server renders it, with two channels to choose from) and the
files it loads.

Run: python bench/widget_size.py [--json PATH]  (exits 1 when a budget is exceeded; --smoke is
the same run, it is small already)
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

from frontdesk.domain.chat.queries import PublicChatOffer
from frontdesk.domain.chat.schemas import ChannelChoice
from frontdesk.web.templating import environment, translations_for
from report import add_common_arguments, emit

STATIC = Path(__file__).resolve().parents[1] / "src" / "frontdesk" / "web" / "static"
LOADER = [STATIC / "embed" / "frontdesk-chat.js"]
WIDGET_FILES = [
    STATIC / "embed" / "chat.css",
    STATIC / "embed" / "chat-view.js",
    STATIC / "js" / "public-chat.js",
    STATIC / "js" / "realtime.js",
]
LOADER_BUDGET = 3 * 1024
WIDGET_BUDGET = 25 * 1024


def rendered_frame_page() -> bytes:
    """The framed chat page as a visitor's browser receives it (the start form variant)."""
    translations = translations_for("en")
    channels = [
        ChannelChoice(id=1, name="Chat", is_default=True, available=True),
        ChannelChoice(id=2, name="Sales", is_default=False, available=True),
    ]
    context = {
        "_": translations.gettext,
        "gettext": translations.gettext,
        "ngettext": translations.ngettext,
        "in_frame": True,
        "preselected": None,
        "title": "Chat with us",
        "widget_fallback": "https://www.example.com/contact",
        "offer": PublicChatOffer(channels, None, None),
        "unavailable": None,
        "texts": {},
    }
    html = environment.get_template("chat/public_chat.html").render(context)
    return html.encode()


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def measured(part: str, files: list[tuple[str, bytes]], budget: int) -> list[dict[str, object]]:
    """A row per file and a total row that says whether the part keeps its budget."""
    sizes = [(label, gzipped(data)) for label, data in files]
    rows: list[dict[str, object]] = [
        {"part": part, "file": label, "gzip_bytes": size} for label, size in sizes
    ]
    total = sum(size for _, size in sizes)
    rows.append(
        {
            "part": part,
            "file": "total",
            "gzip_bytes": total,
            "budget_bytes": budget,
            "within_budget": total <= budget,
        }
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_common_arguments(parser)
    args = parser.parse_args()
    loader = [(path.name, path.read_bytes()) for path in LOADER]
    widget = [("/public/chat?iframe=1 (rendered)", rendered_frame_page())]
    widget += [(path.name, path.read_bytes()) for path in WIDGET_FILES]
    rows = measured("loader", loader, LOADER_BUDGET) + measured("widget", widget, WIDGET_BUDGET)
    emit("widget_size", rows, args.json)
    sys.exit(0 if all(row.get("within_budget", True) for row in rows) else 1)


if __name__ == "__main__":
    main()
