"""Argon2id password hashing, off the event loop.

Parameters follow OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane): ~50 ms per hash
here, so a login costs little CPU yet guessing stays expensive. Hashing runs in a thread so a
login never stalls the other requests (and the live chat) of the process. Hashes keep their own
parameters, so changing them later still verifies old ones.
"""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def configure_hashing(*, time_cost: int, memory_cost_kib: int, parallelism: int = 1) -> None:
    """Change the cost of new hashes (tests make them cheap; never lower it in production)."""
    global _hasher
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
    )
    _dummy_hash.cache_clear()


@cache
def _dummy_hash() -> str:
    # Verified against when the login does not exist, so both cases cost the same time.
    return _hasher.hash("frontdesk-timing-equaliser")


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(_verify, password_hash, password)
