"""A deployed change reaches a separate OS process without restart (no shared bus: the second
process notices through the database's generation counter)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from frontdesk.bus.backends.memory import MemoryBus
from frontdesk.core.actor import SYSTEM
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.settings import ONLINE_MINUTES
from frontdesk.feature_index import load_features
from frontdesk.sysconfig import actions

WATCHER = textwrap.dedent(
    """
    import asyncio, sys
    from frontdesk.bus.backends.memory import MemoryBus
    from frontdesk.db.engine import create_engine, create_session_factory
    from frontdesk.domain.accounts.settings import ONLINE_MINUTES
    from frontdesk.feature_index import load_features
    from frontdesk.sysconfig.store import SettingsStore

    async def main() -> None:
        load_features()
        engine = create_engine(sys.argv[1])
        store = SettingsStore(create_session_factory(engine), MemoryBus(), poll_seconds=0.05)
        await store.start()
        first = store.value(ONLINE_MINUTES)
        print("ready", first, flush=True)
        while store.value(ONLINE_MINUTES) == first:
            await asyncio.sleep(0.02)
        print("changed", store.value(ONLINE_MINUTES), flush=True)
        await store.stop()
        await engine.dispose()

    asyncio.run(main())
    """
)


async def _line(process: asyncio.subprocess.Process, seconds: float) -> str:
    assert process.stdout is not None
    return (await asyncio.wait_for(process.stdout.readline(), seconds)).decode().strip()


async def test_deployment_reaches_a_second_process(db_url: str) -> None:
    load_features()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WATCHER, db_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    engine = create_engine(db_url)
    bus = MemoryBus()
    factory = create_session_factory(engine)
    try:
        assert await _line(process, 30) == "ready 10"
        async with unit_of_work(factory) as session:
            await actions.do_stage_value(session, bus, SYSTEM, ONLINE_MINUTES.name, 45)
        assert process.stdout is not None
        early = asyncio.ensure_future(process.stdout.readline())
        await asyncio.sleep(0.5)
        assert not early.done(), "a staged change must not reach the other process"
        async with unit_of_work(factory) as session:
            await actions.do_deploy(session, bus, SYSTEM, "Forty-five")
        assert (await asyncio.wait_for(early, 10)).decode().strip() == "changed 45"
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await engine.dispose()
