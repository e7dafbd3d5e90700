"""The exchange format of configurations: YAML mapping setting names to values.

Defaults are omitted, so an exported file lists exactly what an admin changed::

    # Frontdesk configuration in force
    SessionActiveTime: 30
    _user_modification:
      Agent::TimeZone: false

``_user_modification`` (optional; no setting name starts with "_") holds the admin's
allow (true) / forbid (false) decisions on agents' own values. Files without it, as older
exports are, still read the same. A file with nothing changed is the empty mapping ``{}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

from frontdesk.core.errors import ValidationFailed

USER_MODIFICATION_KEY = "_user_modification"


@dataclass
class ConfigFile:
    """What a configuration file says, not yet checked against the declarations."""

    values: dict[str, Any] = field(default_factory=dict)
    user_modification: dict[str, Any] = field(default_factory=dict)


def dump_entries(entries: dict[str, dict[str, Any]], *, title: str) -> str:
    """Entries (``{"value": …, "users": …}`` per setting) as a file; defaults are absent."""
    values = {name: e["value"] for name, e in sorted(entries.items()) if "value" in e}
    flags = {name: e["users"] for name, e in sorted(entries.items()) if "users" in e}
    body = _dump(values) if values else ""
    if flags:
        body += _dump({USER_MODIFICATION_KEY: flags})
    one_line = " ".join(title.split())  # a line break in a comment would end the YAML comment
    return f"# {one_line}\n" + (body or "{}\n")


def _dump(data: dict[str, Any]) -> str:
    return str(yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=False))


def load_value(text: str) -> Any:
    """One value written as YAML (``30``, ``true``, ``[a, b]``); errors name ``value``."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed("value", f"is not valid YAML: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else "unreadable"


def load_config(text: str) -> ConfigFile:
    """The mapping in ``text`` (an empty file is an empty mapping); anything else is a
    ValidationFailed naming ``file``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed("file", f"is not valid YAML: {_first_line(error)}") from None
    if data is None:
        return ConfigFile()
    if not isinstance(data, dict):
        raise ValidationFailed("file", "must map setting names to values")
    flags = data.pop(USER_MODIFICATION_KEY, None) or {}
    if not isinstance(flags, dict):
        raise ValidationFailed(
            "file", f"{USER_MODIFICATION_KEY} must map setting names to true or false"
        )
    return ConfigFile(
        values={str(name): value for name, value in data.items()},
        user_modification={str(name): value for name, value in flags.items()},
    )
