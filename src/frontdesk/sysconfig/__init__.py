"""The settings registry: every feature declares its settings here and reads them through it."""
