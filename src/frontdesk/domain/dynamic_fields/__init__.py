"""Dynamic fields: typed values an administrator adds to tickets, articles, customer users and
customer companies. Each field type is a driver in ``drivers/``, registered in one place."""
