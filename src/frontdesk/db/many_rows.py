"""One INSERT or UPDATE run for many rows, handed to the driver as plain tuples.

For a hot path that writes hundreds of rows per transaction (the chat's message batches):
SQLAlchemy's executemany prepares each row's parameters through its compiled-statement
machinery, which at that size costs more of the event loop than the database's own work
(docs/architecture/chat-performance.md). Here SQLAlchemy still compiles the statement — once per
dialect — and still supplies each type's conversion; only the per-row work is cut down: values
every row shares are converted once, and a row's own values are converted only for the columns
whose type has a conversion at all.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
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
