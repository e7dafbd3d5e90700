"""Case-insensitive equality that agrees with itself on every backend.

Lowering one side in Python and the other in SQL disagrees outside ASCII: SQLite's lower()
leaves "Ü" as it is while Python gives "ü", so "Ülrich" could neither log in nor be found, and
a duplicate name slipped past the check into the unique index (a 500). Both sides lowered by the
database compare alike. What counts as "the same letter" is the database's: PostgreSQL folds
"Ü" and "ü" together, SQLite's lower() folds ASCII only, so on SQLite "Ülrich" and "ülrich" are
two names (each still finds itself, and the unique index stays the last word).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func


def equals_ignoring_case(column: Any, value: str) -> ColumnElement[bool]:
    return func.lower(column) == func.lower(value)


def contains_ignoring_case(column: Any, term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``; % and _ in the term match themselves."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(func.lower(f"%{escaped}%"), escape="\\")
