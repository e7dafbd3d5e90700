"""Settings of the accounts feature."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

CUSTOMER_ALWAYS_GROUPS = declare(
    "CustomerGroupAlwaysGroups",
    "list",
    ["users"],
    "Groups every customer user has rw in, whatever their own group permissions say.",
    navigation="Core::Customer",
)
AGENT_LANGUAGE = declare(
    "Agent::DefaultLanguage",
    "select",
    "en",
    "The language an agent sees until they choose their own.",
    navigation="Frontend::Agent",
    user_modifiable=True,
    options=("en",),
)
ONLINE_MINUTES = declare(
    "SessionActiveTime",
    "integer",
    10,
    "Minutes after the last request during which a user counts as online.",
    navigation="Core::Session",
    minimum=1,
    maximum=1440,
)
