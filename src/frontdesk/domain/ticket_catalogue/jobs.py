"""Background jobs of the ticket catalogue: none yet.

Every catalogue change is a small synchronous write; nothing needs to run later or periodically.
"""

from __future__ import annotations
