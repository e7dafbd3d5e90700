"""The exchange format of configurations: YAML mapping setting names to values.

Defaults are omitted, so an exported file lists exactly what an admin changed.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

from frontdesk.core.errors import ValidationFailed


def dump_values(values: dict[str, Any], *, title: str) -> str:
    body = yaml.safe_dump(values, sort_keys=True, allow_unicode=True, default_flow_style=False)
    return f"# {title}\n" + ("" if not values else body)


def load_value(text: str) -> Any:
    """One value written as YAML (``30``, ``true``, ``[a, b]``); errors name ``value``."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed("value", f"is not valid YAML: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else "unreadable"


def load_values(text: str) -> dict[str, Any]:
    """The mapping in ``text``; anything else is a ValidationFailed naming ``file``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed("file", f"is not valid YAML: {_first_line(error)}") from None
    if not isinstance(data, dict) or not data:
        raise ValidationFailed("file", "must map setting names to values")
    return {str(name): value for name, value in data.items()}
