"""Tests with several server processes."""
