"""HTML routes for agent/, customer/, admin/ (thin: parse, call the domain, render)."""
