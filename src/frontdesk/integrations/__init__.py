"""Outbound adapters behind small Protocols: e-mail, SMS, PDF, HTTP requesters, external DBs."""
