"""Postmaster filters: header patterns decide queue, state, priority, customer, type or "ignore".

Filters run in name order (as in OTRS). A filter applies when every one of its conditions holds;
a condition is a regular expression searched (ignoring case) in each header of that name — or
in the body for the pseudo-header ``Body`` — and ``negate`` turns it round. What an applying
filter sets overrides what an earlier one set; ``stop`` ends the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.mail_inbound.models import PostmasterFilter
from frontdesk.domain.mail_inbound.parsing import ParsedMail

SET_KEYS = ("queue", "state", "priority", "customer_user", "type", "ignore")
# The headers a trusted account's mail may steer itself with (OTRS's X-OTRS-* headers).
TRUSTED_HEADERS = {
    "x-frontdesk-queue": "queue",
    "x-frontdesk-state": "state",
    "x-frontdesk-priority": "priority",
    "x-frontdesk-customeruser": "customer_user",
    "x-frontdesk-type": "type",
    "x-frontdesk-ignore": "ignore",
}


def condition_holds(mail: ParsedMail, condition: Mapping[str, Any]) -> bool:
    header = str(condition.get("header", ""))
    pattern = re.compile(str(condition.get("pattern", "")), re.IGNORECASE)
    if header.lower() == "body":
        values = [mail.body]
    else:
        values = [value for name, value in mail.headers if name.lower() == header.lower()]
    found = any(pattern.search(value) for value in values)
    return found != bool(condition.get("negate", False))


def filter_applies(mail: ParsedMail, conditions: Iterable[Mapping[str, Any]]) -> bool:
    conditions = list(conditions)
    return bool(conditions) and all(condition_holds(mail, c) for c in conditions)


def run_filters(mail: ParsedMail, filters: Iterable[PostmasterFilter]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for entry in filters:
        if filter_applies(mail, entry.match):
            values.update({k: v for k, v in entry.set_values.items() if k in SET_KEYS})
            if entry.stop:
                break
    return values


def trusted_header_values(mail: ParsedMail) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in mail.headers:
        key = TRUSTED_HEADERS.get(name.lower())
        if key is not None and value:
            values[key] = value.lower() in ("yes", "true", "1") if key == "ignore" else value
    return values


async def valid_filters(session: AsyncSession) -> list[PostmasterFilter]:
    rows = await session.scalars(
        select(PostmasterFilter)
        .where(PostmasterFilter.valid.is_(True))
        .order_by(PostmasterFilter.name, PostmasterFilter.id)
    )
    return list(rows)
