"""The durable outbox: everything that leaves the system (mail now; SMS, web-service calls later)
is queued in the caller's transaction and delivered by the job workers. See
docs/architecture/outbox.md."""
