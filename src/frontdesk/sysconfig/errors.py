"""Errors of the settings registry (each carries its API code)."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, NotFound, PermissionDenied


class SettingLocked(Conflict):
    code = "setting_locked"


class NothingToDeploy(Conflict):
    code = "nothing_to_deploy"


class DeploymentNotFound(NotFound):
    code = "deployment_not_found"


class HistoryEntryNotFound(NotFound):
    code = "history_entry_not_found"


class NotUserModifiable(PermissionDenied):
    code = "not_user_modifiable"
