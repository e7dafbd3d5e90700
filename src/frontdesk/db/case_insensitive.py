"""Case-insensitive equality that agrees with itself on every backend.

Lowering one side in Python and the other in SQL disagrees outside ASCII: SQLite's lower()
leaves "Ü" as it is while Python gives "ü", so "Ülrich" could neither log in nor be found, and
a duplicate name slipped past the check into the unique index (a 500). Both sides are lowered by
the database, with a function that folds every letter on both: PostgreSQL's lower(), and on
SQLite unicode_lower(), Python's str.lower registered on each connection (db/engine.py). So
"JÖRG" finds "Jörg", and "ÜLRICH" is taken once "Ülrich" is, on both databases.

Sorting keeps SQLite's built-in lower(): it runs in C, and an order that differs outside ASCII
only is harmless. bench/sqlite_lower.py measures what the Python function costs a lookup.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class folded(FunctionElement[str]):  # noqa: N801 - SQL function names are lower case
    """The value with every letter lowered, on every backend."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _lower_elsewhere(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _unicode_lower_on_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"unicode_lower({compiler.process(element.clauses, **kw)})"


def equals_ignoring_case(column: Any, value: str) -> ColumnElement[bool]:
    return folded(column) == folded(literal(value))


def contains_ignoring_case(column: Any, term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``; % and _ in the term match themselves."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(folded(literal(f"%{escaped}%")), escape="\\")
