"""Reusable validated input types for pydantic schemas."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+$")


def _check_email(value: str) -> str:
    # Deliberately lenient: helpdesks see intranet and test domains that strict validators refuse.
    if not _EMAIL.match(value):
        raise ValueError("must be an e-mail address such as name@example.com")
    return value


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=250), AfterValidator(_check_email)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Login = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^\S+$")
]
