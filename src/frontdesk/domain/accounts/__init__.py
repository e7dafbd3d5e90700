"""Agents, customer users and companies, groups, roles, permissions, tokens, preferences."""
