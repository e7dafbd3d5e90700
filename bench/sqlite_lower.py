"""What Unicode-aware case folding costs on SQLite.

SQLite's lower() folds ASCII only. Frontdesk compares logins and names with unicode_lower()
instead, Python's str.lower registered on each connection, so "JÖRG" finds "Jörg" as on
PostgreSQL (db/case_insensitive.py). Such a comparison scans the table either way; this measures
the scan with the built-in lower() (the baseline, same run) and with unicode_lower(), at a small
and a large number of customer logins. Sorting keeps the built-in and is not measured.

Run: python bench/sqlite_lower.py [--rows 10000 100000] [--smoke] [--json PATH]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time

from frontdesk.db.engine import unicode_lower
from report import add_common_arguments, emit

QUERIES = {
    "login lookup": "SELECT id FROM customer_user WHERE {f}(login) = {f}('Customer005000')",
    "list search": "SELECT id FROM customer_user WHERE {f}(login) LIKE {f}('%er0050%') "
    "ESCAPE '\\' LIMIT 50",
    "search, no match": "SELECT id FROM customer_user WHERE {f}(login) LIKE {f}('%nobody%') "
    "ESCAPE '\\' LIMIT 50",
}
REPEATS = 9


def median_ms(connection: sqlite3.Connection, sql: str) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        connection.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def database(rows: int) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.create_function("unicode_lower", 1, unicode_lower, deterministic=True)
    connection.execute("CREATE TABLE customer_user (id INTEGER PRIMARY KEY, login TEXT UNIQUE)")
    connection.executemany(
        "INSERT INTO customer_user (login) VALUES (?)",
        [(f"Customer{number:06d}",) for number in range(rows)],
    )
    return connection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    add_common_arguments(parser)
    args = parser.parse_args()
    sizes = [1_000] if args.smoke else args.rows
    rows = []
    for count in sizes:
        connection = database(count)
        for name, sql in QUERIES.items():
            base = median_ms(connection, sql.format(f="lower"))
            ours = median_ms(connection, sql.format(f="unicode_lower"))
            rows.append(
                {
                    "rows": count,
                    "query": name,
                    "lower_ms": round(base, 2),
                    "unicode_lower_ms": round(ours, 2),
                    "ratio": round(ours / base, 2),
                }
            )
    emit("sqlite_lower", rows, args.json)


if __name__ == "__main__":
    main()
