"""Tickets, articles, attachments, history, queues, states, priorities, types, services, SLAs."""
