"""Settings of the tickets feature."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

SYSTEM_ID = declare(
    "SystemID",
    "integer",
    10,
    "Identifies this installation; part of every ticket number (YYYYMMDD + SystemID + counter)"
    " so numbers of several installations never collide.",
    navigation="Core",
    minimum=1,
    maximum=99,
)
