"""Agent pages benchmark: server time of the dashboard, the queue view and the ticket zoom on a
filled database, against ``GET /healthz`` in the same run, and the CSS and JS each page loads.

    .venv/bin/python bench/pages.py [--tickets 100000] [--backend sqlite|postgresql|both]

For each backend the database gets ``--tickets`` tickets with three articles each (the loaders
of bench/tickets.py: COPY on PostgreSQL, bulk inserts on SQLite) and one more ticket with
``--articles`` articles (30), made through the API. A real ``frontdesk serve`` process (one
worker) answers over HTTP; the client is logged in as an agent through the login form, as a
browser is. Each page is asked ``--samples`` times (after a warm-up) and p50/p95 are the time
from sending the request to the last byte of the answer, in milliseconds; ``/healthz`` (no
session, no template, one ``SELECT 1``) is the floor, and each page's ratio to it is printed.

The queue view is the first 50 rows of one queue, filtered by state (open) and sorted by age
(oldest first) — see QUEUE_VIEW. Asset bytes: the page's ``<link rel="stylesheet">`` and
``<script src>``, the ES modules those import, and the same of the fragments htmx loads with
the page (``hx-trigger="load"``); each file gzipped (level 6, as a proxy would send it) and
summed per page. Vendored feature libraries under /static/vendor/ are left out except htmx,
which every page needs; the issue's target is 60 KB for CSS and JS together.

The last kind of row, "commit to row in an open queue view (Chromium)", is produced only once
the queue view updates itself (issue 19, item 2): see :func:`live_queue_row_latency`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.bus import create_bus
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.migrate import upgrade
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.bootstrap import ensure_admin
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.feature_index import load_features
from frontdesk.sysconfig.store import SettingsStore
from report import add_common_arguments, markdown_table
from tickets import ADMIN_PASSWORD, fill_postgres, fill_sqlite, serving

QUEUE = 2
# 50 rows of one queue, open tickets only, oldest first (the queue view's sort and filter
# parameters).
QUEUE_VIEW = f"/agent/queues?queue_id={QUEUE}&state=open&sort=age&order=asc&limit=50"
# The live measurement watches the newest first, where a new ticket's row lands.
LIVE_QUEUE_VIEW = f"/agent/queues?queue_id={QUEUE}&state=open&sort=age&order=desc&limit=50"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET_ASSET_KB = 60
GZIP_LEVEL = 6
VENDOR = "/static/vendor/"
ALWAYS_COUNTED = ("htmx",)  # vendored, but every page needs it
# What an open ticket list carries once it updates itself through the event bus (issue 19,
# item 2); until a page has it, the live-list row is not produced.
LIVE_LIST_MARKER = "data-live-list"
CHROMIUM = "/usr/bin/chromium"

_STYLESHEET = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet[^>]*>", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)
_LOADED_FRAGMENT = re.compile(
    r"<[^>]*\bhx-get=[\"']([^\"']+)[\"'][^>]*\bhx-trigger=[\"']load[\"']"
    r"|<[^>]*\bhx-trigger=[\"']load[\"'][^>]*\bhx-get=[\"']([^\"']+)[\"']",
    re.IGNORECASE,
)
_IMPORT = re.compile(
    r"(?:\bimport|\bexport)\s[^;'\"]*?\bfrom\s*[\"']([^\"']+)[\"']"
    r"|\bimport\s*\(?\s*[\"']([^\"']+)[\"']"
)

Operation = Callable[[], Awaitable[None]]


async def timed(operation: Operation, samples: int) -> tuple[float, float]:
    for _ in range(min(10, samples)):  # warm caches, connections and templates
        await operation()
    durations = []
    for _ in range(samples):
        began = time.perf_counter()
        await operation()
        durations.append((time.perf_counter() - began) * 1000)
    return percentiles(durations)


def percentiles(durations: list[float]) -> tuple[float, float]:
    ordered = sorted(durations)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, len(ordered) * 95 // 100)]


# --- databases --------------------------------------------------------------------------------


async def prepare(url: str, count: int) -> None:
    """Migrated, the admin agent there (the generated tickets belong to it), then filled."""
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    bus = create_bus(None)
    await bus.start()
    config = SettingsStore(factory, bus)
    await config.reload()
    runtime = Runtime(bus=bus, config=config, settings=ProcessSettings(database_url=url))
    try:
        async with unit_of_work(factory) as session:
            await ensure_admin(Tx(session=session, runtime=runtime), ADMIN_PASSWORD)
        loading = time.perf_counter()
        if url.startswith("postgresql"):
            await fill_postgres(url, count)
        else:
            await fill_sqlite(factory, count)
        print(f"  filled {count:,} tickets in {time.perf_counter() - loading:.1f} s", flush=True)
    finally:
        await bus.stop()
        await engine.dispose()


@asynccontextmanager
async def database(backend: str, postgres_url: str) -> AsyncIterator[str]:
    """An empty database of the backend, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-pages-") as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'pages.db'}"
        return
    name = f"frontdesk_bench_pages_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


