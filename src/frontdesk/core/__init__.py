"""The framework-free kernel: who acts, what went wrong, what time it is, how lists page."""
