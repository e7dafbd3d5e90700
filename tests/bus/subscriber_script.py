"""Run in a separate OS process by test_bus: print every event received on a Redis channel.

Usage: python subscriber_script.py REDIS_URL CHANNEL COUNT TIMEOUT_SECONDS
Prints ``READY`` once subscribed, then ``EVENT <wire json>`` per event; exits after COUNT events
or TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
import json
import sys

from frontdesk.bus.backends.redis import RedisBus
from frontdesk.bus.events import Event


async def main(url: str, channel: str, count: int, seconds: float) -> int:
    bus = RedisBus(url, channel=channel)
    received: list[Event] = []
    done = asyncio.Event()

    async def handler(event: Event) -> None:
        received.append(event)
        print("EVENT " + json.dumps(event.to_wire(), sort_keys=True), flush=True)
        if len(received) >= count:
            done.set()

    bus.subscribe(handler)
    await bus.start()
    print("READY", flush=True)
    try:
        await asyncio.wait_for(done.wait(), timeout=seconds)
    except TimeoutError:
        return 1
    finally:
        await bus.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))))
