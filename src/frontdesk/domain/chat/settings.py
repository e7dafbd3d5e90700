"""Settings of the chat feature."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

AVAILABILITY_ON_LOGIN = declare(
    "ChatEngine::AvailabilityOnLogin",
    "select",
    "internal",
    "The chat availability an agent is given at each login: unavailable, internal (chats with"
    " agents only) or external (also customers and public users).",
    navigation="Chat::Agent",
    user_modifiable=True,
    options=("unavailable", "internal", "external"),
)

# --- the chat engine (chat.md §2) ---------------------------------------------------------------

ACTIVE = declare(
    "ChatEngine::Active",
    "bool",
    True,
    "Chat on or off. Off hides every chat screen and refuses every chat API call"
    " (403 chat_disabled).",
    navigation="Chat::Core",
)
PUBLIC_TO_AGENT = declare(
    "ChatEngine::ChatDirection::PublicToAgent",
    "bool",
    True,
    "Public users may start chats (the public chat module must be on too).",
    navigation="Chat::Core",
)
CUSTOMER_TO_AGENT = declare(
    "ChatEngine::ChatDirection::CustomerToAgent",
    "bool",
    True,
    "Customer users may start chats (the customer chat module must be on too).",
    navigation="Chat::Core",
)
AGENT_TO_CUSTOMER = declare(
    "ChatEngine::ChatDirection::AgentToCustomer",
    "bool",
    True,
    "Agents may start chats with customer users who are online.",
    navigation="Chat::Core",
)
AGENT_TO_AGENT = declare(
    "ChatEngine::ChatDirection::AgentToAgent",
    "bool",
    True,
    "Agents may chat with each other.",
    navigation="Chat::Core",
)
RECEIVING_AGENTS_GROUP = declare(
    "ChatEngine::PermissionGroup::ChatReceivingAgents",
    "group",
    "users",
    "Members (ro or more) can receive and accept chat requests.",
    navigation="Chat::Permissions",
)
NOTIFICATION_AGENTS_GROUP = declare(
    "ChatEngine::PermissionGroup::ChatNotificationAgents",
    "group",
    "users",
    "Members are notified about new and pending chat requests.",
    navigation="Chat::Permissions",
)
STARTING_AGENTS_GROUP = declare(
    "ChatEngine::PermissionGroup::ChatStartingAgents",
    "group",
    "users",
    "Members may start new chats at all.",
    navigation="Chat::Permissions",
)
DEFAULT_AGENT_NAME = declare(
    "ChatEngine::DefaultAgentName",
    "string",
    "",
    "Name shown to customers and public users instead of the agent's real name; empty shows"
    " the real name.",
    navigation="Chat::Names",
)
DEFAULT_AGENT_NAME_NUMBERS = declare(
    "ChatEngine::DefaultAgentNameNumbers",
    "bool",
    True,
    "Append a number, stable per agent within a chat, to the default agent name"
    " (Support Agent 1, Support Agent 2).",
    navigation="Chat::Names",
)
PUBLIC_ALLOW_CHANNELS = declare(
    "ChatEngine::PublicInterface::AllowChatChannels",
    "bool",
    True,
    "Public users may pick a channel; otherwise their chats go to the default channel.",
    navigation="Chat::Public",
)
PUBLIC_AVAILABILITY_CHECK = declare(
    "ChatEngine::PublicInterface::AvailabilityCheck",
    "bool",
    True,
    "Public users are only offered channels with an available owner agent.",
    navigation="Chat::Public",
)
CUSTOMER_ALLOW_CHANNELS = declare(
    "ChatEngine::CustomerInterface::AllowChatChannels",
    "bool",
    True,
    "Customer users may pick a channel; otherwise their chats go to the default channel.",
    navigation="Chat::Customer",
)
CUSTOMER_AVAILABILITY_CHECK = declare(
    "ChatEngine::CustomerInterface::AvailabilityCheck",
    "bool",
    True,
    "Customer users are only offered channels with an available owner agent.",
    navigation="Chat::Customer",
)
CUSTOMER_THRESHOLD = declare(
    "ChatEngine::CustomerThreshold",
    "integer",
    5,
    "Minutes without an agent after which the requester sees the 'no agent available' text.",
    navigation="Chat::Core",
    minimum=0,
    maximum=1440,
)
TEXT_NO_AGENTS_NEW_TICKET = declare(
    "ChatEngine::Texts::CustomerFrontend::NoAgentsAvailable::NewTicket",
    "text",
    "No agent is available at the moment. You can turn this chat into a new ticket.",
    "Shown to customers after CustomerThreshold without an agent; offers a new ticket.",
    navigation="Chat::Texts",
)
TEXT_NO_AGENTS_ADD_TO_EXISTING = declare(
    "ChatEngine::Texts::CustomerFrontend::NoAgentsAvailable::AddToExisting",
    "text",
    "No agent is available at the moment. You can add this chat to one of your tickets.",
    "Shown to customers after CustomerThreshold without an agent; offers an existing ticket.",
    navigation="Chat::Texts",
)
TEXT_PUBLIC_NO_AGENTS = declare(
    "ChatEngine::Texts::PublicFrontend::NoAgentsAvailable",
    "text",
    "No agent is available at the moment. Please try again later.",
    "Shown to public users after CustomerThreshold without an agent.",
    navigation="Chat::Texts",
)
# The other fixed texts customers and public users see. Empty: the built-in text, in the
# reader's language; a value replaces it for everyone.
TEXT_CUSTOMER_WAITING = declare(
    "ChatEngine::Texts::CustomerFrontend::WaitingForAgent",
    "string",
    "",
    "Shown to customers while their request waits for an agent (empty: the built-in text).",
    navigation="Chat::Texts",
)
TEXT_CUSTOMER_CLOSED = declare(
    "ChatEngine::Texts::CustomerFrontend::ChatClosed",
    "string",
    "",
    "Shown to customers when their chat has been closed (empty: the built-in text).",
    navigation="Chat::Texts",
)
TEXT_PUBLIC_WAITING = declare(
    "ChatEngine::Texts::PublicFrontend::WaitingForAgent",
    "string",
    "",
    "Shown to public users while their request waits for an agent (empty: the built-in text).",
    navigation="Chat::Texts",
)
TEXT_PUBLIC_CLOSED = declare(
    "ChatEngine::Texts::PublicFrontend::ChatClosed",
    "string",
    "",
    "Shown to public users when their chat has been closed (empty: the built-in text).",
    navigation="Chat::Texts",
)
HTTP_TYPE = declare(
    "HttpType",
    "select",
    "http",
    "Protocol of the links Frontdesk generates, such as the chat widget's embed code: https"
    " when users reach Frontdesk through TLS.",
    navigation="Core",
    options=("http", "https"),
)
PUBLIC_FALLBACK_URL = declare(
    "ChatEngine::PublicInterface::FallbackURL",
    "url",
    "",
    "Address offered to public users when no agent came (empty: none).",
    navigation="Chat::Public",
)
AGENT_ONLINE_THRESHOLD = declare(
    "ChatEngine::AgentOnlineThreshold",
    "integer",
    5,
    "Minutes without a request to the server after which an agent is shown as away and is"
    " not available for chat.",
    navigation="Chat::Core",
    minimum=1,
    maximum=1440,
)
DEFAULT_CHANNEL = declare(
    "ChatEngine::DefaultChatChannel",
    "string",
    "Chat",
    "Name of the default channel: created automatically when missing, never deleted.",
    navigation="Chat::Core",
    pattern=r"\S.{0,199}",
)
CHAT_TTL_HOURS = declare(
    "ChatEngine::ChatTTL",
    "integer",
    720,
    "Hours after closing at which a chat is deleted; until then customers can view it.",
    navigation="Chat::Core",
    minimum=1,
    maximum=87_600,
)
CHAT_DECAY_DAYS = declare(
    "ChatEngine::ChatDecayTime",
    "integer",
    30,
    "Days after creation at which a chat that is not closed is deleted.",
    navigation="Chat::Core",
    minimum=1,
    maximum=3650,
)
CHAT_ORDER = declare(
    "ChatEngine::ChatOrder",
    "select",
    "prepend",
    "New active chats go to the top (prepend) or the bottom (append) of the agent's list.",
    navigation="Chat::Core",
    options=("prepend", "append"),
)
PUBLIC_CHAT_MODULE = declare(
    "PublicFrontend::Module###PublicChat",
    "bool",
    True,
    "The public chat module (/public/chat) is on.",
    navigation="Chat::Public",
)
CUSTOMER_CHAT_MODULE = declare(
    "CustomerFrontend::Module###CustomerChat",
    "bool",
    True,
    "The customer chat module is on.",
    navigation="Chat::Customer",
)
MAX_MESSAGE_LENGTH = declare(
    "ChatEngine::MaxMessageLength",
    "integer",
    4000,
    "Longest chat message in characters; longer ones are refused (413).",
    navigation="Chat::Limits",
    minimum=1,
    maximum=100_000,
)
MESSAGES_PER_SECOND = declare(
    "ChatEngine::MessagesPerSecond",
    "integer",
    10,
    "Messages one member may send per second in one chat; more are refused (429).",
    navigation="Chat::Limits",
    minimum=1,
    maximum=1000,
)
OPEN_REQUESTS_PER_VISITOR = declare(
    "ChatEngine::PublicInterface::OpenRequestsPerVisitor",
    "integer",
    1,
    "Open public chats one visitor (browser token) may have at once.",
    navigation="Chat::Limits",
    minimum=1,
    maximum=100,
)
OPEN_REQUESTS_PER_IP = declare(
    "ChatEngine::PublicInterface::OpenRequestsPerIP",
    "integer",
    5,
    "Open public chats one IP address may have at once.",
    navigation="Chat::Limits",
    minimum=1,
    maximum=10_000,
)
PUBLIC_ALLOWED_ORIGINS = declare(
    "ChatEngine::PublicInterface::AllowedOrigins",
    "list",
    [],
    "Web sites allowed to embed the chat widget, as origins (https://www.example.com); '*'"
    " allows every site. This server's own pages may always embed it.",
    navigation="Chat::Public",
)
PUBLIC_PRIMARY_COLOR = declare(
    "ChatEngine::PublicInterface::PrimaryColor",
    "color",
    "#0b5cad",
    "Main colour of the public chat, the embeddable widget and the customers' chat page"
    " (buttons, the header), written #rrggbb. The chat integration dialog starts from it.",
    navigation="Chat::Public",
)
PUBLIC_TEXT_COLOR = declare(
    "ChatEngine::PublicInterface::TextColor",
    "color",
    "#ffffff",
    "Colour of text on the main colour, written #rrggbb. When the pair is less readable than"
    " a contrast of 4.5:1, black or white (whichever reads better) is shown instead.",
    navigation="Chat::Public",
)
