"""Settings of the ticket catalogue: none yet.

The catalogue is data an administrator edits through its own screens, not configuration. The
switches that decide whether ticket screens offer types and services (OTRS ``Ticket::Type``,
``Ticket::Service``) belong to the ticket screens that read them, so they are declared there.
"""

from __future__ import annotations
