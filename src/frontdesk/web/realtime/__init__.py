"""Live transports: the WebSocket endpoint, the per-process connection registry, long-poll."""
