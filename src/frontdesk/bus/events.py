"""Typed events. Each event class names its ``kind``; the bus carries them as JSON.

An event says who should hear of it (``audience``); the realtime layer only routes by it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Audience(BaseModel):
    """Who receives an event. Empty means: only in-process subscribers (no user connections)."""

    model_config = ConfigDict(frozen=True)

    agent_ids: tuple[int, ...] = ()
    customer_user_ids: tuple[int, ...] = ()
    # Agents holding any permission in these groups (e.g. everyone who may see a queue).
    group_ids: tuple[int, ...] = ()
    everyone: bool = False


class Event(BaseModel):
    """Base of every event. Subclasses set ``kind`` as a ClassVar, e.g. ``"ticket.created"``."""

    model_config = ConfigDict(frozen=True)

    kind: ClassVar[str] = "event"
    audience: Audience = Field(default_factory=Audience)

    _registry: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            Event._registry[cls.kind] = cls

    def to_wire(self) -> dict[str, Any]:
        return {"kind": self.kind, "data": self.model_dump(mode="json")}

    @classmethod
    def from_wire(cls, message: dict[str, Any]) -> Event:
        event_class = cls._registry.get(str(message.get("kind")))
        if event_class is None or event_class is UnknownEvent:
            return UnknownEvent.from_message(message)
        return event_class.model_validate(message["data"])


class UnknownEvent(Event):
    """An event from a newer process version this one does not know: passed on, not dropped."""

    kind: ClassVar[str] = "unknown"
    name: str
    data: dict[str, Any]

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> UnknownEvent:
        data = message.get("data")
        data = data if isinstance(data, dict) else {}
        try:  # keep the audience so the realtime layer can still route it
            audience = Audience.model_validate(data.get("audience") or {})
        except ValueError:
            audience = Audience()
        return cls(name=str(message.get("kind")), data=data, audience=audience)

    def to_wire(self) -> dict[str, Any]:
        """The message as it came: passing it on does not rename it to ``"unknown"``."""
        return {"kind": self.name, "data": self.data}
