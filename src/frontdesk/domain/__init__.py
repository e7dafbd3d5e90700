"""One package per feature. Never imports the web layer."""