# --- the pages --------------------------------------------------------------------------------


async def big_ticket(client: httpx.AsyncClient, bearer: dict[str, str], articles: int) -> int:
    """A ticket with ``articles`` articles, made through the API as an agent would."""
    created = await client.post(
        "/api/v1/tickets",
        json={
            "title": "Thirty messages about the printer",
            "queue_id": QUEUE,
            "article": {"subject": "Printer", "body": "It does not print. " * 20},
        },
        headers=bearer,
    )
    assert created.status_code == 201, created.text[:500]
    ticket_id = int(created.json()["id"])
    for number in range(1, articles):
        added = await client.post(
            f"/api/v1/tickets/{ticket_id}/articles",
            json={
                "subject": f"Re: Printer ({number})",
                "body": f"Message {number}: still not printing. " * 10,
                "channel": "internal" if number % 2 else "email",
                "sender": "agent",
                "visible_for_customer": number % 2 == 0,
            },
            headers=bearer,
        )
        assert added.status_code == 201, added.text[:500]
    return ticket_id


def page_urls(ticket_id: int) -> list[tuple[str, str]]:
    return [
        ("dashboard", "/agent"),
        ("queue view (50 rows, open, by age)", QUEUE_VIEW),
        ("ticket zoom (30 articles)", f"/agent/tickets/{ticket_id}"),
    ]


def get(client: httpx.AsyncClient, path: str) -> Operation:
    async def operation() -> None:
        response = await client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"

    return operation


async def server_times(
    client: httpx.AsyncClient, backend: str, count: int, ticket_id: int, samples: int
) -> list[dict[str, Any]]:
    floor_p50, floor_p95 = await timed(get(client, "/healthz"), samples)
    rows = [
        {
            "kind": "server time",
            "backend": backend,
            "tickets": count,
            "page": "GET /healthz (floor)",
            "p50_ms": round(floor_p50, 2),
            "p95_ms": round(floor_p95, 2),
            "p50_vs_healthz": 1.0,
            "p95_vs_healthz": 1.0,
        }
    ]
    for name, path in page_urls(ticket_id):
        p50, p95 = await timed(get(client, path), samples)
        rows.append(
            {
                "kind": "server time",
                "backend": backend,
                "tickets": count,
                "page": name,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "p50_vs_healthz": round(p50 / floor_p50, 1),
                "p95_vs_healthz": round(p95 / floor_p95, 1),
            }
        )
    return rows


# --- the bytes a page loads -------------------------------------------------------------------


def referenced_assets(html: str) -> tuple[list[str], list[str], list[str]]:
    """The style sheets, scripts and load-time htmx fragments an HTML page names."""
    sheets = [m.group(1) for tag in _STYLESHEET.findall(html) if (m := _HREF.search(tag))]
    scripts = _SCRIPT.findall(html)
    fragments = [a or b for a, b in _LOADED_FRAGMENT.findall(html)]
    return sheets, scripts, fragments


