"""The list of features: imports their settings, events and models so declarations register,
and collects their periodic jobs (``domain/<feature>/jobs.py`` may define ``register``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial

from frontdesk.domain.runtime import Runtime
from frontdesk.jobs.scheduler import JobScheduler

FEATURES = (
    "accounts",
    "ticket_catalogue",
    "business_calendars",
    "tickets",
    "chat",
    "outbox",
    "email",
    "mail_setup",
    "escalations",
)


def load_features() -> None:
    from frontdesk import model_index  # noqa: F401 - registers every model

    for feature in FEATURES:
        for part in ("settings", "events"):
            _import_optional(f"frontdesk.domain.{feature}.{part}")


def feature_job_registrations(runtime: Runtime) -> list[Callable[[JobScheduler], None]]:
    """Each feature's ``register(scheduler, runtime)``, bound to this process's runtime so job
    bodies run as actions with a ``Tx`` (and their events go out after commit)."""
    registrations: list[Callable[[JobScheduler], None]] = []
    for feature in FEATURES:
        module = _import_optional(f"frontdesk.domain.{feature}.jobs")
        register = getattr(module, "register", None)
        if callable(register):
            registrations.append(partial(register, runtime=runtime))
    return registrations


def _import_optional(name: str) -> object | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        # Only "this module (or its package) does not exist" is optional; a broken import inside
        # an existing module still fails loudly.
        if error.name is None or not name.startswith(error.name):
            raise
        return None
