"""Field types. One module per type; ``registry.py`` is the one place that lists them."""
