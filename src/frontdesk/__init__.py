"""Frontdesk: a helpdesk with tickets and live chat."""

__version__ = "0.1.0"
