"""Escalation times of tickets in working time, their warnings and notification events."""
