"""Imports every feature's settings, events and models so their declarations are registered."""

from __future__ import annotations


def load_features() -> None:
    from frontdesk import model_index  # noqa: F401
    from frontdesk.domain.accounts import events as accounts_events  # noqa: F401
    from frontdesk.domain.accounts import settings as accounts_settings  # noqa: F401
