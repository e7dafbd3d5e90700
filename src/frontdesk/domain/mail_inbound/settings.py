"""Settings of incoming mail (OTRS's names where OTRS has the setting)."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

DEFAULT_QUEUE = declare(
    "PostmasterDefaultQueue",
    "string",
    "Raw",
    "Queue of new tickets from mail that no filter, account or recipient address places.",
    navigation="Core::Email::PostMaster",
)
MAX_EMAIL_SIZE_KB = declare(
    "PostMaster::MaxEmailSize",
    "integer",
    16384,
    "Largest message (in KB) a mail account imports. A larger one stays on the server and is"
    " listed under failed incoming mail with its headers.",
    navigation="Core::Email::PostMaster",
    minimum=1,
    maximum=1048576,
)
FETCH_INTERVAL = declare(
    "PostMasterMailbox::FetchInterval",
    "integer",
    60,
    "Seconds between two fetches of each mail account.",
    navigation="Core::Email::PostMaster",
    minimum=10,
    maximum=86400,
)
FETCH_TIMEOUT = declare(
    "PostMasterMailbox::Timeout",
    "integer",
    30,
    "Seconds a mail server may take to answer before the fetch gives up.",
    navigation="Core::Email::PostMaster",
    minimum=1,
    maximum=600,
)
FETCH_MAX_MESSAGES = declare(
    "PostMasterMailbox::MaxMessages",
    "integer",
    100,
    "Messages imported from one account per fetch; the rest wait for the next fetch.",
    navigation="Core::Email::PostMaster",
    minimum=1,
    maximum=10000,
)
AUTO_RESPONSES_PER_HOUR = declare(
    "PostMaster::MaxAutoResponsesPerAddress",
    "integer",
    10,
    "Automatic responses one address gets per hour at most; more would feed a mail loop.",
    navigation="Core::Email::PostMaster",
    minimum=0,
    maximum=10000,
)
