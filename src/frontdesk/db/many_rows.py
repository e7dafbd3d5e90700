"""Statements about many rows at once, run at the driver, for hot paths (the chat's message
batches, docs/architecture/chat-performance.md).

SQLAlchemy still compiles each statement — once per dialect — and still supplies each type's
conversion; what is cut is its per-execution work, which at hundreds of rows per transaction
costs more of the event loop than the database's own:

- ``ManyRows``: one INSERT or UPDATE for many rows, handed to the driver as plain tuples. Values
  every row shares are converted once; a row's own values only for the columns whose type has a
  conversion at all.
- ``RowsAmong``: a SELECT filtered by lists of values (or joined with a list of pairs), each
  list one parameter (arrays on PostgreSQL, a JSON array read by ``json_each`` on SQLite): the
  SQL is the same for any list length, so nothing is expanded per call. Rows come back as the
  driver gives them — for columns that need no conversion on the way out (integers, strings; a
  boolean is 0/1 on SQLite).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select, Subquery
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


def _positional(statement: Any, dialect: Dialect) -> tuple[Any, tuple[str, ...]]:
    """The statement compiled for the dialect, and its parameters in the driver's order."""
    compiled = statement.compile(dialect=dialect)
    if not compiled.positional or compiled.positiontup is None:
        raise NotImplementedError(f"{dialect.name}: only positional drivers are supported")
    return compiled, tuple(compiled.positiontup)


def _conversions(compiled: Any, names: Sequence[str], dialect: Dialect) -> dict[str, Processor]:
    """The bind conversion of each named parameter whose type has one."""
    return {
        name: processor
        for name in names
        if (processor := compiled.binds[name].type.bind_processor(dialect)) is not None
    }


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
        statement, order = _positional(self.statement, dialect)
        names = self.row_names + self.shared_names
        if sorted(order) != sorted(names):
            raise ValueError(f"statement parameters {order} are not {names}")
        conversions = _conversions(statement, order, dialect)
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


class Lists:
    """What a ``RowsAmong`` statement is built with: list parameters in the dialect at hand."""

    def __init__(self, dialect: Dialect) -> None:
        self.on_postgresql = dialect.name == "postgresql"
        # driver parameter → (list parameter, which part of each item; None: the item itself)
        self.parts: dict[str, tuple[str, int | None]] = {}

    def among(self, column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
        """The condition "column is one of the values of list parameter ``name``"."""
        self.parts[name] = (name, None)
        if self.on_postgresql:
            return column == any_(bindparam(name, type_=ARRAY(column.type)))
        values = func.json_each(bindparam(name, type_=String)).table_valued("value")
        return column.in_(select(values.c.value))

    def pairs(self, name: str, first: TypeEngine[Any], second: TypeEngine[Any]) -> Subquery:
        """List parameter ``name`` of (first, second) pairs as a table with columns ``first``
        and ``second``: to join on, so an index on both columns is probed once per pair (two
        IN lists would probe every combination)."""
        if self.on_postgresql:
            self.parts[f"{name}_first"] = (name, 0)
            self.parts[f"{name}_second"] = (name, 1)
            unnested = (
                func.unnest(
                    bindparam(f"{name}_first", type_=ARRAY(first)),
                    bindparam(f"{name}_second", type_=ARRAY(second)),
                )
                .table_valued("first", "second")
                .render_derived()
            )
            return select(unnested.c.first, unnested.c.second).subquery()
        self.parts[name] = (name, None)
        each = func.json_each(bindparam(name, type_=String)).table_valued("value")
        return select(
            func.json_extract(each.c.value, literal_column("'$[0]'")).label("first"),
            func.json_extract(each.c.value, literal_column("'$[1]'")).label("second"),
        ).subquery()


@dataclass(frozen=True, slots=True)
class _CompiledSelect:
    sql: str
    order: tuple[str, ...]  # the parameters, in the driver's order
    parts: dict[str, tuple[str, int | None]]  # of the list parameters, see Lists
    conversions: dict[str, Processor]  # of the single-value parameters
    defaults: dict[str, Any]  # values bound in the statement itself


class RowsAmong:
    """``build(lists)`` gives the SELECT, filtered with ``lists.among`` or joined with
    ``lists.pairs``. Other bind parameters take a single value (or keep the one bound in the
    statement)."""

    def __init__(self, build: Callable[[Lists], Select[Any]]) -> None:
        self.build = build
        self._by_dialect: dict[str, _CompiledSelect] = {}

    def _compiled(self, dialect: Dialect) -> _CompiledSelect:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is not None:
            return compiled
        lists = Lists(dialect)
        statement, order = _positional(self.build(lists), dialect)
        singles = [name for name in order if name not in lists.parts]
        conversions = _conversions(statement, singles, dialect)
        compiled = _CompiledSelect(
            sql=str(statement),
            order=order,
            parts=dict(lists.parts),
            conversions=conversions,
            defaults={name: statement.binds[name].value for name in singles},
        )
        self._by_dialect[dialect.name] = compiled
        return compiled

    async def all(self, session: AsyncSession, **values: Any) -> Sequence[Any]:
        """The rows, in the session's transaction: a keyword per list parameter (a sequence)
        and per single-value parameter the statement does not bind itself."""
        connection = await session.connection()
        compiled = self._compiled(connection.dialect)
        on_postgresql = connection.dialect.name == "postgresql"
        params: list[Any] = []
        for name in compiled.order:
            part = compiled.parts.get(name)
            if part is not None:
                items, index = values[part[0]], part[1]
                if not on_postgresql:
                    params.append(json.dumps(list(items)))  # pairs become JSON arrays
                elif index is None:
                    params.append(list(items))
                else:
                    params.append([item[index] for item in items])
                continue
            value = values[name] if name in values else compiled.defaults[name]
            convert = compiled.conversions.get(name)
            params.append(value if convert is None else convert(value))
        result = await connection.exec_driver_sql(compiled.sql, tuple(params))
        # SQLAlchemy Rows: named tuples of the driver's values.
        return result.all()
