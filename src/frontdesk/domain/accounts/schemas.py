"""Input and output shapes of accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from frontdesk.core.fields import Email, Login, Name

Realm = Literal["agent", "customer"]


class LoginInput(BaseModel):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    realm: Realm = "agent"


class IssuedToken(BaseModel):
    """A freshly made token. ``secret`` is shown once and never stored."""

    secret: str
    csrf_token: str | None
    expires_at: datetime
    realm: Realm
    user_id: int


class UserOut(BaseModel):
    """The caller as ``/me`` and the token endpoint show them."""

    realm: Realm
    id: int
    login: str
    first_name: str
    last_name: str
    email: str
    language: str
    timezone: str
    customer_id: str | None = None


class TokenOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut


class AgentCreate(BaseModel):
    login: Login
    first_name: Name
    last_name: Name
    email: Email
    password: str | None = Field(default=None, min_length=8, max_length=1000)
    valid: bool = True
