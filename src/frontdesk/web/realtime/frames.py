"""The JSON of WebSocket frames, written and read with pydantic-core's encoder and parser.

Every stored chat message is encoded once per view and every client frame is parsed on the
server's busiest path; at a frame's size pydantic-core (already installed with pydantic) is
about four times faster than the ``json`` module (docs/architecture/chat-performance.md).
The output is compact, UTF-8 JSON: the same values a client parses from the ``json`` module's.
"""

from __future__ import annotations

from typing import Any

import pydantic_core


def encode(body: Any) -> str:
    return pydantic_core.to_json(body).decode()


def decode(raw: str) -> Any:
    """The frame's value; ``ValueError`` when it is not JSON."""
    return pydantic_core.from_json(raw, cache_strings="keys")  # texts are not worth caching
