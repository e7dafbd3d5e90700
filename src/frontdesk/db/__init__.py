"""Database engine, session factory, the declarative base and the unit of work."""
