"""Input and output shapes of accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)

from frontdesk.core.clock import isoformat_z, known_timezones
from frontdesk.core.fields import Email, Login, Name
from frontdesk.core.input_model import InputModel
from frontdesk.domain.accounts.settings import AGENT_LANGUAGE

Realm = Literal["agent", "customer"]


# --- shared field types ----------------------------------------------------------------------


def _check_timezone(value: str) -> str:
    if value not in known_timezones():
        raise ValueError("must be an IANA time zone such as UTC or Europe/Berlin")
    return value


def _check_language(value: str) -> str:
    if value not in KNOWN_LANGUAGES:
        raise ValueError("must be one of: " + ", ".join(KNOWN_LANGUAGES))
    return value


def _or_follow_global(check: Callable[[str], str]) -> Callable[[str], str]:
    """``check``, except that "" is accepted: the agent follows the deployed global setting."""

    def checked(value: str) -> str:
        return value if value == "" else check(value)

    return checked


# The languages the interface is translated into; the agent language setting lists the same.
KNOWN_LANGUAGES: tuple[str, ...] = tuple(AGENT_LANGUAGE.options)

Timezone = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_timezone)]
Language = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_language)]
# An agent's own language or time zone; "" (or null) means "follow Agent::Language /
# Agent::TimeZone", so a newly deployed global value reaches them.
_STRIPPED = StringConstraints(strip_whitespace=True)
AgentTimezone = Annotated[str, _STRIPPED, AfterValidator(_or_follow_global(_check_timezone))]
AgentLanguage = Annotated[str, _STRIPPED, AfterValidator(_or_follow_global(_check_language))]
_FOLLOWS_LANGUAGE = "The agent's own language; null follows the global setting Agent::Language"
_FOLLOWS_TIMEZONE = "The agent's own time zone; null follows the global setting Agent::TimeZone"
Password = Annotated[str, StringConstraints(min_length=8, max_length=1000)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=250)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CustomerId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150, pattern=r"^\S+$")
]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]
# Datetimes stay datetimes for pages (which convert to the viewer's zone) and become ISO 8601
# UTC with "Z" in JSON.
Timestamp = Annotated[datetime, PlainSerializer(isoformat_z, return_type=str, when_used="json")]

# Updates name only what changes; an unknown field is an error rather than silently ignored.
_UPDATE = ConfigDict(extra="forbid")
_FROM_MODEL = ConfigDict(from_attributes=True)


# Every input refuses NUL characters (see core.input_model).
Input = InputModel


class LoginInput(Input):
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


class AgentCreate(Input):
    login: Login
    first_name: Name
    last_name: Name
    email: Email
    password: str | None = Field(default=None, min_length=8, max_length=1000)
    valid: bool = True
    language: AgentLanguage | None = Field(default=None, description=_FOLLOWS_LANGUAGE)
    timezone: AgentTimezone | None = Field(default=None, description=_FOLLOWS_TIMEZONE)


# --- agents ------------------------------------------------------------------------------------


class AgentUpdate(Input):
    model_config = _UPDATE

    login: Login | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    email: Email | None = None
    password: Password | None = None
    valid: bool | None = None
    language: AgentLanguage | None = Field(default=None, description=_FOLLOWS_LANGUAGE)
    timezone: AgentTimezone | None = Field(default=None, description=_FOLLOWS_TIMEZONE)


class AgentOut(BaseModel):
    model_config = _FROM_MODEL

    id: int
    login: str
    first_name: str
    last_name: str
    email: str
    valid: bool
    language: str | None = Field(description=_FOLLOWS_LANGUAGE)
    timezone: str | None = Field(description=_FOLLOWS_TIMEZONE)
    created_at: Timestamp
    updated_at: Timestamp

    @field_validator("language", "timezone", mode="before")
    @classmethod
    def _follows_global(cls, value: str | None) -> str | None:
        # Stored as "" (see Agent.language): shown as null, "no own value".
        return value or None


# --- customer companies ------------------------------------------------------------------------


class CustomerCompanyCreate(Input):
    customer_id: CustomerId
    name: LongName
    street: OptionalText | None = None
    city: OptionalText | None = None
    country: OptionalText | None = None
    url: Comment | None = None
    comment: Comment | None = None
    valid: bool = True


class CustomerCompanyUpdate(Input):
    """``customer_id`` is the company's public key (tickets carry it), so it does not change."""

    model_config = _UPDATE

    name: LongName | None = None
    street: OptionalText | None = None
    city: OptionalText | None = None
    country: OptionalText | None = None
    url: Comment | None = None
    comment: Comment | None = None
    valid: bool | None = None


