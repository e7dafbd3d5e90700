"""REST routes of the system configuration (filled in by its feature work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
