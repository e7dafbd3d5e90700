"""The WebSocket endpoint /api/v1/ws (filled in by the chat engine work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
