"""THE event bus: typed events queued in the transaction, published after commit."""

from frontdesk.bus.bus import EventBus, create_bus, queue_event
from frontdesk.bus.events import Audience, Event

__all__ = ["Audience", "Event", "EventBus", "create_bus", "queue_event"]
