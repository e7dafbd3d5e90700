"""Ticket notifications (the OTRS notification engine): which ticket events tell whom, in which
words and through which transports. See docs/architecture/notifications.md."""
