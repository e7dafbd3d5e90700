"""The e-mail channel: the mail headers and exact source kept beside an article."""
