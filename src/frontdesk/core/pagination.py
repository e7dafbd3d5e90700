"""Every list pages: limit/offset in, items/total out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from frontdesk.core.errors import ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
# The largest offset a query may skip: the largest integer every backend takes as a bind value.
MAX_OFFSET = 2_147_483_647


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @classmethod
    def build(cls, limit: int | None, offset: int | None) -> PageRequest:
        limit = DEFAULT_LIMIT if limit is None else limit
        offset = 0 if offset is None else offset
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed("limit", f"limit must be between 1 and {MAX_LIMIT}")
        if not 0 <= offset <= MAX_OFFSET:
            raise ValidationFailed("offset", f"offset must be between 0 and {MAX_OFFSET}")
        return cls(limit=limit, offset=offset)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0
