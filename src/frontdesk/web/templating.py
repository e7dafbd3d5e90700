"""Jinja2 environment: autoescaping always on, gettext for every UI string, local time display.

User text is never marked safe: templates print it with the default escaping, and the only
filter that formats text (``paragraphs``) escapes before it adds line breaks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.support import NullTranslations, Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from frontdesk.core.actor import Actor
from frontdesk.core.clock import as_utc
from frontdesk.domain.accounts.settings import AGENT_THEME
from frontdesk.domain.tickets.settings import TICKET_LIST_COLUMNS, TICKET_LIST_DENSITY
from frontdesk.web.escalation_display import earliest_escalation, is_past
from frontdesk.web.relative_time import initials, relative_time_for, utc_iso

TEMPLATES = Path(__file__).parent / "templates"
LOCALE_DIR = Path(__file__).parent.parent / "locale"

_translations: dict[str, NullTranslations] = {}


def translations_for(language: str) -> NullTranslations:
    if language not in _translations:
        _translations[language] = Translations.load(str(LOCALE_DIR), [language, "en"], "messages")
    return _translations[language]


def local_time(
    value: datetime | str | None, timezone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M"
) -> str:
    """A UTC time (a datetime, or the API's ISO 8601 text) shown in the user's time zone."""
    if value is None or value == "":
        return ""
    moment: datetime
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    else:
        moment = value
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return as_utc(moment).astimezone(zone).strftime(fmt)


def paragraphs(text: str | None) -> Markup:
    """Escape user text, then keep its line breaks."""
    escaped = escape(text or "")
    return Markup("<br>\n").join(escaped.split("\n"))


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.install_gettext_translations(translations_for("en"), newstyle=True)  # type: ignore[attr-defined]
    return env


environment = _build_environment()


def _agent_theme(request: Request, actor: Actor) -> str:
    """The agent's colour theme (Agent::Theme, their own value or the global one)."""
    state = getattr(request.app.state, "frontdesk", None)
    if state is None:
        return "auto"
    return str(state.runtime.config.value(AGENT_THEME, actor.id))


def _agent_ticket_lists(request: Request, actor: Actor) -> tuple[list[str] | None, str]:
    """The optional columns and the density of the agent's ticket lists (their own values)."""
    state = getattr(request.app.state, "frontdesk", None)
    if state is None:
        return None, "comfortable"
    config = state.runtime.config
    return (
        list(config.value(TICKET_LIST_COLUMNS, actor.id)),
        str(config.value(TICKET_LIST_DENSITY, actor.id)),
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    csrf_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = actor.language if actor else "en"
    timezone = actor.timezone if actor else "UTC"
    translations = translations_for(language)
    values: dict[str, Any] = {
        "request": request,
        "actor": actor,
        "csrf_token": csrf_token or "",
        "user_timezone": timezone,
        "localtime": lambda v, fmt="%Y-%m-%d %H:%M": local_time(v, timezone, fmt),
        "ago": relative_time_for(language, timezone, translations.gettext),
        "utc_iso": utc_iso,
        "initials": initials,
        "earliest_escalation": earliest_escalation,
        "is_past": is_past,
        "gettext": translations.gettext,
        "ngettext": translations.ngettext,
        "_": translations.gettext,
    }
    values.update(context or {})
    if actor is not None and actor.is_agent and "theme" not in values:
        values["theme"] = _agent_theme(request, actor)
    if actor is not None and actor.is_agent and "ticket_columns" not in values:
        values["ticket_columns"], values["ticket_density"] = _agent_ticket_lists(request, actor)
    html = environment.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)
