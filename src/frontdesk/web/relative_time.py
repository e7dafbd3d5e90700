"""Relative times ("5 minutes ago", "yesterday") and sender initials for the templates.

The zoom's ``static/js/ticket-zoom.js`` refreshes the relative text every minute with
``Intl.RelativeTimeFormat``; the units chosen here are the ones it chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import UnknownLocaleError
from babel.dates import format_timedelta

from frontdesk.core.clock import as_utc, utcnow

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
# Older than this an exact date says more than "n days ago".
_RELATIVE_DAYS = 30


def _moment(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def utc_iso(value: datetime | str | None) -> str:
    """The moment as ``YYYY-MM-DDTHH:MM:SSZ`` (a ``<time datetime>`` value)."""
    moment = _moment(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def relative_time_for(
    language: str, timezone: str, gettext: Callable[[str], str]
) -> Callable[..., str]:
    """The templates' ``ago``: a moment as the agent's language says it relative to now."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")

    def babel_delta(delta: timedelta, granularity: Literal["minute", "hour", "day"]) -> str:
        # threshold high: keep the unit chosen here ("55 minutes", not "1 hour")
        try:
            return format_timedelta(
                delta, granularity=granularity, threshold=100, add_direction=True, locale=language
            )
        except (UnknownLocaleError, ValueError):
            return format_timedelta(
                delta, granularity=granularity, threshold=100, add_direction=True, locale="en"
            )

    def ago(value: datetime | str | None, now: datetime | None = None) -> str:
        moment = _moment(value)
        if moment is None:
            return ""
        current = as_utc(now) if now else utcnow()
        seconds = (current - moment).total_seconds()
        if abs(seconds) < _MINUTE:
            return gettext("just now")
        if abs(seconds) < _HOUR:
            return babel_delta(timedelta(minutes=-round(seconds / _MINUTE)), "minute")
        if abs(seconds) < _DAY:
            return babel_delta(timedelta(hours=-round(seconds / _HOUR)), "hour")
        days = (current.astimezone(zone).date() - moment.astimezone(zone).date()).days
        if days == 1:
            return gettext("yesterday")
        if 1 < days <= _RELATIVE_DAYS:
            return babel_delta(timedelta(days=-days), "day")
        return moment.astimezone(zone).strftime("%Y-%m-%d")

    return ago


def initials(sender: str | None) -> str:
    """Up to two letters for a sender's avatar: "Carla Customer <c@x>" gives "CC"."""
    text = (sender or "").strip()
    if "<" in text or "@" in text:
        name, address = parseaddr(text)
        text = name or address.split("@")[0]
    words = [w for w in text.replace('"', "").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()
