"""REST routes, one module per feature. Thin: parse, call the domain, shape the answer."""
