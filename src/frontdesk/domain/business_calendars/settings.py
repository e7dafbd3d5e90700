"""Settings of business calendars: none. A calendar is data an administrator edits on its own
screen; which calendar a queue or SLA counts in is a field of the queue or SLA."""

from __future__ import annotations
