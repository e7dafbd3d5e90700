"""Settings of dynamic fields: none. Which screens show a field is part of the field itself
(``DynamicField.screens``), edited on the field's admin screen."""

from __future__ import annotations