class CustomerCompanyOut(BaseModel):
    model_config = _FROM_MODEL

    id: int
    customer_id: str
    name: str
    street: str | None
    city: str | None
    country: str | None
    url: str | None
    comment: str | None
    valid: bool
    created_at: Timestamp
    updated_at: Timestamp


# --- customer users ----------------------------------------------------------------------------


class CustomerUserCreate(Input):
    login: Login
    first_name: Name
    last_name: Name
    email: Email
    password: Password | None = None
    customer_id: CustomerId | None = None
    phone: Phone | None = None
    mobile: Phone | None = None
    valid: bool = True
    language: Language = "en"
    timezone: Timezone = "UTC"


class CustomerUserUpdate(Input):
    model_config = _UPDATE

    login: Login | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    email: Email | None = None
    password: Password | None = None
    customer_id: CustomerId | None = None
    phone: Phone | None = None
    mobile: Phone | None = None
    valid: bool | None = None
    language: Language | None = None
    timezone: Timezone | None = None
    theme: Literal["auto", "light", "dark"] | None = Field(
        default=None, description="Colour theme of the agent interface (Agent::Theme)"
    )


class CustomerUserOut(BaseModel):
    model_config = _FROM_MODEL

    id: int
    login: str
    first_name: str
    last_name: str
    email: str
    customer_id: str | None
    phone: str | None
    mobile: str | None
    valid: bool
    language: str
    timezone: str
    created_at: Timestamp
    updated_at: Timestamp


# --- groups and roles --------------------------------------------------------------------------


class GroupCreate(Input):
    name: LongName
    comment: Comment | None = None
    valid: bool = True


class GroupUpdate(Input):
    model_config = _UPDATE

    name: LongName | None = None
    comment: Comment | None = None
    valid: bool | None = None


class GroupOut(BaseModel):
    model_config = _FROM_MODEL

    id: int
    name: str
    comment: str | None
    valid: bool
    created_at: Timestamp
    updated_at: Timestamp


class RoleCreate(GroupCreate):
    pass


class RoleUpdate(GroupUpdate):
    pass


class RoleOut(GroupOut):
    pass


# --- permissions -------------------------------------------------------------------------------


class PermissionsInput(Input):
    """The complete set of permission types to hold; an empty list removes them all."""

    permissions: list[str] = Field(max_length=20)


class MembershipInput(Input):
    """Body of ``PUT /roles/{id}/agents/{id}``: nothing to say, the path says it all."""

    model_config = _UPDATE


class GroupAgentPermissions(BaseModel):
    """One row of the group ↔ agent matrix: what the agent holds directly in the group."""

    agent_id: int
    login: str
    first_name: str
    last_name: str
    valid: bool
    permissions: list[str]


class GroupRolePermissions(BaseModel):
    role_id: int
    name: str
    valid: bool
    permissions: list[str]


class GroupCustomerUserPermissions(BaseModel):
    customer_user_id: int
    login: str
    first_name: str
    last_name: str
    valid: bool
    permissions: list[str]


class RoleMember(BaseModel):
    agent_id: int
    login: str
    first_name: str
    last_name: str
    valid: bool


class EffectivePermissions(BaseModel):
    """What an agent may do in one group: ``permissions`` is the expanded union of ``direct``
    and ``via_roles`` (rw implies every ticket type; chat levels nest)."""

    group_id: int
    group_name: str
    permissions: list[str]
    direct: list[str]
    via_roles: list[str]


# --- the caller's own account ------------------------------------------------------------------


class PreferencesInput(Input):
    model_config = _UPDATE

    language: Language | None = None
    timezone: Timezone | None = None
    theme: Literal["auto", "light", "dark"] | None = Field(
        default=None, description="Colour theme of the agent interface (Agent::Theme)"
    )


class LocaleChoiceOut(BaseModel):
    """An agent's language or time zone as their preferences show it."""

    field: Literal["language", "timezone"]
    setting: str = Field(description="The setting it is the agent's own value of")
    value: str = Field(description="What applies to the agent now")
    own: bool = Field(description="The agent chose it; otherwise they follow the global value")
    global_value: str
    allowed: bool = Field(description="The administrator lets agents choose their own")


class PasswordChange(Input):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: Password
