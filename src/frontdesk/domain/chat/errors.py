"""Errors of the chat feature (each maps to its API status and code)."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, NotFound, PermissionDenied


class ChatNotFound(NotFound):
    """The same answer for a chat that does not exist and one the caller may not see."""

    code = "chat_not_found"

    def __init__(self) -> None:
        super().__init__("No such chat.")


class ChannelNotFound(NotFound):
    code = "chat_channel_not_found"

    def __init__(self) -> None:
        super().__init__("No such chat channel.")


class ChatDisabled(PermissionDenied):
    """ChatEngine::Active is off."""

    code = "chat_disabled"

    def __init__(self) -> None:
        super().__init__("The chat is switched off on this system.")


class ChatClosed(Conflict):
    code = "chat_closed"

    def __init__(self) -> None:
        super().__init__("This chat is closed.")


class AlreadyAccepted(Conflict):
    code = "already_accepted"

    def __init__(self) -> None:
        super().__init__("Someone else has already accepted this chat.")


class NoAgentAvailable(Conflict):
    code = "no_agent_available"

    def __init__(self) -> None:
        super().__init__("No agent is available for this channel right now.")


class NotARequest(Conflict):
    code = "not_a_request"

    def __init__(self) -> None:
        super().__init__("This chat is no longer waiting to be accepted.")
