"""Build web/static/icons/sprite.svg from an unpacked lucide-static npm package.

    npm pack lucide-static@1.87.0 && tar xzf lucide-static-1.87.0.tgz
    python scripts/build_icon_sprite.py package

Only the icons the product uses go in (ICONS: our name -> Lucide's file name), so the sprite
stays a few kilobytes. Each becomes <symbol id="icon-NAME" viewBox="0 0 24 24"> with Lucide's
stroke attributes, so <use> inherits currentColor from the surrounding text.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ICONS = {
    "ticket": "ticket",
    "queue": "inbox",
    "chat": "message-square",
    "search": "search",
    "user": "user",
    "users": "users",
    "lock": "lock",
    "unlock": "lock-open",
    "note": "sticky-note",
    "reply": "reply",
    "move": "arrow-right",
    "owner": "user-check",
    "state": "circle-dot",
    "priority": "flag",
    "close": "x",
    "check": "check",
    "plus": "plus",
    "settings": "settings",
    "sun": "sun",
    "moon": "moon",
    "keyboard": "keyboard",
    "bell": "bell",
    "filter": "filter",
    "sort": "arrow-up-down",
    "chevron-down": "chevron-down",
    "chevron-up": "chevron-up",
    "chevron-left": "chevron-left",
    "chevron-right": "chevron-right",
    "trash": "trash-2",
    "edit": "pencil",
    "download": "download",
    "paperclip": "paperclip",
}

TARGET = Path(__file__).resolve().parent.parent / "src/frontdesk/web/static/icons"
_BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def main(package: Path) -> None:
    version = re.search(r'"version":\s*"([^"]+)"', (package / "package.json").read_text())
    assert version is not None
    symbols = []
    for name, source in ICONS.items():
        match = _BODY.search((package / "icons" / f"{source}.svg").read_text())
        assert match is not None, source
        body = " ".join(line.strip() for line in match.group(1).strip().splitlines())
        symbols.append(
            f'  <symbol id="icon-{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor"'
            f' stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</symbol>'
        )
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "sprite.svg").write_text(
        f"<!-- Lucide {version.group(1)} (ISC, see LICENSE), built by"
        " scripts/build_icon_sprite.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )
    shutil.copyfile(package / "LICENSE", TARGET / "LICENSE")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
