"""Statements about many rows at once, run at the driver, for hot paths (the chat's message
batches, docs/architecture/chat-performance.md).

SQLAlchemy still compiles each statement — once per dialect — and still supplies each type's
conversion; what is cut is its per-execution work, which at hundreds of rows per transaction
costs more of the event loop than the database's own:

- ``ManyRows``: one INSERT or UPDATE for many rows, handed to the driver as plain tuples. Values
  every row shares are converted once; a row's own values only for the columns whose type has a
  conversion at all.
- ``RowsAmong``: a SELECT filtered by lists of values, each list one parameter (an array on
  PostgreSQL, a JSON array read by ``json_each`` on SQLite): the SQL is the same for any list
  length, so nothing is expanded per call. Rows come back as the driver gives them — for columns
  that need no conversion on the way out (integers, strings; a boolean is 0/1 on SQLite).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert, Update

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # Picks the driver's parameter tuple out of (the row's values + the shared values).
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    row_conversions: tuple[tuple[int, Processor], ...]  # (index in the row, conversion)
    shared_conversions: dict[str, Processor]


class ManyRows:
    """``statement`` with a bind parameter per name in ``row_names`` (one value per row) and
    ``shared_names`` (one value for all rows of a call). Inserts compile without RETURNING."""

    def __init__(
        self,
        statement: Insert | Update,
        row_names: Sequence[str],
        shared_names: Sequence[str] = (),
    ) -> None:
        self.statement = statement.inline() if isinstance(statement, Insert) else statement
        self.row_names = tuple(row_names)
        self.shared_names = tuple(shared_names)
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is not None:
            return compiled
        statement = self.statement.compile(dialect=dialect)
        order = statement.positiontup
        if not statement.positional or order is None:
            raise NotImplementedError(f"{dialect.name}: only positional drivers are supported")
        names = self.row_names + self.shared_names
        if sorted(order) != sorted(names):
            raise ValueError(f"statement parameters {order} are not {names}")
        conversions = {
            name: processor
            for name in order
            if (processor := statement.binds[name].type.bind_processor(dialect)) is not None
        }
        positions = [names.index(name) for name in order]
        pick: Callable[[tuple[Any, ...]], tuple[Any, ...]]
        if len(positions) == 1:
            only = positions[0]
            pick = lambda values: (values[only],)  # noqa: E731 - itemgetter of one is no tuple
        else:
            pick = operator.itemgetter(*positions)
        compiled = _Compiled(
            sql=str(statement),
            pick=pick,
            row_conversions=tuple(
                (index, conversions[name])
                for index, name in enumerate(self.row_names)
                if name in conversions
            ),
            shared_conversions={n: conversions[n] for n in self.shared_names if n in conversions},
        )
        self._by_dialect[dialect.name] = compiled
        return compiled

    async def execute(
        self,
        session: AsyncSession,
        rows: Sequence[tuple[Any, ...]],
        shared: Mapping[str, Any] | None = None,
    ) -> None:
        """Run the statement once per row, in the session's transaction."""
        if not rows:
            return
        connection = await session.connection()
        compiled = self._compiled(connection.dialect)
        given = shared or {}
        common = tuple(
            compiled.shared_conversions[name](given[name])
            if name in compiled.shared_conversions
            else given[name]
            for name in self.shared_names
        )
        if compiled.row_conversions:
            converted = []
            for row in rows:
                values = list(row)
                for index, convert in compiled.row_conversions:
                    values[index] = convert(values[index])
                converted.append(tuple(values))
            rows = converted
        pick = compiled.pick
        await connection.exec_driver_sql(compiled.sql, [pick(row + common) for row in rows])


Among = Callable[[ColumnElement[Any], str], ColumnElement[bool]]


class RowsAmong:
    """``build(among)`` gives the SELECT; ``among(column, name)`` is the condition "column is one
    of the values of list parameter ``name``" in the dialect at hand."""

    def __init__(self, build: Callable[[Among], Select[Any]]) -> None:
        self.build = build
        self._by_dialect: dict[str, tuple[str, tuple[str, ...]]] = {}

    def _compiled(self, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is not None:
            return compiled
        on_postgresql = dialect.name == "postgresql"

        def among(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
            if on_postgresql:
                return column == any_(bindparam(name, type_=ARRAY(column.type)))
            values = func.json_each(bindparam(name, type_=String)).table_valued("value")
            return column.in_(select(values.c.value))

        statement = self.build(among).compile(dialect=dialect)
        if not statement.positional or statement.positiontup is None:
            raise NotImplementedError(f"{dialect.name}: only positional drivers are supported")
        compiled = (str(statement), tuple(statement.positiontup))
        self._by_dialect[dialect.name] = compiled
        return compiled

    async def all(self, session: AsyncSession, **lists: Sequence[Any]) -> Sequence[Any]:
        """The rows, in the session's transaction; one keyword per list parameter."""
        connection = await session.connection()
        sql, order = self._compiled(connection.dialect)
        params: tuple[Any, ...]
        if connection.dialect.name == "postgresql":
            params = tuple(list(lists[name]) for name in order)
        else:
            params = tuple(json.dumps(list(lists[name])) for name in order)
        result = await connection.exec_driver_sql(sql, params)
        # SQLAlchemy Rows: named tuples of the driver's values.
        return result.all()