async def asset_bytes(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    sheets, scripts, fragments = referenced_assets(page.text)
    for fragment in fragments:
        loaded = await client.get(urljoin(path, fragment), headers={"HX-Request": "true"})
        if loaded.status_code == 200:
            more_sheets, more_scripts, _ = referenced_assets(loaded.text)
            sheets += more_sheets
            scripts += more_scripts
    sizes: dict[str, int] = {}  # url → gzipped bytes
    kinds: dict[str, str] = {}
    pending = [(urljoin(path, s), "css") for s in sheets] + [
        (urljoin(path, s), "js") for s in scripts
    ]
    while pending:
        url, kind = pending.pop()
        if url in sizes or urlsplit(url).netloc:  # other hosts are not this page's bytes
            continue
        response = await client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        sizes[url] = len(gzip.compress(response.content, GZIP_LEVEL))
        kinds[url] = kind
        if kind == "js":
            for a, b in _IMPORT.findall(response.text):
                target = a or b
                if target.startswith((".", "/")):
                    pending.append((urljoin(url, target), "js"))

    def counted(url: str) -> bool:
        return not url.startswith(VENDOR) or any(name in url for name in ALWAYS_COUNTED)

    css = sum(size for url, size in sizes.items() if kinds[url] == "css" and counted(url))
    js = sum(size for url, size in sizes.items() if kinds[url] == "js" and counted(url))
    vendored = sum(size for url, size in sizes.items() if not counted(url))
    total_kb = (css + js) / 1024
    return {
        "css_gzip_bytes": css,
        "js_gzip_bytes": js,
        "total_kb": round(total_kb, 1),
        "target_kb": TARGET_ASSET_KB,
        "target_met": total_kb <= TARGET_ASSET_KB,
        "files": len([url for url in sizes if counted(url)]),
        "vendored_left_out_gzip_bytes": vendored,
    }


async def asset_rows(client: httpx.AsyncClient, ticket_id: int) -> list[dict[str, Any]]:
    rows = []
    for name, path in page_urls(ticket_id):
        rows.append({"kind": "assets", "page": name, **await asset_bytes(client, path)})
    return rows


# --- live lists (issue 19, item 2) ------------------------------------------------------------


async def live_queue_row_latency(
    address: str,
    client: httpx.AsyncClient,
    bearer: dict[str, str],
    backend: str,
    samples: int,
) -> dict[str, Any] | None:
    """Time from a ticket's commit (the API's answer to its creation) to its row
    (``[data-ticket-id]``) in a queue view open in Chromium, p50/p95 in milliseconds.

    The hook for the live ticket lists: None — no row — while the queue view does not carry
    LIVE_LIST_MARKER, i.e. does not update itself yet.
    """
    page_html = (await client.get(LIVE_QUEUE_VIEW)).text
    if LIVE_LIST_MARKER not in page_html:
        return None
    from playwright.async_api import async_playwright

    session = {c.name: c.value for c in client.cookies.jar}
    durations = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            await context.add_cookies(
                [{"name": k, "value": v, "url": address} for k, v in session.items()]
            )
            page = await context.new_page()
            await page.goto(f"{address}{LIVE_QUEUE_VIEW}")
            await page.wait_for_selector('[data-live-list][data-live-state="following"]')
            for number in range(samples):
                appeared = await page.evaluate_handle(
                    """() => new Promise((resolve) => {
                      const seen = new Map();
                      new MutationObserver(() => {
                        for (const row of document.querySelectorAll("[data-ticket-id]")) {
                          const id = row.dataset.ticketId;
                          if (!seen.has(id)) seen.set(id, Date.now());
                        }
                      }).observe(document.body, {childList: true, subtree: true});
                      resolve(seen);
                    })"""
                )
                created = await client.post(
                    "/api/v1/tickets",
                    json={
                        "title": f"Live row {number}",
                        "queue_id": QUEUE,
                        "article": {"subject": "Live", "body": "Appears by itself."},
                    },
                    headers=bearer,
                )
                committed_ms = time.time() * 1000
                assert created.status_code == 201, created.text[:300]
                ticket_id = str(created.json()["id"])
                await page.wait_for_function(
                    "([seen, id]) => seen.has(id)", arg=[appeared, ticket_id], timeout=10_000
                )
                shown_ms = await page.evaluate(
                    "([seen, id]) => seen.get(id)", [appeared, ticket_id]
                )
                durations.append(max(0.0, float(shown_ms) - committed_ms))
        finally:
            await browser.close()
    p50, p95 = percentiles(durations)
    return {
        "kind": "live list",
        "backend": backend,
        "page": "commit to row in an open queue view (Chromium)",
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
    }


# --- the run ----------------------------------------------------------------------------------


async def measure(
    url: str, backend: str, count: int, articles: int, samples: int, with_assets: bool
) -> list[dict[str, Any]]:
    await prepare(url, count)
    async with serving(url) as address, httpx.AsyncClient(base_url=address, timeout=60) as client:
        login = await client.post("/login", data={"login": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 303, login.text[:500]
        token = await client.post(
            "/api/v1/auth/token",
            json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"},
        )
        assert token.status_code == 200, token.text[:500]
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}
        ticket_id = await big_ticket(client, bearer, articles)
        rows = await server_times(client, backend, count, ticket_id, samples)
        if with_assets:
            rows += await asset_rows(client, ticket_id)
        live = await live_queue_row_latency(address, client, bearer, backend, samples)
        if live is not None:
            rows.append(live)
    return rows


async def main(arguments: Any) -> None:
    load_features()
    if arguments.smoke:
        arguments.tickets, arguments.samples = 300, 5
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    rows: list[dict[str, Any]] = []
    for number, backend in enumerate(backends):
        print(f"{backend}: {arguments.tickets:,} tickets …", flush=True)
        async with database(backend, arguments.postgres_url) as url:
            rows += await measure(
                url, backend, arguments.tickets, arguments.articles, arguments.samples, number == 0
            )
    for kind in ("server time", "assets", "live list"):
        chosen = [
            {k: v for k, v in row.items() if k != "kind"} for row in rows if row["kind"] == kind
        ]
        if chosen:
            print(f"\n{kind}:")
            print(markdown_table(chosen), flush=True)
    if arguments.json is not None:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps({"bench": "pages", "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    asyncio.run(main(parser.parse_args()))
