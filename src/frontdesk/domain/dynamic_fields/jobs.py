"""Background jobs of dynamic fields: none. Values are written with the object they belong to."""

from __future__ import annotations
