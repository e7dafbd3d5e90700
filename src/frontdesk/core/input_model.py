"""The base of every input schema.

PostgreSQL cannot store the NUL character, and no helpdesk text needs it: any input text that
holds one is refused as a 422 naming the field, on every database, instead of failing at the
database with a 500 (or being stored on SQLite only).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False  # nested models are InputModels and check themselves


class InputModel(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise ValueError("must not contain NUL characters")
        return value
