"""Queues, states, priorities, types, services, SLAs: what a ticket picks from."""
