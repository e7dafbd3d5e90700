"""Background jobs of business calendars: none. The periodic recomputation of escalation times
belongs to the tickets that carry them."""

from __future__ import annotations
