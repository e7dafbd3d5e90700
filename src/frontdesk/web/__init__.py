"""The only package that imports FastAPI, Starlette and Jinja2."""
