"""Setting declarations and their validation by type.

A feature declares its settings in its own ``settings.py`` at import time::

    ACTIVE = declare("ChatEngine::Active", "bool", True, "Enables the chat.", navigation="Chat")

Code reads the effective value through the process's ``SettingsStore`` (``store.value(ACTIVE)``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from frontdesk.core.clock import known_timezones
from frontdesk.core.errors import NotFound, ValidationFailed

SettingType = Literal[
    "bool",
    "string",
    "text",
    "integer",
    "select",
    "multiselect",
    "list",
    "map",
    "duration",
    "email",
    "url",
    "group",
    "cron",
    "timezone",
    "color",
    "secret",
]

_TEXT_TYPES = frozenset(
    {"string", "text", "email", "url", "group", "cron", "select", "timezone", "color", "secret"}
)
# What every screen, answer, history and export shows for a secret that is set: the value itself
# is stored sealed (core/credentials.py) and leaves the process only towards the system it is for.
SECRET_SHOWN = "********"  # noqa: S105 - the mask shown, not a password
INTEGER_MAX = 2**31 - 1
INTEGER_MIN = -(2**31)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Six hex digits only: the value goes into served CSS, so nothing else may pass.
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


@dataclass(frozen=True)
class Setting:
    """One declared setting: its name, type, default and how admins find it."""

    name: str
    type: SettingType
    default: Any
    description: str
    navigation: str = "Core"
    user_modifiable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    options: Sequence[str] = ()
    pattern: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def takes_text(self) -> bool:
        """Values are plain text (names, URLs, zones…): typed input is taken as it is, never
        parsed as YAML (where ``yes`` would become true and ``a #b`` lose its end)."""
        return self.type in _TEXT_TYPES

    @property
    def integer_range(self) -> tuple[int, int]:
        """The bounds a whole number must keep: the declared ones, else a 32-bit integer's,
        so no stored value overflows what reads it (dates, sleeps, database columns)."""
        low = self.minimum if self.minimum is not None else INTEGER_MIN
        high = self.maximum if self.maximum is not None else INTEGER_MAX
        return low, high

    @property
    def is_secret(self) -> bool:
        return self.type == "secret"

    def shown(self, value: Any) -> Any:
        """The value as screens and answers may show it: a set secret is masked."""
        if self.is_secret:
            return SECRET_SHOWN if value else ""
        return value

    def validate(self, value: Any) -> Any:
        """Return the normalised value or raise ValidationFailed naming ``value``."""
        return _validate(self, value)


_DECLARED: dict[str, Setting] = {}


def declare(
    name: str,
    type: SettingType,
    default: Any,
    description: str,
    *,
    navigation: str = "Core",
    user_modifiable: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
    options: Sequence[str] = (),
    pattern: str | None = None,
) -> Setting:
    setting = Setting(
        name=name,
        type=type,
        default=default,
        description=description,
        navigation=navigation,
        user_modifiable=user_modifiable,
        minimum=minimum,
        maximum=maximum,
        options=tuple(options),
        pattern=pattern,
    )
    if type == "secret" and user_modifiable:
        raise ValueError(f"setting {name}: a secret cannot be user-modifiable")
    if name.startswith("_"):
        raise ValueError(f"setting {name}: names starting with _ are reserved (yaml_format)")
    setting.validate(default)  # a wrong default is a programming error: fail at import
    existing = _DECLARED.get(name)
    if existing is not None and existing != setting:
        raise ValueError(f"setting {name} declared twice with different definitions")
    _DECLARED[name] = setting
    return setting


def declared() -> Mapping[str, Setting]:
    return _DECLARED


@dataclass(frozen=True)
class UserValueColumn:
    """Where a feature keeps agents' own values of a setting in its own table (the agent's
    language and time zone live on the agent record, read by every request).

    ``load(session)`` returns ``{agent_id: value}`` of the agents who have an own value;
    ``save(session, agent_id, value)`` stores one, and ``value=None`` removes it (the agent then
    follows the global value).
    ``reload_on`` names the feature's event kinds after which every settings cache reloads (the
    feature's own preference screens change these columns too).
    """

    load: Callable[[Any], Awaitable[dict[int, Any]]]
    save: Callable[[Any, int, Any], Awaitable[None]]
    reload_on: tuple[str, ...] = ()


_COLUMNS: dict[str, UserValueColumn] = {}


def bind_user_values(setting: Setting, column: UserValueColumn) -> None:
    if not setting.user_modifiable:
        raise ValueError(f"setting {setting.name} is not user-modifiable")
    _COLUMNS[setting.name] = column


def user_value_columns() -> Mapping[str, UserValueColumn]:
    return _COLUMNS


def get_declaration(name: str) -> Setting:
    try:
        return _DECLARED[name]
    except KeyError:
        raise NotFound(f"There is no setting named {name}.", code="unknown_setting") from None


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed("value", message)


def _validate(setting: Setting, value: Any) -> Any:
    kind = setting.type
    if kind == "bool":
        if not isinstance(value, bool):
            raise _fail("must be true or false")
        return value
    if kind in ("integer", "duration"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail("must be a whole number")
        low, high = setting.integer_range
        if value < low:
            raise _fail(f"must be at least {low}")
        if value > high:
            raise _fail(f"must be at most {high}")
        return value
    if kind == "color":
        if not isinstance(value, str) or not _COLOR.match(value):
            raise _fail("must be a colour written #rrggbb, such as #0b5cad")
        return value.lower()
    if kind == "timezone":
        if not isinstance(value, str) or value not in known_timezones():
            raise _fail("must be an IANA time zone such as UTC or Europe/Berlin")
        return value
    if kind in ("string", "text", "email", "url", "group", "cron", "select", "secret"):
        if not isinstance(value, str):
            raise _fail("must be text")
        if kind in ("string", "secret") and ("\n" in value or "\r" in value):
            raise _fail("must be a single line")
        if kind == "email" and value and not _EMAIL.match(value):
            raise _fail("must be an e-mail address")
        if kind == "url" and value and not _URL.match(value):
            raise _fail("must be an http or https URL")
        if kind == "cron" and not _is_cron(value):
            raise _fail(
                "must be a cron expression of five fields (minute 0-59, hour 0-23, "
                "day 1-31, month 1-12, weekday 0-6)"
            )
        if kind == "select" and value not in setting.options:
            raise _fail("must be one of: " + ", ".join(setting.options))
        if setting.pattern and not re.fullmatch(setting.pattern, value):
            raise _fail(f"must match {setting.pattern}")
        return value
    if kind in ("multiselect", "list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail("must be a list of text values")
        if kind == "multiselect":
            unknown = [v for v in value if v not in setting.options]
            if unknown:
                raise _fail("unknown options: " + ", ".join(unknown))
        return value
    if kind == "map":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise _fail("must map text keys to text values")
        return value
    raise _fail(f"unsupported setting type {kind}")


# minute, hour, day of month, month, day of week (0-6: the job scheduler refuses 7)
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _is_cron(value: str) -> bool:
    fields = value.split()
    return len(fields) == 5 and all(
        _CRON_FIELD.match(text) and _cron_field_in_range(text, low, high)
        for text, (low, high) in zip(fields, _CRON_RANGES, strict=True)
    )


def _cron_field_in_range(text: str, low: int, high: int) -> bool:
    """Every number of a field (``1-5/2,*/15``) lies in the field's range; steps are positive
    and ranges run upwards."""
    for part in text.split(","):
        span, _, step = part.partition("/")
        if step and int(step) == 0:
            return False
        if span == "*":
            continue
        start, _, end = span.partition("-")
        first, last = int(start), int(end or start)
        if not low <= first <= last <= high:
            return False
    return True
